// Managed fields for writes that are not server-side apply (create, update, JSON/merge/strategic
// patch): the fields a write changes become its manager's, and leave every other manager's set,
// so that a later apply conflicts with them. Semantics of structured-merge-diff's Updater.Update
// and kube-apiserver's managedFieldsUpdater / FieldManager.Update (decodeLiveOrNew).
import type { KubeObject } from '../../object.ts';
import type { SchemaNode, SchemaResolver } from '../../schema.ts';
import { isJsonObject } from '../json-value.ts';
import { compare, excludeFields } from './compare.ts';
import {
  STRIPPED_FIELDS,
  asKube,
  decodeManagedFields,
  formatTime,
  isResetManagedFields,
  managerIdentity,
  resetFieldSet,
  setManagedFields,
  withoutManagedFields,
} from './managed-fields.ts';
import type { Managers } from './managed-fields.ts';
import { zeroObject } from './typed.ts';

export interface RecordUpdateOptions {
  /** The stored object; undefined for a create. */
  before: KubeObject | undefined;
  /** The object about to be stored, after the write (and the patch) applied. */
  after: KubeObject;
  /** `fieldManager` of the request, e.g. `kubectl-client-side-apply`, `kubectl-edit`, `kubectl-label`. */
  manager: string;
  operation: 'Update';
  /** The group/version the request used, e.g. `apps/v1`. */
  apiVersion: string;
  subresource?: string;
  now: Date;
  schema: SchemaNode;
  resolver: SchemaResolver;
  /** Field paths the write may not change (default: `status`, or `spec` for the status subresource). */
  resetFields?: string[][];
}

/**
 * Returns `after` with metadata.managedFields updated for this write. Never throws: like
 * FieldManager.UpdateNoErrors, an object the field sets cannot describe loses its managedFields.
 */
export function recordUpdate(options: RecordUpdateOptions): KubeObject {
  const { after, schema, resolver } = options;
  try {
    const managers = startingManagers(options);
    const ignored = resetFieldSet(options.subresource, options.resetFields);
    const before = options.before === undefined ? zeroObject(schema, resolver) : withoutManagedFields(options.before);
    const next = withoutManagedFields(after);
    const changes = excludeFields(compare(before, next, schema, resolver), ignored);

    const changed = changes.modified.union(changes.added);
    for (const [id, m] of managers) {
      m.set = m.set.difference(changed).difference(changes.removed);
      if (m.set.isEmpty()) managers.delete(id);
    }
    const owned = changed.difference(changes.removed).recursiveDifference(ignored).difference(STRIPPED_FIELDS);
    if (!owned.isEmpty()) {
      const entry = {
        manager: options.manager,
        operation: options.operation,
        apiVersion: options.apiVersion,
        ...(options.subresource === undefined ? {} : { subresource: options.subresource }),
      };
      const id = managerIdentity(entry);
      const previous = managers.get(id);
      managers.set(id, { ...entry, time: formatTime(options.now), set: previous === undefined ? owned : previous.set.union(owned) });
    }
    const object = asKube(next);
    setManagedFields(object, managers);
    return object;
  } catch {
    return asKube(withoutManagedFields(after));
  }
}

/**
 * The managed fields to start from: the ones the request carries (a client may edit them, `[]` or
 * `[{}]` resets them), else, when it carries none or bad ones or writes a subresource, the stored ones.
 */
function startingManagers(options: RecordUpdateOptions): Managers {
  const sent: unknown = isJsonObject(options.after.metadata) ? options.after.metadata.managedFields : undefined;
  const stored = (): Managers => {
    try {
      return decodeManagedFields(options.before?.metadata.managedFields);
    } catch {
      return new Map();
    }
  };
  if (options.subresource !== undefined) return stored();
  if (isResetManagedFields(sent)) return new Map();
  try {
    const decoded = decodeManagedFields(sent);
    return decoded.size > 0 ? decoded : stored();
  } catch {
    return stored();
  }
}
