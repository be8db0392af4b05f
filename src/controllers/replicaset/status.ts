// ReplicaSet status from its owned active pods.
// https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/replicaset/replica_set_utils.go (calculateStatus)
// https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/replicaset/replica_set.go (syncReplicaSet's requeue)
import { selectorMatches } from '../../api/validation/label-selector.ts';
import { formatTime, isPodAvailable, isPodReady, secondsUntilAvailable } from '../common/pod-state.ts';
import type { Condition, Pod, ReplicaSet, ReplicaSetStatus } from '../common/types.ts';

const REPLICA_FAILURE = 'ReplicaFailure';

/**
 * replicas, fullyLabeledReplicas (pods carrying every template label), ready, available (ready
 * for minReadySeconds), observedGeneration, and the ReplicaFailure condition: set (once) when the
 * last create or delete failed, removed when it succeeded.
 */
export function replicaSetStatus(rs: ReplicaSet, activePods: readonly Pod[], now: Date, manageError?: string): ReplicaSetStatus {
  const templateLabels = rs.spec?.template?.metadata?.labels ?? {};
  const minReady = rs.spec?.minReadySeconds ?? 0;
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of activePods) {
    if (selectorMatches({ matchLabels: templateLabels }, pod.metadata.labels)) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, minReady, now)) available++;
    }
  }
  const status: ReplicaSetStatus = { ...structuredClone(rs.status ?? {}) };
  const failure = status.conditions?.find((c) => c.type === REPLICA_FAILURE);
  if (manageError !== undefined && failure === undefined) {
    const diff = activePods.length - (rs.spec?.replicas ?? 1);
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
    const condition: Condition = { type: REPLICA_FAILURE, status: 'True', lastTransitionTime: formatTime(now), reason, message: manageError };
    status.conditions = [...(status.conditions ?? []), condition];
  } else if (manageError === undefined && failure !== undefined) {
    status.conditions = status.conditions?.filter((c) => c.type !== REPLICA_FAILURE);
    if (status.conditions?.length === 0) delete status.conditions;
  }
  status.replicas = activePods.length;
  status.fullyLabeledReplicas = fullyLabeled;
  status.readyReplicas = ready;
  status.availableReplicas = available;
  status.observedGeneration = rs.metadata.generation ?? 0;
  return status;
}

/**
 * When every replica is ready but some are not yet available, sync again once the first of them
 * turns available (Kubernetes waits minReadySeconds; the exact remaining time is used here).
 */
export function availabilityRecheckSeconds(rs: ReplicaSet, activePods: readonly Pod[], now: Date): number | undefined {
  const minReady = rs.spec?.minReadySeconds ?? 0;
  if (minReady <= 0) return undefined;
  let soonest: number | undefined;
  for (const pod of activePods) {
    const s = secondsUntilAvailable(pod, minReady, now);
    if (s !== undefined && (soonest === undefined || s < soonest)) soonest = s;
  }
  return soonest;
}
