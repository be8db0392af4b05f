// How server-side apply sees a value through its schema, following kube-openapi's schemaconv:
// objects are granular unless `x-kubernetes-map-type: atomic`; lists are atomic unless
// `x-kubernetes-list-type` says set or map, falling back to the patch strategy (`merge` with a merge
// key is a map-list keyed by it, without one a set). Values the schema does not describe are
// "deduced" as structured-merge-diff does: maps granular, lists atomic.
import type { JsonObject, JsonValue } from '../../object.ts';
import type { SchemaNode, SchemaResolver } from '../../schema.ts';
import { PatchError, PatchErrorCode } from '../errors.ts';
import { entries, isJsonObject } from '../json-value.ts';
import { extension, fieldSchema, itemSchema, resolveSchema, schemaShape } from '../schema-info.ts';
import { FieldSet } from './field-set.ts';
import { describePath, fieldElement, indexElement, keyElement, parsePathElement, valueElement } from './path-element.ts';
import type { PathElement } from './path-element.ts';

export type TypeInfo =
  | { kind: 'scalar' }
  | { kind: 'map'; atomic: boolean; schema: SchemaNode | undefined }
  | { kind: 'list'; relation: 'atomic' | 'set' | 'map'; keys: string[]; items: SchemaNode | undefined };

/** The type of `value` (absent: undefined) under `schema`; a value of another JSON type is deduced. */
export function typeOf(schema: SchemaNode | undefined, value: JsonValue | undefined, resolver: SchemaResolver): TypeInfo {
  const shape = schemaShape(schema, resolver);
  const present = value !== undefined && value !== null;
  if (shape === 'object' && (!present || isJsonObject(value))) {
    return { kind: 'map', atomic: extension(schema, 'x-kubernetes-map-type', resolver) === 'atomic', schema };
  }
  if (shape === 'array' && (!present || Array.isArray(value))) {
    return { kind: 'list', ...listRelation(schema, resolver), items: itemSchema(schema, resolver) };
  }
  if (shape === 'scalar' && !isJsonObject(value) && !Array.isArray(value)) return { kind: 'scalar' };
  if (isJsonObject(value)) return { kind: 'map', atomic: false, schema: shape === 'unknown' ? schema : undefined };
  if (Array.isArray(value)) return { kind: 'list', relation: 'atomic', keys: [], items: undefined };
  return { kind: 'scalar' };
}

function listRelation(schema: SchemaNode | undefined, resolver: SchemaResolver): { relation: 'atomic' | 'set' | 'map'; keys: string[] } {
  const listType = extension(schema, 'x-kubernetes-list-type', resolver);
  if (listType === 'set') return { relation: 'set', keys: [] };
  if (listType === 'map') return { relation: 'map', keys: extension(schema, 'x-kubernetes-list-map-keys', resolver) ?? [] };
  if (listType === 'atomic') return { relation: 'atomic', keys: [] };
  const strategy = extension(schema, 'x-kubernetes-patch-strategy', resolver) ?? '';
  if (strategy.split(',').includes('merge')) {
    const mergeKey = extension(schema, 'x-kubernetes-patch-merge-key', resolver);
    return mergeKey === undefined ? { relation: 'set', keys: [] } : { relation: 'map', keys: [mergeKey] };
  }
  return { relation: 'atomic', keys: [] };
}

/** Whether a value is a leaf for merging and comparing: a scalar, atomic, or an empty container. */
export function isLeaf(t: TypeInfo, ...values: (JsonValue | undefined)[]): boolean {
  if (t.kind === 'scalar') return true;
  if (t.kind === 'map') return t.atomic || values.every((v) => !isJsonObject(v) || Object.keys(v).length === 0);
  return t.relation === 'atomic' || values.every((v) => !Array.isArray(v) || v.length === 0);
}

/** The path element of a list item; throws for items a set or map-list cannot hold. */
export function itemElement(
  t: Extract<TypeInfo, { kind: 'list' }>,
  index: number,
  item: JsonValue,
  path: PathElement[],
  resolver: SchemaResolver,
): PathElement {
  const fail = (message: string): PatchError => new PatchError(PatchErrorCode.InvalidObject, `${describePath(path)}: element ${index}: ${message}`);
  if (t.relation === 'atomic') return indexElement(index);
  if (t.relation === 'set') {
    if (isJsonObject(item)) throw fail("associative list without keys has an element that's a map type");
    if (Array.isArray(item)) throw fail('not supported: associative list with lists as elements');
    if (item === null) throw fail("associative list without keys has an element that's an explicit null");
    return valueElement(item);
  }
  if (!isJsonObject(item)) throw fail('associative list with keys may not have non-map elements');
  const fields: [string, JsonValue][] = [];
  for (const key of t.keys) {
    const value = item[key] ?? defaultOf(fieldSchema(t.items, key, resolver).schema, resolver);
    if (value === undefined) throw fail(`associative list with keys has an element that omits key field ${JSON.stringify(key)} (and doesn't have default value)`);
    fields.push([key, value]);
  }
  return keyElement(fields);
}

