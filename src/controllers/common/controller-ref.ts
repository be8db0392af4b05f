// ControllerRef bookkeeping: who controls an object, and whether a controller should keep,
// adopt, release or ignore it (BaseControllerRefManager.ClaimObject).
// https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/controller_ref_manager.go
// https://github.com/kubernetes/apimachinery/blob/master/pkg/apis/meta/v1/controller_ref.go
import { selectorMatches } from '../../api/validation/label-selector.ts';
import type { KubeObject, LabelSelector, OwnerReference } from './types.ts';

export const DEPLOYMENT_KIND = { apiVersion: 'apps/v1', kind: 'Deployment' };
export const REPLICA_SET_KIND = { apiVersion: 'apps/v1', kind: 'ReplicaSet' };
export const STATEFUL_SET_KIND = { apiVersion: 'apps/v1', kind: 'StatefulSet' };

export function controllerOf(object: KubeObject): OwnerReference | undefined {
  return object.metadata.ownerReferences?.find((r) => r.controller === true);
}

export function isControlledBy(object: KubeObject, owner: KubeObject): boolean {
  const ref = controllerOf(object);
  return ref !== undefined && owner.metadata.uid !== undefined && ref.uid === owner.metadata.uid;
}

/**
 * metav1.NewControllerRef: controller and blockOwnerDeletion both true. The kind is the
 * controller's own (list items from the API carry no apiVersion or kind of their own).
 */
export function newControllerRef(owner: KubeObject, kind: { apiVersion: string; kind: string } = owner): OwnerReference {
  return {
    apiVersion: kind.apiVersion,
    kind: kind.kind,
    name: owner.metadata.name ?? '',
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** own: already ours and selected; adopt: an orphan to take; release: ours but no longer selected. */
export type ClaimDecision = 'own' | 'adopt' | 'release' | 'ignore';

/**
 * What `owner` (a controller with `selector`) should do about `object`. Matching also requires
 * the caller's extra filter, if any (a Deployment's ReplicaSets and a ReplicaSet's pods need none).
 */
export function claimDecision(owner: KubeObject, selector: LabelSelector | undefined, object: KubeObject): ClaimDecision {
  const matches = selectorMatches(selector, object.metadata.labels);
  const ref = controllerOf(object);
  if (ref !== undefined) {
    if (ref.uid !== owner.metadata.uid) return 'ignore';
    if (matches) return 'own';
    // A controller being deleted takes no action, not even releasing.
    return owner.metadata.deletionTimestamp ? 'ignore' : 'release';
  }
  if (owner.metadata.deletionTimestamp || !matches) return 'ignore';
  if (object.metadata.deletionTimestamp) return 'ignore';
  if (owner.metadata.namespace && owner.metadata.namespace !== object.metadata.namespace) return 'ignore';
  return 'adopt';
}

/** Splits candidates by decision; `owned` holds the kept and the adopted (after their patch). */
export function claimObjects<T extends KubeObject>(owner: KubeObject, selector: LabelSelector | undefined, objects: readonly T[]) {
  const owned: T[] = [];
  const adopt: T[] = [];
  const release: T[] = [];
  for (const object of objects) {
    const decision = claimDecision(owner, selector, object);
    if (decision === 'own') owned.push(object);
    else if (decision === 'adopt') {
      adopt.push(object);
      owned.push(object);
    } else if (decision === 'release') release.push(object);
  }
  return { owned, adopt, release };
}

/**
 * The strategic-merge patch that adopts `object` (the uid pins the patch to this incarnation,
 * so a recreated object of the same name is not adopted by mistake).
 */
export function adoptPatch(owner: KubeObject, kind: { apiVersion: string; kind: string }, object: KubeObject): Record<string, unknown> {
  return { metadata: { ownerReferences: [newControllerRef(owner, kind)], uid: object.metadata.uid } };
}

/** The strategic-merge patch that removes `owner`'s reference from `object`. */
export function releasePatch(owner: KubeObject, object: KubeObject): Record<string, unknown> {
  return { metadata: { ownerReferences: [{ $patch: 'delete', uid: owner.metadata.uid }], uid: object.metadata.uid } };
}
