// Lists in a strategic merge patch whose strategy is `merge`: maps matched by their merge key,
// primitives unioned, `$patch` list elements, and the element order rules of
// k8s.io/apimachinery/pkg/util/strategicpatch/patch.go (mergeSlice, normalizeElementOrder,
// mergeSortedSlice) and https://git.k8s.io/design-proposals-archive/cli/preserve-order-in-strategic-merge-patch.md
import type { JsonObject, JsonValue } from '../object.ts';
import { PatchError, PatchErrorCode } from './errors.ts';
import { deepEqual, isJsonObject } from './json-value.ts';

export const DIRECTIVE = '$patch';

export interface ListMergeOps {
  /** Merges a patch element into the original element it matched by merge key. */
  mergeElement(original: JsonObject, patch: JsonObject): JsonObject;
  /** A patch element without counterpart, with its nulls and directives resolved. */
  normalize(patch: JsonValue): JsonValue;
}

export function mergeList(
  original: JsonValue[],
  patch: JsonValue[],
  mergeKey: string | undefined,
  ops: ListMergeOps,
): JsonValue[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = elementKind(original, patch, mergeKey);
  if (kind !== 'map') return mergePrimitives(original, patch, ops);
  if (mergeKey === undefined) {
    throw new PatchError(PatchErrorCode.InvalidDirective, 'cannot merge lists without merge key for type map');
  }
  let remaining = original;
  const elements: JsonObject[] = [];
  let replace = false;
  for (const item of patch as JsonObject[]) {
    const directive = item[DIRECTIVE];
    if (directive === undefined || directive === 'merge') {
      elements.push(directive === undefined ? item : withoutDirective(item));
    } else if (directive === 'delete') {
      const key = keyOf(item, mergeKey);
      remaining = remaining.filter((el) => !isJsonObject(el) || !sameValue(el[mergeKey], key));
    } else if (directive === 'replace') {
      // Keep looking: the other `$patch` elements are dropped too.
      replace = true;
    } else {
      throw unknownDirective(directive, item);
    }
  }
  if (replace) return elements.map((el) => ops.normalize(el));

  const merged = [...remaining];
  for (const item of elements) {
    const key = keyOf(item, mergeKey);
    const at = merged.findIndex((el) => isJsonObject(el) && Object.hasOwn(el, mergeKey) && sameValue(el[mergeKey], key));
    if (at >= 0) merged[at] = ops.mergeElement(merged[at] as JsonObject, item);
    else merged.push(ops.normalize(item));
  }
  const keyed = keyFunction(mergeKey);
  const [patchItems, serverOnly] = partition(merged, elements, keyed);
  return normalizeElementOrder(patchItems, serverOnly, elements, remaining, keyed);
}

/** `$deleteFromPrimitiveList/<field>`: drops every occurrence of the listed values. */
export function deleteFromPrimitiveList(original: JsonValue[], toDelete: JsonValue[]): JsonValue[] {
  return original.filter((item) => !toDelete.some((d) => sameValue(d, item)));
}

/**
 * `$setElementOrder/<field>`: the items named in `order` take that order; the others keep their
 * place relative to the live list (`serverOrder`).
 */
export function applyElementOrder(
  merged: JsonValue[],
  order: JsonValue[],
  serverOrder: JsonValue[],
  mergeKey: string | undefined,
): JsonValue[] {
  const keyed = keyFunction(mergeKey);
  const [patchItems, serverOnly] = partition(merged, order, keyed);
  return normalizeElementOrder(patchItems, serverOnly, order, serverOrder, keyed);
}

/** The relative order of the patch list must agree with `$setElementOrder` (deleted items aside). */
export function validateElementOrder(patchList: JsonValue[], order: JsonValue[], mergeKey: string | undefined): void {
  if (order.length === 0 || patchList.length === 0) return;
  const items = mergeKey === undefined ? patchList : patchList.filter((el) => !(isJsonObject(el) && el[DIRECTIVE] === 'delete'));
  let p = 0;
  let o = 0;
  while (p < items.length && o < order.length) {
    const item = items[p] as JsonValue;
    if (mergeKey !== undefined && isJsonObject(item) && Object.hasOwn(item, DIRECTIVE)) {
      p++;
      continue;
    }
    const left = mergeKey === undefined ? item : keyOf(item, mergeKey);
    const right = mergeKey === undefined ? order[o] : keyOf(order[o] as JsonValue, mergeKey);
    if (sameValue(left ?? null, right ?? null)) p++;
    o++;
  }
  if (p < items.length) {
    throw new PatchError(
      PatchErrorCode.InvalidDirective,
      `The order in patch list:\n${JSON.stringify(patchList)}\n doesn't match $setElementOrder list:\n${JSON.stringify(order)}\n`,
    );
  }
}

export function keyOf(item: JsonValue, mergeKey: string): JsonValue {
  if (!isJsonObject(item)) {
    throw new PatchError(PatchErrorCode.InvalidDirective, `expected a map, but received a ${describe(item)}`);
  }
  const key = item[mergeKey];
  if (key === undefined) {
    throw new PatchError(PatchErrorCode.MergeKeyMissing, `map: ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey}`);
  }
  return key;
}

