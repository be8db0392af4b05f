// Carrying out a controller's claim (ControllerRefManager.ClaimObjects' side effects): adopt
// orphans and release objects no longer selected, with the strategic-merge patches the pure code
// builds. An adoption that fails because the object changed or went away is dropped from the
// owned set, as client-go does; other failures fail the sync.
// https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/controller_ref_manager.go
import { isConflict, isInvalid, isNotFound } from '../../client/index.ts';
import type { ResourceClient } from '../../client/index.ts';
import { adoptPatch, releasePatch } from '../common/controller-ref.ts';
import type { KubeObject } from '../common/types.ts';

export interface Claim<T extends KubeObject> {
  owned: T[];
  adopt: T[];
  release: T[];
}

export async function applyClaim<T extends KubeObject>(
  resource: ResourceClient<T>,
  owner: KubeObject,
  kind: { apiVersion: string; kind: string },
  claim: Claim<T>,
): Promise<T[]> {
  const failed = new Set<T>();
  for (const object of claim.adopt) {
    try {
      await resource.inNamespace(object.metadata.namespace ?? '').patch(object.metadata.name ?? '', adoptPatch(owner, kind, object), 'strategic');
    } catch (error) {
      if (!isNotFound(error) && !isConflict(error) && !isInvalid(error)) throw error;
      failed.add(object);
    }
  }
  for (const object of claim.release) {
    try {
      await resource.inNamespace(object.metadata.namespace ?? '').patch(object.metadata.name ?? '', releasePatch(owner, object), 'strategic');
    } catch (error) {
      if (!isNotFound(error) && !isConflict(error) && !isInvalid(error)) throw error;
    }
  }
  return claim.owned.filter((o) => !failed.has(o));
}

/** The owner named by `object`'s controllerRef of `kind`, if the cache holds that very object (same uid). */
export function resolveControllerRef<T extends KubeObject>(
  object: KubeObject,
  kind: string,
  lookup: (namespace: string | undefined, name: string) => T | undefined,
): T | undefined {
  const ref = object.metadata.ownerReferences?.find((r) => r.controller === true);
  if (ref === undefined || ref.kind !== kind) return undefined;
  const owner = lookup(object.metadata.namespace, ref.name);
  return owner !== undefined && owner.metadata.uid === ref.uid ? owner : undefined;
}

export function hasControllerRef(object: KubeObject): boolean {
  return object.metadata.ownerReferences?.some((r) => r.controller === true) === true;
}

/** Index name for `byNamespace` lookups on an informer. */
export const NAMESPACE_INDEX = 'namespace';
export const namespaceIndex = (o: KubeObject): string[] => [o.metadata.namespace ?? ''];
