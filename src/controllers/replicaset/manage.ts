// What the ReplicaSet controller does about its pods in one sync: which pods are its own, how
// many to create or which to delete, and the pod to create.
// https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/replicaset/replica_set.go (syncReplicaSet, manageReplicas)
// https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/controller_utils.go (FilterActivePods, slowStartBatch)
import { REPLICA_SET_KIND, claimObjects, newControllerRef } from '../common/controller-ref.ts';
import { isPodActive } from '../common/pod-state.ts';
import { podFromTemplate } from '../common/pod-template.ts';
import type { EventRecord, Pod, ReplicaSet } from '../common/types.ts';
import { podsToDelete } from './pod-ranking.ts';

/** The most pods one sync creates or deletes (the controller's burstReplicas). */
export const BURST_REPLICAS = 500;
/** The first batch of creations; each later batch doubles (SlowStartInitialBatchSize). */
export const SLOW_START_INITIAL_BATCH_SIZE = 1;

export function filterActivePods(pods: readonly Pod[]): Pod[] {
  return pods.filter(isPodActive);
}

/**
 * The active pods this ReplicaSet owns once adoption and release are done, and the patches those
 * need (see adoptPatch/releasePatch). `pods` are the namespace's pods.
 */
export function claimPods(rs: ReplicaSet, pods: readonly Pod[]): { owned: Pod[]; adopt: Pod[]; release: Pod[] } {
  return claimObjects(rs, rs.spec?.selector, filterActivePods(pods));
}

export interface ReplicaDiff {
  /** Pods to create now (at most BURST_REPLICAS). */
  create: number;
  /** Pods to delete now, best candidates first. */
  delete: Pod[];
}

/**
 * manageReplicas: compares the owned active pods to spec.replicas. `related` are the pods of
 * every ReplicaSet with the same owner (a Deployment's), which decide who is doubled up on a node.
 */
export function replicaDiff(rs: ReplicaSet, activePods: readonly Pod[], related: readonly Pod[], now: Date, burst = BURST_REPLICAS): ReplicaDiff {
  const diff = activePods.length - (rs.spec?.replicas ?? 1);
  if (diff < 0) return { create: Math.min(-diff, burst), delete: [] };
  if (diff > 0) return { create: 0, delete: podsToDelete(activePods, related, Math.min(diff, burst), now) };
  return { create: 0, delete: [] };
}

/**
 * The batch sizes slowStartBatch creates `count` pods in: 1, 2, 4, ... so that a failing create
 * (quota, admission) fails once rather than `count` times. Stop at the first batch with an error.
 */
export function slowStartBatches(count: number, initial = SLOW_START_INITIAL_BATCH_SIZE): number[] {
  const out: number[] = [];
  let remaining = count;
  for (let size = Math.min(remaining, initial); size > 0; size = Math.min(2 * size, remaining)) {
    out.push(size);
    remaining -= size;
  }
  return out;
}

/** A pod for the ReplicaSet's template, controlled by it, named `<rs>-<random>` by the server. */
export function podForReplicaSet(rs: ReplicaSet): Pod {
  return podFromTemplate(rs.spec?.template, rs, newControllerRef(rs, REPLICA_SET_KIND));
}

/** The events the ReplicaSet controller records (PodControl's wording). */
export const replicaSetEvents = {
  created: (pod: string): EventRecord => ({ type: 'Normal', reason: 'SuccessfulCreate', message: `Created pod: ${pod}` }),
  deleted: (pod: string): EventRecord => ({ type: 'Normal', reason: 'SuccessfulDelete', message: `Deleted pod: ${pod}` }),
  createFailed: (err: string): EventRecord => ({ type: 'Warning', reason: 'FailedCreate', message: `Error creating: ${err}` }),
  deleteFailed: (err: string): EventRecord => ({ type: 'Warning', reason: 'FailedDelete', message: `Error deleting: ${err}` }),
};
