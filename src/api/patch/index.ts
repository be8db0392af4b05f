// Patching Kubernetes objects, as pure functions over JSON: JSON patch, merge patch, strategic
// merge patch, server-side apply, and the managed fields of every write.
export { PatchError, PatchErrorCode, isPatchError } from './errors.ts';
export type { PatchStatusReason } from './errors.ts';
export { MAX_JSON_PATCH_OPERATIONS, applyJsonPatch, decodePointerToken, encodePointerToken, parseJsonPatch } from './json-patch.ts';
export { applyMergePatch, mergePatch } from './merge-patch.ts';
export { strategicMerge } from './strategic-merge.ts';
export { applyPatch } from './apply/server-side-apply.ts';
export type { ApplyPatchOptions, ApplyPatchResult } from './apply/server-side-apply.ts';
export { recordUpdate } from './apply/record-update.ts';
export type { RecordUpdateOptions } from './apply/record-update.ts';
export { applyConflictStatus, conflictCauses, describeManager, formatConflictMessage } from './apply/conflicts.ts';
export type { Conflict, ConflictCause } from './apply/conflicts.ts';
export { FieldSet } from './apply/field-set.ts';
export { decodeManagedFields, encodeManagedFields, managerIdentity } from './apply/managed-fields.ts';
export type { ManagerEntry, Managers } from './apply/managed-fields.ts';
export { toFieldSet } from './apply/typed.ts';
