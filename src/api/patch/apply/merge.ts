// Merging an applied configuration into the live object: structured-merge-diff's TypedValue.Merge
// with the "keep the right-hand side" rule. Leaves take the applied value; granular maps and lists
// merge item by item; list items keep the applied order, with live-only items kept in place.
// https://github.com/kubernetes-sigs/structured-merge-diff/blob/master/typed/merge.go
import type { JsonObject, JsonValue } from '../../object.ts';
import type { SchemaNode, SchemaResolver } from '../../schema.ts';
import { isJsonObject } from '../json-value.ts';
import { fieldSchema, schemaShape } from '../schema-info.ts';
import { fieldElement } from './path-element.ts';
import type { PathElement } from './path-element.ts';
import { indexItems, isLeaf, typeOf } from './typed.ts';
import type { TypeInfo } from './typed.ts';

/**
 * Merges `rhs` (the applied configuration) into `lhs` (the live object). A `null` the configuration
 * gives a typed field removes it, as decoding into Go types does in Kubernetes.
 */
export function mergeValues(
  lhs: JsonValue | undefined,
  rhs: JsonValue | undefined,
  schema: SchemaNode | undefined,
  resolver: SchemaResolver,
): JsonValue | undefined {
  return merge(lhs, rhs, schema, [], resolver);
}

function merge(
  lhs: JsonValue | undefined,
  rhs: JsonValue | undefined,
  schema: SchemaNode | undefined,
  path: PathElement[],
  resolver: SchemaResolver,
): JsonValue | undefined {
  if (rhs === undefined) return lhs;
  const tr = typeOf(schema, rhs, resolver);
  if (lhs !== undefined && typeOf(schema, lhs, resolver).kind !== tr.kind) return rhs;
  if (isLeaf(tr, lhs, rhs)) return rhs;
  if (tr.kind === 'map') return mergeMaps(isJsonObject(lhs) ? lhs : {}, rhs as JsonObject, tr.schema, path, resolver);
  if (tr.kind === 'list') return mergeLists(lhs, rhs, tr, path, resolver);
  return rhs;
}

function mergeMaps(l: JsonObject, r: JsonObject, schema: SchemaNode | undefined, path: PathElement[], resolver: SchemaResolver): JsonObject {
  const out: JsonObject = {};
  const put = (key: string, value: JsonValue | undefined, fieldNode: SchemaNode | undefined): void => {
    if (value === undefined) return;
    if (value === null && r[key] === null && schemaShape(fieldNode, resolver) !== 'unknown') return;
    out[key] = value;
  };
  for (const key of Object.keys(l)) {
    const field = fieldSchema(schema, key, resolver).schema;
    put(key, merge(l[key], r[key], field, [...path, fieldElement(key)], resolver), field);
  }
  for (const key of Object.keys(r)) {
    if (Object.hasOwn(l, key)) continue;
    const field = fieldSchema(schema, key, resolver).schema;
    put(key, merge(undefined, r[key], field, [...path, fieldElement(key)], resolver), field);
  }
  return out;
}

// Port of visitListItems: applied items in applied order; a live-only item stays before the
// applied item that followed it in the live list.
function mergeLists(
  lhs: JsonValue | undefined,
  rhs: JsonValue,
  t: Extract<TypeInfo, { kind: 'list' }>,
  path: PathElement[],
  resolver: SchemaResolver,
): JsonValue[] {
  const left = indexItems(t, lhs, path, resolver);
  const right = indexItems(t, rhs, path, resolver, true);
  const lhsOrder = [...left.keys()];
  const rhsOrder = [...right.keys()];
  const shared = rhsOrder.filter((pe) => left.has(pe));
  let sharedAt = 0;
  const out: JsonValue[] = [];
  const emit = (pe: PathElement): void => {
    const merged = merge(left.get(pe), right.get(pe), t.items, [...path, pe], resolver);
    if (merged !== undefined) out.push(merged);
  };
  let l = 0;
  let r = 0;
  while (l < lhsOrder.length || r < rhsOrder.length) {
    const lpe = lhsOrder[l];
    const rpe = rhsOrder[r];
    if (lpe !== undefined && rpe !== undefined) {
      if (lpe === rpe) {
        emit(lpe);
        l++;
        r++;
        sharedAt++;
        continue;
      }
      const nextShared = shared[sharedAt];
      if (right.has(lpe) && nextShared !== undefined && nextShared !== lpe) {
        l++; // a shared item the applied order places later
        continue;
      }
    }
    if (lpe !== undefined && !right.has(lpe)) {
      emit(lpe);
      l++;
      continue;
    }
    if (rpe !== undefined) {
      emit(rpe);
      r++;
      if (shared[sharedAt] === rpe) sharedAt++;
      continue;
    }
    l++; // a shared item already emitted in applied order
  }
  return out;
}
