// StatefulSet status from its pods and revisions.
// https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/statefulset/stateful_set_control.go
// (computeReplicaStatus, updateStatus, completeRollingUpdate)
import { isPodAvailable, isPodReady, isPodTerminating } from '../common/pod-state.ts';
import type { Pod, StatefulSet, StatefulSetStatus } from '../common/types.ts';
import { revisionOfPod } from './identity.ts';

/** Made by the API (a pod the controller has only planned has no phase yet). */
export function isCreated(pod: Pod): boolean {
  return (pod.status?.phase ?? '') !== '';
}

export function isRunningAndReady(pod: Pod): boolean {
  return pod.status?.phase === 'Running' && isPodReady(pod);
}

export function isHealthy(pod: Pod): boolean {
  return isRunningAndReady(pod) && !isPodTerminating(pod);
}

/** Counts over every pod the controller knows of, planned ones included (they count nowhere). */
export function statefulSetCounts(pods: readonly Pod[], minReadySeconds: number, currentRevision: string, updateRevision: string, now: Date) {
  const c = { replicas: 0, readyReplicas: 0, availableReplicas: 0, currentReplicas: 0, updatedReplicas: 0 };
  for (const pod of pods) {
    if (isCreated(pod)) c.replicas++;
    if (isRunningAndReady(pod)) {
      c.readyReplicas++;
      if (isPodAvailable(pod, minReadySeconds, now)) c.availableReplicas++;
    }
    if (isCreated(pod) && !isPodTerminating(pod)) {
      const revision = revisionOfPod(pod);
      if (revision === currentRevision) c.currentReplicas++;
      if (revision === updateRevision) c.updatedReplicas++;
    }
  }
  return c;
}

/** The status to write, with a finished rolling update folded in (current revision := update revision). */
export function statefulSetStatus(
  set: StatefulSet,
  pods: readonly Pod[],
  currentRevision: string,
  updateRevision: string,
  now: Date,
  currentReplicasAdjustment = 0,
): StatefulSetStatus {
  const counts = statefulSetCounts(pods, set.spec?.minReadySeconds ?? 0, currentRevision, updateRevision, now);
  const status: StatefulSetStatus = {
    observedGeneration: set.metadata.generation ?? 0,
    ...counts,
    currentReplicas: counts.currentReplicas + currentReplicasAdjustment,
    currentRevision,
    updateRevision,
    collisionCount: set.status?.collisionCount ?? 0,
  };
  if (set.status?.conditions !== undefined) status.conditions = structuredClone(set.status.conditions);
  const rolling = (set.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
  if (rolling && status.updatedReplicas === status.replicas && status.readyReplicas === status.replicas) {
    status.currentReplicas = status.updatedReplicas;
    status.currentRevision = status.updateRevision;
  }
  return status;
}
