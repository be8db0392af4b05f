// Strategic merge patch (application/strategic-merge-patch+json) as kube-apiserver applies it,
// driven by the OpenAPI patch extensions instead of Go struct tags. Semantics of
// k8s.io/apimachinery/pkg/util/strategicpatch/patch.go (StrategicMergeMapPatch, mergeMap):
// https://github.com/kubernetes/community/blob/master/contributors/devel/sig-api-machinery/strategic-merge-patch.md
// Where Kubernetes keeps a patch value verbatim (a new field, a replaced list), its nulls and
// directives are resolved here as if merged into an empty value: decoding into Go types drops them there.
import type { JsonObject, JsonValue } from '../object.ts';
import type { SchemaNode, SchemaResolver } from '../schema.ts';
import { PatchError, PatchErrorCode } from './errors.ts';
import { clone, entries, isJsonObject, typeName } from './json-value.ts';
import { fieldSchema, itemSchema, patchMeta } from './schema-info.ts';
import {
  DIRECTIVE,
  applyElementOrder,
  deleteFromPrimitiveList,
  mergeList,
  unknownDirective,
  validateElementOrder,
} from './strategic-list.ts';

const RETAIN_KEYS = '$retainKeys';
const SET_ELEMENT_ORDER = '$setElementOrder';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';

/**
 * Applies a strategic merge `patch` to `original` (an object) whose schema is `schema`. The inputs
 * are not modified. Fields the schema does not describe merge like a JSON merge patch.
 */
export function strategicMerge(original: JsonValue, patch: JsonValue, schema: SchemaNode, resolver: SchemaResolver): JsonValue {
  // `null` decodes into an empty patch map in kube-apiserver.
  if (patch === null) return clone(original);
  if (!isJsonObject(patch)) {
    throw new PatchError(PatchErrorCode.InvalidPatch, `json: cannot unmarshal ${goKind(patch)} into Go value of type map[string]interface {}`);
  }
  const base = isJsonObject(original) ? clone(original) : {};
  return new Merger(resolver).mergeMap(base, patch, schema);
}

class Merger {
  readonly #resolver: SchemaResolver;

  constructor(resolver: SchemaResolver) {
    this.#resolver = resolver;
  }

