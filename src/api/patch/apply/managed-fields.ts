// `metadata.managedFields` in and out: one entry per manager identity, as
// k8s.io/apimachinery/pkg/util/managedfields/internal/managedfields.go encodes them. An Apply
// manager is identified by name and subresource, an Update manager also by apiVersion.
import type { JsonObject, JsonValue, KubeObject, ManagedFieldsEntry, ObjectMeta } from '../../object.ts';
import { clone, isJsonObject } from '../json-value.ts';
import { FieldSet } from './field-set.ts';
import { fieldElement } from './path-element.ts';

export interface ManagerEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  subresource?: string;
  /** RFC 3339, whole seconds. */
  time?: string;
  set: FieldSet;
}

/** Keyed by managerIdentity. */
export type Managers = Map<string, ManagerEntry>;

/** BuildManagerIdentifier: the entry as JSON without fields, time, and (for appliers) apiVersion. */
export function managerIdentity(e: Pick<ManagerEntry, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  const id: Record<string, string> = {};
  if (e.manager !== '') id.manager = e.manager;
  id.operation = e.operation;
  if (e.operation === 'Update' && e.apiVersion !== '') id.apiVersion = e.apiVersion;
  if (e.subresource !== undefined && e.subresource !== '') id.subresource = e.subresource;
  return JSON.stringify(id);
}

/** Decodes managed fields; throws an Error naming the bad entry like DecodeManagedFields does. */
export function decodeManagedFields(entries: unknown): Managers {
  const managers: Managers = new Map();
  if (entries === undefined || entries === null) return managers;
  if (!Array.isArray(entries)) throw new Error('managedFields must be a list');
  entries.forEach((raw: unknown, i) => {
    if (!isJsonObject(raw)) throw new Error(`managed fields entry ${i} is not an object`);
    const entry = raw as Partial<ManagedFieldsEntry>;
    if (entry.operation !== 'Apply' && entry.operation !== 'Update') throw new Error('operation must be `Apply` or `Update`');
    if (typeof entry.apiVersion !== 'string' || entry.apiVersion === '') throw new Error('apiVersion must not be empty');
    if ((entry.fieldsType as string | undefined) === undefined || (entry.fieldsType as string) === '') {
      throw new Error(`missing fieldsType in managed fields entry ${i}`);
    }
    if (entry.fieldsType !== 'FieldsV1') throw new Error(`invalid fieldsType ${JSON.stringify(entry.fieldsType)} in managed fields entry ${i}`);
    let set: FieldSet;
    try {
      set = FieldSet.fromFieldsV1(entry.fieldsV1);
    } catch (err) {
      throw new Error(`error decoding set: ${(err as Error).message}`, { cause: err });
    }
    const decoded: ManagerEntry = {
      manager: typeof entry.manager === 'string' ? entry.manager : '',
      operation: entry.operation,
      apiVersion: entry.apiVersion,
      set,
    };
    if (typeof entry.subresource === 'string' && entry.subresource !== '') decoded.subresource = entry.subresource;
    if (typeof entry.time === 'string') decoded.time = entry.time;
    managers.set(managerIdentity(decoded), decoded);
  });
  return managers;
}

/** `[]` and `[{}]` ask to clear managed fields (isResetManagedFields). */
export function isResetManagedFields(entries: unknown): boolean {
  if (!Array.isArray(entries)) return false;
  if (entries.length === 0) return true;
  return entries.length === 1 && isJsonObject(entries[0]) && Object.keys(entries[0]).length === 0;
}

/** Entries sorted as Kubernetes sorts them: Apply first, then by time, manager, apiVersion, subresource. */
export function encodeManagedFields(managers: Managers): ManagedFieldsEntry[] {
  const encoded = [...managers.values()]
    .filter((m) => !m.set.isEmpty())
    .map((m): ManagedFieldsEntry => ({
      manager: m.manager,
      operation: m.operation,
      apiVersion: m.apiVersion,
      ...(m.time === undefined ? {} : { time: m.time }),
      fieldsType: 'FieldsV1',
      fieldsV1: m.set.toFieldsV1(),
      ...(m.subresource === undefined ? {} : { subresource: m.subresource }),
    }));
  const seconds = (t: string | undefined): number => (t === undefined ? 0 : Math.floor(Date.parse(t) / 1000) || 0);
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return encoded.sort(
    (p, q) =>
      cmp(p.operation, q.operation) ||
      seconds(p.time) - seconds(q.time) ||
      cmp(p.manager, q.manager) ||
      cmp(p.apiVersion, q.apiVersion) ||
      cmp(p.subresource ?? '', q.subresource ?? ''),
  );
}

export { formatTime } from '../../time.ts';

/**
 * Fields no manager owns (stripmeta.go): type meta and the metadata the server sets. The paths are
 * removed exactly; `metadata` itself goes but the labels and annotations below it stay tracked.
 */
export const STRIPPED_FIELDS: FieldSet = FieldSet.fromPaths(
  [
    ['apiVersion'],
    ['kind'],
    ['metadata'],
    ['metadata', 'name'],
    ['metadata', 'namespace'],
    ['metadata', 'creationTimestamp'],
    ['metadata', 'selfLink'],
    ['metadata', 'uid'],
    ['metadata', 'clusterName'],
    ['metadata', 'generation'],
    ['metadata', 'managedFields'],
    ['metadata', 'resourceVersion'],
  ].map((path) => path.map(fieldElement)),
);

/**
 * The fields a write through `subresource` may not change, which nobody owns through it (the
 * strategies' GetResetFields): `status` for the main resource, `spec` for `status`.
 */
export function resetFieldSet(subresource: string | undefined, resetFields: string[][] | undefined): FieldSet {
  const paths = resetFields ?? (subresource === undefined ? [['status']] : subresource === 'status' ? [['spec']] : []);
  return FieldSet.fromPaths(paths.map((path) => path.map(fieldElement)));
}

/** A deep copy of `object` without metadata.managedFields, as plain JSON. */
export function withoutManagedFields(object: KubeObject): JsonObject {
  const copy = asJson(object);
  if (isJsonObject(copy.metadata)) delete copy.metadata.managedFields;
  return copy;
}

/** A deep copy: KubeObject is typed loosely (`unknown` members) but holds JSON. */
export function asJson(object: KubeObject): JsonObject {
  return clone(object as unknown as JsonObject);
}

export function asKube(value: JsonValue): KubeObject {
  return value as unknown as KubeObject;
}

export function setManagedFields(object: KubeObject, managers: Managers): void {
  if (!isJsonObject(object.metadata)) return;
  const metadata: ObjectMeta = object.metadata;
  const entries = encodeManagedFields(managers);
  if (entries.length > 0) metadata.managedFields = entries;
  else delete metadata.managedFields;
}
