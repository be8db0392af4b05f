// RFC 6902 JSON patch (application/json-patch+json) with RFC 6901 pointers, behaving like the
// evanphx/json-patch v4 that kube-apiserver runs: same error sentences, negative array indices,
// `replace` of a missing object key adds it. Decoding failures are 400, application failures 422
// (k8s.io/apiserver/pkg/endpoints/handlers/patch.go applyJSPatch).
import type { JsonObject, JsonValue } from '../object.ts';
import { PatchError, PatchErrorCode } from './errors.ts';
import { clone, deepEqual, isJsonObject } from './json-value.ts';

/** kube-apiserver's maxJSONPatchOperations. */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

type Container = JsonObject | JsonValue[];

const MISSING = 'missing value';
const INVALID_INDEX = 'invalid index referenced';

/** Checks the shape kube-apiserver decodes (`[]map[string]*json.RawMessage`) and returns the operations. */
export function parseJsonPatch(patch: JsonValue): (JsonObject | null)[] {
  if (patch === null) return [];
  if (!Array.isArray(patch)) {
    throw new PatchError(PatchErrorCode.InvalidPatch, `json: cannot unmarshal ${goType(patch)} into Go value of type jsonpatch.Patch`);
  }
  for (const op of patch) {
    if (op !== null && !isJsonObject(op)) {
      throw new PatchError(PatchErrorCode.InvalidPatch, `json: cannot unmarshal ${goType(op)} into Go value of type jsonpatch.Operation`);
    }
  }
  if (patch.length > MAX_JSON_PATCH_OPERATIONS) {
    throw new PatchError(
      PatchErrorCode.TooManyOperations,
      `The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${patch.length}`,
    );
  }
  return patch as (JsonObject | null)[];
}

/** Applies `patch` (a JSON patch document) to a copy of `document`; the inputs are not modified. */
export function applyJsonPatch(document: JsonValue, patch: JsonValue): JsonValue {
  const ops = parseJsonPatch(patch);
  const root = { doc: clone(document) };
  for (const op of ops) applyOperation(root, op ?? {});
  return root.doc;
}

export function decodePointerToken(token: string): string {
  return token.replaceAll('~1', '/').replaceAll('~0', '~');
}

export function encodePointerToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

function applyOperation(root: { doc: JsonValue }, op: JsonObject): void {
  const kind = typeof op.op === 'string' ? op.op : 'unknown';
  switch (kind) {
    case 'add': return add(root.doc, op);
    case 'remove': return remove(root.doc, op);
    case 'replace': return replace(root, op);
    case 'move': return move(root.doc, op);
    case 'copy': return copy(root.doc, op);
    case 'test': return test(root.doc, op);
    default: throw invalid(`Unexpected kind: ${kind}`);
  }
}

function add(doc: JsonValue, op: JsonObject): void {
  const path = readString(op, 'path');
  if (typeof path !== 'string') throw invalid(`add operation failed to decode path: ${MISSING}`);
  const [con, key] = findParent(doc, path);
  if (!con) throw notFound(`add operation does not apply: doc is missing path: "${path}": ${MISSING}`);
  wrap(`error in add for path: '${path}': `, () => addTo(con, key, valueOf(op)));
}

function remove(doc: JsonValue, op: JsonObject): void {
  const path = readString(op, 'path');
  if (typeof path !== 'string') throw invalid(`remove operation failed to decode path: ${MISSING}`);
  const [con, key] = findParent(doc, path);
  if (!con) throw notFound(`remove operation does not apply: doc is missing path: "${path}": ${MISSING}`);
  wrap(`error in remove for path: '${path}': `, () => removeFrom(con, key));
}

function replace(root: { doc: JsonValue }, op: JsonObject): void {
  const path = readString(op, 'path');
  if (typeof path !== 'string') throw invalid(`replace operation failed to decode path: ${path.error}`);
  const value = valueOf(op);
  if (path === '') {
    if (!Array.isArray(value) && !isJsonObject(value)) throw invalid('replace operation value must be object or array');
    root.doc = value;
    return;
  }
  const [con, key] = findParent(root.doc, path);
  if (!con) throw notFound(`replace operation does not apply: doc is missing path: ${path}: ${MISSING}`);
  // evanphx v4 checks only that an array index exists; an absent object key is simply set.
  if (Array.isArray(con)) {
    let index: number;
    try {
      index = arrayIndex(key, con.length);
    } catch {
      throw notFound(`replace operation does not apply: doc is missing key: ${path}: ${MISSING}`);
    }
    con[index] = value;
  } else {
    con[key] = value;
  }
}

function move(doc: JsonValue, op: JsonObject): void {
  const from = readString(op, 'from');
  if (typeof from !== 'string') throw invalid(`move operation failed to decode from: ${from.error}`);
  const [source, fromKey] = findParent(doc, from);
  if (!source) throw notFound(`move operation does not apply: doc is missing from path: ${from}: ${MISSING}`);
  const value = wrap(`error in move for path: '${fromKey}': `, () => {
    const found = getFrom(source, fromKey);
    removeFrom(source, fromKey);
    return found;
  });
  const path = readString(op, 'path');
  if (typeof path !== 'string') throw invalid(`move operation failed to decode path: ${path.error}`);
  const [target, key] = findParent(doc, path);
  if (!target) throw notFound(`move operation does not apply: doc is missing destination path: ${path}: ${MISSING}`);
  wrap(`error in move for path: '${path}': `, () => addTo(target, key, value ?? null));
}