function defaultOf(schema: SchemaNode | undefined, resolver: SchemaResolver): JsonValue | undefined {
  const value = schema?.default ?? resolveSchema(schema, resolver)?.default;
  return value === undefined || isJsonObject(value) || Array.isArray(value) ? undefined : (value as JsonValue);
}

/** The list items keyed by path element; later duplicates are ignored unless `strict`. */
export function indexItems(
  t: Extract<TypeInfo, { kind: 'list' }>,
  list: JsonValue | undefined,
  path: PathElement[],
  resolver: SchemaResolver,
  strict = false,
): Map<PathElement, JsonValue> {
  const out = new Map<PathElement, JsonValue>();
  if (!Array.isArray(list)) return out;
  list.forEach((item, i) => {
    const pe = itemElement(t, i, item, path, resolver);
    if (!out.has(pe)) out.set(pe, item);
    else if (strict) throw new PatchError(PatchErrorCode.InvalidObject, `${describePath(path)}: duplicate entries for key ${describePath([pe])}`);
  });
  return out;
}

/** Every leaf field and list item of `value` (structured-merge-diff's TypedValue.ToFieldSet). */
export function toFieldSet(value: JsonValue, schema: SchemaNode | undefined, resolver: SchemaResolver): FieldSet {
  const set = new FieldSet();
  const walk = (v: JsonValue, s: SchemaNode | undefined, path: PathElement[]): void => {
    const t = typeOf(s, v, resolver);
    if (t.kind === 'scalar' || (t.kind === 'map' && t.atomic) || (t.kind === 'list' && t.relation === 'atomic')) {
      set.insert(path);
    } else if (t.kind === 'list') {
      for (const [pe, item] of indexItems(t, v, path, resolver, true)) {
        walk(item, t.items, [...path, pe]);
        set.insert([...path, pe]);
      }
    } else if (isJsonObject(v)) {
      for (const [key, child] of entries(v)) {
        const field = fieldSchema(t.schema, key, resolver);
        const childPath = [...path, fieldElement(key)];
        walk(child, field.schema, childPath);
        // Map entries (not struct fields) are owned as a whole.
        if (!field.declared) set.insert(childPath);
      }
    }
  };
  walk(value, schema, []);
  return set;
}

/**
 * Adds as members the struct fields that have members below them, so that pruning may remove a
 * whole struct nobody else owns (fieldpath.Set.EnsureNamedFieldsAreMembers).
 */
export function ensureNamedFieldsAreMembers(set: FieldSet, schema: SchemaNode | undefined, resolver: SchemaResolver): FieldSet {
  const out = FieldSet.fromPaths(set.members().map((pe) => [pe]));
  const shape = schemaShape(schema, resolver);
  for (const pe of set.childElements()) {
    const parsed = parsePathElement(pe);
    let childSchema: SchemaNode | undefined;
    if (parsed?.kind === 'field') {
      const field = fieldSchema(schema, parsed.name, resolver);
      if (shape === 'object' && field.declared) out.insert([pe]);
      childSchema = field.schema;
    } else {
      childSchema = shape === 'array' ? itemSchema(schema, resolver) : undefined;
    }
    const child = ensureNamedFieldsAreMembers(set.child(pe), childSchema, resolver);
    for (const path of child.paths()) out.insert([pe, ...path]);
  }
  return out;
}

/**
 * The object an empty Go struct of this kind converts to: the non-pointer struct fields, which
 * Kubernetes' OpenAPI marks `default: {}`. Comparing a created object against it, rather than
 * against nothing, gives the managed fields of a create the shape Kubernetes gives them.
 */
export function zeroObject(schema: SchemaNode | undefined, resolver: SchemaResolver, seen: SchemaNode[] = []): JsonObject {
  const resolved = resolveSchema(schema, resolver);
  const out: JsonObject = {};
  if (resolved === undefined || seen.includes(resolved) || seen.length > 16) return out;
  for (const [key, property] of Object.entries(resolved.properties ?? {})) {
    const isEmptyDefault = isJsonObject(property.default) && Object.keys(property.default).length === 0;
    if (isEmptyDefault && schemaShape(property, resolver) === 'object') out[key] = zeroObject(property, resolver, [...seen, resolved]);
  }
  return out;
}
