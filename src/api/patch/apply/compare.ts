// Which fields an update added, modified or removed: structured-merge-diff's TypedValue.Compare.
// Leaves (scalars, atomic values, empty containers) are compared by value; a granular map or list
// item that appears or disappears is itself added or removed, besides its leaves.
// https://github.com/kubernetes-sigs/structured-merge-diff/blob/master/typed/compare.go
import type { JsonValue } from '../../object.ts';
import type { SchemaNode, SchemaResolver } from '../../schema.ts';
import { deepEqual, isJsonObject } from '../json-value.ts';
import { fieldSchema } from '../schema-info.ts';
import { FieldSet } from './field-set.ts';
import { fieldElement } from './path-element.ts';
import type { PathElement } from './path-element.ts';
import { indexItems, isLeaf, toFieldSet, typeOf } from './typed.ts';

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** Compares `before` with `after`; `undefined` is an absent object (a create). */
export function compare(
  before: JsonValue | undefined,
  after: JsonValue | undefined,
  schema: SchemaNode | undefined,
  resolver: SchemaResolver,
): Comparison {
  const out: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  walk(before, after, schema, [], out, resolver);
  return out;
}

/** Drops the ignored fields, and everything below them, from every part of a comparison. */
export function excludeFields(c: Comparison, ignored: FieldSet): Comparison {
  return {
    added: c.added.recursiveDifference(ignored),
    modified: c.modified.recursiveDifference(ignored),
    removed: c.removed.recursiveDifference(ignored),
  };
}

function walk(
  lhs: JsonValue | undefined,
  rhs: JsonValue | undefined,
  schema: SchemaNode | undefined,
  path: PathElement[],
  out: Comparison,
  resolver: SchemaResolver,
): void {
  const tl = lhs === undefined ? undefined : typeOf(schema, lhs, resolver);
  const tr = rhs === undefined ? undefined : typeOf(schema, rhs, resolver);
  if (tl !== undefined && tr !== undefined && tl.kind !== tr.kind) {
    // The value changed its JSON type (possible only where the schema says nothing).
    out.modified.insert(path);
    addBelow(out.removed, lhs as JsonValue, schema, path, resolver);
    addBelow(out.added, rhs as JsonValue, schema, path, resolver);
    return;
  }
  const t = (tr ?? tl)!;
  if (isLeaf(t, lhs, rhs)) {
    if (lhs === undefined) out.added.insert(path);
    else if (rhs === undefined) out.removed.insert(path);
    else if (!deepEqual(lhs, rhs)) out.modified.insert(path);
    return;
  }
  if (t.kind === 'map') {
    const l = isJsonObject(lhs) ? lhs : {};
    const r = isJsonObject(rhs) ? rhs : {};
    for (const key of new Set([...Object.keys(l), ...Object.keys(r)])) {
      if (l[key] === undefined && r[key] === undefined) continue;
      walk(l[key], r[key], fieldSchema(t.schema, key, resolver).schema, [...path, fieldElement(key)], out, resolver);
    }
  } else if (t.kind === 'list') {
    const l = indexItems(t, lhs, path, resolver);
    const r = indexItems(t, rhs, path, resolver);
    for (const pe of new Set([...l.keys(), ...r.keys()])) walk(l.get(pe), r.get(pe), t.items, [...path, pe], out, resolver);
  }
  if (lhs === undefined) out.added.insert(path);
  else if (rhs === undefined) out.removed.insert(path);
}

function addBelow(set: FieldSet, value: JsonValue, schema: SchemaNode | undefined, path: PathElement[], resolver: SchemaResolver): void {
  for (const rest of toFieldSet(value, schema, resolver).paths()) set.insert([...path, ...rest]);
}