function copy(doc: JsonValue, op: JsonObject): void {
  const from = readString(op, 'from');
  if (typeof from !== 'string') throw invalid(`copy operation failed to decode from: ${from.error}`);
  const [source, fromKey] = findParent(doc, from);
  const value = source ? wrap(`error in copy for from: '${from}': `, () => getFrom(source, fromKey)) : undefined;
  // evanphx copies a null out of a missing object key; RFC 6902 section 4.5 requires an error.
  if (value === undefined) throw notFound(`copy operation does not apply: doc is missing from path: ${from}: ${MISSING}`);
  const path = readString(op, 'path');
  if (typeof path !== 'string') throw invalid(`copy operation failed to decode path: ${MISSING}`);
  const [target, key] = findParent(doc, path);
  if (!target) throw notFound(`copy operation does not apply: doc is missing destination path: ${path}: ${MISSING}`);
  wrap('error while adding value during copy: ', () => addTo(target, key, clone(value)));
}

function test(doc: JsonValue, op: JsonObject): void {
  const path = readString(op, 'path');
  if (typeof path !== 'string') throw invalid(`test operation failed to decode path: ${path.error}`);
  const failed = (): PatchError => new PatchError(PatchErrorCode.TestFailed, `testing value ${path} failed: test failed`);
  const expected = op.value;
  if (path === '') {
    if (!deepEqual(doc, expected ?? null)) throw failed();
    return;
  }
  const [con, key] = findParent(doc, path);
  if (!con) throw notFound(`test operation does not apply: is missing path: ${path}: ${MISSING}`);
  const actual = wrap(`error in test for path: '${path}': `, () => getFrom(con, key));
  // A missing or null target matches a missing or null value (both decode to a nil node).
  if (actual === undefined || actual === null) {
    if (expected === undefined || expected === null) return;
    throw failed();
  }
  if (expected === undefined || !deepEqual(actual, expected)) throw failed();
}

/** Walks to the container holding the last token of `path`; [undefined] when any step is missing. */
function findParent(doc: JsonValue, path: string): [Container, string] | [undefined, ''] {
  const tokens = path.split('/');
  if (tokens.length < 2 || tokens[0] !== '') return [undefined, ''];
  let current: JsonValue | undefined = doc;
  for (const token of tokens.slice(1, -1)) {
    if (!isContainer(current)) return [undefined, ''];
    try {
      current = getFrom(current, decodePointerToken(token));
    } catch {
      return [undefined, ''];
    }
  }
  if (!isContainer(current)) return [undefined, ''];
  return [current, decodePointerToken(tokens[tokens.length - 1] ?? '')];
}

function getFrom(con: Container, key: string): JsonValue | undefined {
  if (!Array.isArray(con)) return Object.hasOwn(con, key) ? con[key] : undefined;
  return con[arrayIndex(key, con.length)];
}

function addTo(con: Container, key: string, value: JsonValue): void {
  if (!Array.isArray(con)) {
    con[key] = value;
    return;
  }
  if (key === '-') {
    con.push(value);
    return;
  }
  let index: number;
  try {
    index = arrayIndex(key, con.length + 1);
  } catch (err) {
    if (!/^[+-]?\d+$/.test(key)) throw new Error(`value was not a proper array index: '${key}': ${(err as Error).message}`);
    throw err;
  }
  con.splice(index, 0, value);
}

function removeFrom(con: Container, key: string): void {
  if (!Array.isArray(con)) {
    if (!Object.hasOwn(con, key)) throw new Error(`Unable to remove nonexistent key: ${key}: ${MISSING}`);
    delete con[key];
    return;
  }
  con.splice(arrayIndex(key, con.length), 1);
}

/** Go's strconv.Atoi plus evanphx's negative-index rule; `size` is the number of valid positions. */
function arrayIndex(key: string, size: number): number {
  if (!/^[+-]?\d+$/.test(key)) throw new Error(`strconv.Atoi: parsing ${JSON.stringify(key)}: invalid syntax`);
  let index = Number(key);
  if (index >= size || index < -size) throw new Error(`Unable to access invalid index: ${index}: ${INVALID_INDEX}`);
  if (index < 0) index += size;
  return index;
}

function isContainer(value: JsonValue | undefined): value is Container {
  return Array.isArray(value) || isJsonObject(value);
}

function valueOf(op: JsonObject): JsonValue {
  return clone(op.value ?? null);
}

function readString(op: JsonObject, field: 'path' | 'from'): string | { error: string } {
  const value = op[field];
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) {
    return { error: field === 'path' ? `operation missing path field: ${MISSING}` : `operation, missing from field: ${MISSING}` };
  }
  return { error: `json: cannot unmarshal ${goType(value)} into Go value of type string` };
}

function wrap<T>(prefix: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw notFound(prefix + (err as Error).message);
  }
}

function invalid(message: string): PatchError {
  return new PatchError(PatchErrorCode.InvalidOperation, message);
}

function notFound(message: string): PatchError {
  return new PatchError(PatchErrorCode.PathNotFound, message);
}

function goType(value: JsonValue): string {
  if (Array.isArray(value)) return 'array';
  if (isJsonObject(value)) return 'object';
  if (typeof value === 'boolean') return 'bool';
  return typeof value;
}