export function unknownDirective(directive: JsonValue, where: JsonObject): PatchError {
  return new PatchError(PatchErrorCode.InvalidDirective, `unknown patch type: ${String(directive)} in map: ${JSON.stringify(where)}`);
}

function mergePrimitives(original: JsonValue[], patch: JsonValue[], ops: ListMergeOps): JsonValue[] {
  // `{"$patch": "replace"}` among primitives: Kubernetes rejects the mixed list; replacing is what it asks.
  const directives = patch.filter(isJsonObject);
  if (directives.length > 0) {
    for (const d of directives) if (d[DIRECTIVE] !== 'replace') throw mixedTypes(original, patch);
    return dedupe(patch.filter((item) => !isJsonObject(item)).map((item) => ops.normalize(item)));
  }
  const merged = dedupe([...original, ...patch]);
  const self = (item: JsonValue): JsonValue => item;
  const [patchItems, serverOnly] = partition(merged, patch, self);
  return normalizeElementOrder(patchItems, serverOnly, patch, original, self);
}

type KeyFn = (item: JsonValue) => JsonValue | undefined;

/** Maps are known by their merge key, primitives by themselves; anything else is never matched. */
function keyFunction(mergeKey: string | undefined): KeyFn {
  if (mergeKey !== undefined) return (item) => (isJsonObject(item) ? item[mergeKey] : undefined);
  return (item) => (isJsonObject(item) || Array.isArray(item) ? undefined : item);
}

/** Splits `items` into those named in `by` and the others, both in their current order. */
function partition(items: JsonValue[], by: JsonValue[], keyed: KeyFn): [JsonValue[], JsonValue[]] {
  const named: JsonValue[] = [];
  const others: JsonValue[] = [];
  for (const item of items) (indexIn(by, item, keyed) >= 0 ? named : others).push(item);
  return [named, others];
}

function normalizeElementOrder(
  patchItems: JsonValue[],
  serverOnly: JsonValue[],
  patchOrder: JsonValue[],
  serverOrder: JsonValue[],
  keyed: KeyFn,
): JsonValue[] {
  const right = sortBy(patchItems, patchOrder, keyed);
  const left = sortBy(serverOnly, serverOrder, keyed);
  // Insert each server-only item before the first patch item that follows it in the live list.
  const out: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (j >= right.length) out.push(left[i++] as JsonValue);
    else if (i >= left.length) out.push(right[j++] as JsonValue);
    else {
      const li = indexIn(serverOrder, left[i] as JsonValue, keyed);
      const ri = indexIn(serverOrder, right[j] as JsonValue, keyed);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++] as JsonValue);
      else out.push(right[j++] as JsonValue);
    }
  }
  return out;
}

/** Stable sort by position in `order`; items it does not hold keep their order, after the others. */
function sortBy(items: JsonValue[], order: JsonValue[], keyed: KeyFn): JsonValue[] {
  const ranked = items.map((item, at) => {
    const rank = indexIn(order, item, keyed);
    return { item, at, rank: rank >= 0 ? rank : Number.MAX_SAFE_INTEGER };
  });
  ranked.sort((a, b) => a.rank - b.rank || a.at - b.at);
  return ranked.map((r) => r.item);
}

function indexIn(list: JsonValue[], item: JsonValue, keyed: KeyFn): number {
  const key = keyed(item);
  if (key === undefined) return -1;
  return list.findIndex((candidate) => {
    const other = keyed(candidate);
    return other !== undefined && sameValue(other, key);
  });
}

function dedupe(items: JsonValue[]): JsonValue[] {
  const out: JsonValue[] = [];
  for (const item of items) if (!out.some((seen) => sameValue(seen, item))) out.push(item);
  return out;
}

function elementKind(original: JsonValue[], patch: JsonValue[], mergeKey: string | undefined): 'map' | 'primitive' {
  let kind: string | undefined;
  for (const item of [...original, ...patch]) {
    if (Array.isArray(item)) throw new PatchError(PatchErrorCode.UnsupportedList, 'lists of lists are not supported');
    // Without a merge key, a `$patch` object sits among primitives; mergePrimitives deals with it.
    if (mergeKey === undefined && isJsonObject(item) && Object.hasOwn(item, DIRECTIVE)) continue;
    const k = isJsonObject(item) ? 'map' : item === null ? 'null' : typeof item;
    if (kind === undefined) kind = k;
    else if (kind !== k) throw mixedTypes(original, patch);
  }
  return kind === 'map' || (kind === undefined && mergeKey !== undefined) ? 'map' : 'primitive';
}

function mixedTypes(...lists: JsonValue[][]): PatchError {
  return new PatchError(PatchErrorCode.InvalidDirective, `list element types are not identical: ${JSON.stringify(lists)}`);
}

function withoutDirective(item: JsonObject): JsonObject {
  const { [DIRECTIVE]: _directive, ...rest } = item;
  return rest;
}

function sameValue(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  return a === b || deepEqual(a, b);
}

function describe(value: JsonValue): string {
  return Array.isArray(value) ? 'list' : value === null ? 'null' : typeof value;
}
