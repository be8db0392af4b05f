// RFC 7386 JSON merge patch (application/merge-patch+json), used by `kubectl label`, `annotate`,
// `scale` and `patch --type merge`: objects merge recursively, `null` deletes, anything else
// (arrays included) replaces. https://www.rfc-editor.org/rfc/rfc7386#section-2
import type { JsonObject, JsonValue } from '../object.ts';
import { PatchError, PatchErrorCode } from './errors.ts';
import { clone, entries, isJsonObject } from './json-value.ts';

/** The RFC 7386 MergePatch function; the inputs are not modified. */
export function mergePatch(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isJsonObject(patch)) return clone(patch);
  const result: JsonObject = isJsonObject(target) ? { ...target } : {};
  for (const [key, value] of entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return isJsonObject(target) ? withClonedUntouched(result, target, patch) : result;
}

/**
 * A merge patch of a Kubernetes object. Like kube-apiserver (evanphx/json-patch MergePatch), a
 * patch that is not a JSON object is rejected with 400 `Invalid JSON Patch`.
 */
export function applyMergePatch(object: JsonObject, patch: JsonValue): JsonObject {
  if (!isJsonObject(patch)) throw new PatchError(PatchErrorCode.InvalidPatch, 'Invalid JSON Patch');
  return mergePatch(object, patch) as JsonObject;
}

// Keys the patch did not mention still point into `target`; copy them so the result shares nothing.
function withClonedUntouched(result: JsonObject, target: JsonObject, patch: JsonObject): JsonObject {
  for (const key of Object.keys(result)) {
    if (!Object.hasOwn(patch, key) && result[key] === target[key]) result[key] = clone(result[key]);
  }
  return result;
}