  /** Merges `patch` into `original`, which it may modify and returns. */
  mergeMap(original: JsonObject, patch: JsonObject, schema: SchemaNode | undefined): JsonObject {
    const directive = patch[DIRECTIVE];
    if (directive === 'delete') return {};
    if (directive === 'replace') return this.mergeMap({}, withoutKey(patch, DIRECTIVE), schema);
    if (directive !== undefined && directive !== 'merge') throw unknownDirective(directive, patch);

    applyRetainKeys(original, patch);
    const ordered = this.#applySetElementOrders(original, patch, schema);
    for (const [key, value] of entries(patch)) {
      if (key === DIRECTIVE || key === RETAIN_KEYS || key.startsWith(SET_ELEMENT_ORDER) || ordered.has(key)) continue;
      if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
        const field = directiveField(key, DELETE_FROM_PRIMITIVE_LIST, 'invalid patch format of primitive list');
        if (!Array.isArray(value)) throw new PatchError(PatchErrorCode.InvalidPatch, 'invalid patch format of primitive list');
        const current = original[field];
        if (Array.isArray(current)) original[field] = deleteFromPrimitiveList(current, value);
        continue;
      }
      if (value === null) {
        delete original[key];
        continue;
      }
      original[key] = this.#mergeField(original[key], value, fieldSchema(schema, key, this.#resolver).schema);
    }
    return original;
  }

  #mergeField(current: JsonValue | undefined, value: JsonValue, schema: SchemaNode | undefined): JsonValue {
    const meta = patchMeta(schema, this.#resolver);
    if (isJsonObject(current) && isJsonObject(value)) {
      return meta.strategies.includes('replace') ? this.normalize(value, schema) : this.mergeMap(current, value, schema);
    }
    if (Array.isArray(current) && Array.isArray(value) && meta.strategies.includes('merge')) {
      return this.#mergeList(current, value, schema);
    }
    // Absent, of another JSON type, a scalar, or a list that is replaced: take the patch value.
    return this.normalize(value, schema);
  }

  #mergeList(current: JsonValue[], value: JsonValue[], schema: SchemaNode | undefined): JsonValue[] {
    const items = itemSchema(schema, this.#resolver);
    return mergeList(current, value, patchMeta(schema, this.#resolver).mergeKey, {
      mergeElement: (original, patch) => this.mergeMap(original, patch, items),
      normalize: (patch) => this.normalize(patch, items),
    });
  }

  /** A patch value taken as the new value: merged into an empty value of its type. */
  normalize(value: JsonValue, schema: SchemaNode | undefined): JsonValue {
    if (isJsonObject(value)) return this.mergeMap({}, value, schema);
    if (!Array.isArray(value)) return value;
    if (patchMeta(schema, this.#resolver).strategies.includes('merge')) return this.#mergeList([], value, schema);
    const items = itemSchema(schema, this.#resolver);
    return value.map((item) => (isJsonObject(item) ? this.mergeMap({}, item, items) : clone(item)));
  }

  /**
   * `$setElementOrder/<field>`: merges the field's list (if the patch has one) and orders the result.
   * Returns the fields it handled, which the main loop skips.
   */
  #applySetElementOrders(original: JsonObject, patch: JsonObject, schema: SchemaNode | undefined): Set<string> {
    const handled = new Set<string>();
    for (const [key, order] of entries(patch)) {
      if (!key.startsWith(SET_ELEMENT_ORDER)) continue;
      const message = 'invalid patch format of setElementOrder list';
      const field = directiveField(key, SET_ELEMENT_ORDER, message);
      if (!Array.isArray(order)) throw new PatchError(PatchErrorCode.InvalidPatch, message);
      const fieldNode = fieldSchema(schema, field, this.#resolver).schema;
      const meta = patchMeta(fieldNode, this.#resolver);
      const current = original[field];
      const patchList = patch[field];
      const currentList = Array.isArray(current) ? current : undefined;
      const patchedList = Array.isArray(patchList) ? patchList : undefined;
      if (patchList !== undefined && patchedList === undefined) continue; // null or not a list: plain field
      if (patchedList !== undefined) validateElementOrder(patchedList, order, meta.mergeKey);
      let merged: JsonValue[];
      if (currentList !== undefined && patchedList !== undefined) {
        merged = meta.strategies.includes('merge')
          ? this.#mergeList(currentList, patchedList, fieldNode)
          : (this.normalize(patchedList, fieldNode) as JsonValue[]);
      } else if (patchedList !== undefined) {
        merged = this.normalize(patchedList, fieldNode) as JsonValue[];
      } else if (currentList !== undefined) {
        merged = currentList;
      } else {
        continue;
      }
      original[field] = applyElementOrder(merged, order, currentList ?? [], meta.mergeKey);
      handled.add(field);
    }
    return handled;
  }
}

/** `$retainKeys`: every key of `original` not listed is dropped; the patch may set only listed keys. */
function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  const retain = patch[RETAIN_KEYS];
  if (retain === undefined) return;
  const bad = (): PatchError => new PatchError(PatchErrorCode.InvalidPatch, 'invalid patch format of retainKeys');
  if (!Array.isArray(retain)) throw bad();
  const keep = new Set(retain.filter((k): k is string => typeof k === 'string'));
  for (const [key, value] of entries(patch)) {
    if (value === null || key === DIRECTIVE || key === RETAIN_KEYS) continue;
    if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST) || key.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!keep.has(key)) throw bad();
  }
  for (const key of Object.keys(original)) if (!keep.has(key)) delete original[key];
}

function directiveField(key: string, prefix: string, message: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) throw new PatchError(PatchErrorCode.InvalidPatch, message);
  return key.slice(slash + 1);
}

function withoutKey(object: JsonObject, key: string): JsonObject {
  const { [key]: _dropped, ...rest } = object;
  return rest;
}

function goKind(value: JsonValue): string {
  const name = typeName(value);
  return name === 'boolean' ? 'bool' : name === 'null' ? 'null' : name;
}
