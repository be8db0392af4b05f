// Server-side apply (application/apply-patch+yaml): merges an applied configuration into the live
// object and maintains metadata.managedFields, per structured-merge-diff's Updater.Apply and
// kube-apiserver's field manager. https://kubernetes.io/docs/reference/using-api/server-side-apply/
import type { JsonValue, KubeObject } from '../../object.ts';
import type { SchemaNode, SchemaResolver } from '../../schema.ts';
import { PatchError, PatchErrorCode } from '../errors.ts';
import { deepEqual, isJsonObject } from '../json-value.ts';
import { compare, excludeFields } from './compare.ts';
import type { Conflict } from './conflicts.ts';
import { FieldSet } from './field-set.ts';
import {
  STRIPPED_FIELDS,
  asJson,
  asKube,
  decodeManagedFields,
  formatTime,
  managerIdentity,
  resetFieldSet,
  setManagedFields,
  withoutManagedFields,
} from './managed-fields.ts';
import type { ManagerEntry, Managers } from './managed-fields.ts';
import { mergeValues } from './merge.ts';
import { describePath } from './path-element.ts';
import { removeItems } from './remove.ts';
import { ensureNamedFieldsAreMembers, toFieldSet } from './typed.ts';

export interface ApplyPatchOptions {
  /** The stored object; undefined when the apply creates it. */
  live: KubeObject | undefined;
  /** The applied configuration (the request body). */
  applied: KubeObject;
  /** `fieldManager` of the request. */
  manager: string;
  /** `force=true` (`kubectl apply --server-side --force-conflicts`): take over conflicting fields. */
  force: boolean;
  /** The schema of the kind, e.g. the `io.k8s.api.apps.v1.Deployment` component. */
  schema: SchemaNode;
  resolver: SchemaResolver;
  /** The group/version served, e.g. `apps/v1`. */
  apiVersion: string;
  now: Date;
  /** Set when applying to a subresource such as `status`. */
  subresource?: string;
  /** Field paths the write may not set (default: `status`, or `spec` for the status subresource); not owned, dropped from the configuration. */
  resetFields?: string[][];
}

export type ApplyPatchResult = { object: KubeObject } | { conflicts: Conflict[] };

/**
 * Applies `applied` for `manager`. Returns the object to store (with managedFields updated), or
 * the conflicts when another manager owns a field the configuration changes and `force` is false.
 * Throws a PatchError (400) for a configuration Kubernetes rejects outright.
 */
export function applyPatch(options: ApplyPatchOptions): ApplyPatchResult {
  const { applied, schema, resolver, apiVersion } = options;
  if (applied.apiVersion !== apiVersion) {
    throw new PatchError(
      PatchErrorCode.InvalidApply,
      `Incorrect version specified in apply patch. Specified patch version: ${String(applied.apiVersion)}, expected: ${apiVersion}`,
    );
  }
  if (isJsonObject(applied.metadata) && applied.metadata.managedFields !== undefined && applied.metadata.managedFields !== null) {
    throw new PatchError(PatchErrorCode.InvalidApply, 'metadata.managedFields must be nil');
  }
  let managers: Managers;
  try {
    managers = decodeManagedFields(options.live?.metadata.managedFields);
  } catch (err) {
    throw new PatchError(PatchErrorCode.InvalidObject, `failed to decode managed fields: ${(err as Error).message}`);
  }

  const ignored = resetFieldSet(options.subresource, options.resetFields);
  const live = options.live === undefined ? undefined : withoutManagedFields(options.live);
  const config = removeItems(asJson(applied), ignored, schema, resolver) ?? {};
  const merged = mergeValues(live, config, schema, resolver);

  const id = managerIdentity({ manager: options.manager, operation: 'Apply', apiVersion, subresource: options.subresource });
  const previous = managers.get(id);
  const applier: ManagerEntry = {
    manager: options.manager,
    operation: 'Apply',
    apiVersion,
    ...(options.subresource === undefined ? {} : { subresource: options.subresource }),
    ...(previous?.time === undefined ? {} : { time: previous.time }),
    set: toFieldSet(config, schema, resolver).recursiveDifference(ignored),
  };
  managers.set(id, applier);
  const pruned = prune(merged, managers, previous?.set, schema, resolver) ?? {};

  const changes = excludeFields(compare(live, pruned, schema, resolver), ignored);
  const touched = changes.modified.union(changes.added);
  const conflicts: Conflict[] = [];
  for (const [otherId, other] of [...managers].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (otherId === id) continue;
    const owned = other.set.intersection(touched);
    for (const path of owned.paths()) conflicts.push(conflictOf(other, describePath(path)));
    other.set = other.set.difference(owned).difference(changes.removed);
    if (other.set.isEmpty()) managers.delete(otherId);
  }
  if (conflicts.length > 0 && !options.force) return { conflicts };

  applier.set = applier.set.difference(STRIPPED_FIELDS);
  if (applier.set.isEmpty()) managers.delete(id);
  // Kubernetes stamps the time only when the object changed; a new entry gets one too here.
  if (previous === undefined || !deepEqual(live, pruned)) applier.time = formatTime(options.now);
  const object = asKube(pruned);
  setManagedFields(object, managers);
  return { object };
}

/**
 * Removes what the applier applied last time and no longer applies, unless some manager owns it
 * (Updater.prune with addBackOwnedItems and addBackDanglingItems).
 */
function prune(
  merged: JsonValue | undefined,
  managers: Managers,
  lastSet: FieldSet | undefined,
  schema: SchemaNode,
  resolver: SchemaResolver,
): JsonValue | undefined {
  if (merged === undefined || lastSet === undefined || lastSet.isEmpty()) return merged;
  let owned = new FieldSet();
  for (const m of managers.values()) owned = owned.union(m.set);
  const last = ensureNamedFieldsAreMembers(lastSet, schema, resolver);
  const toRemove = last.difference(ensureNamedFieldsAreMembers(owned, schema, resolver));
  return removeItems(merged, toRemove, schema, resolver);
}

function conflictOf(m: ManagerEntry, field: string): Conflict {
  return {
    manager: m.manager,
    operation: m.operation,
    apiVersion: m.apiVersion,
    ...(m.subresource === undefined ? {} : { subresource: m.subresource }),
    field,
  };
}
