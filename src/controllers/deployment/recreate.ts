// The Recreate strategy's gate: the new ReplicaSet may only start once no old pod can be running.
// https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/deployment/recreate.go (oldPodsRunning)
import { controllerOf } from '../common/controller-ref.ts';
import type { Pod, ReplicaSet } from '../common/types.ts';
import { sumStatus } from './replica-sets.ts';

/**
 * True while an old ReplicaSet still reports pods, or a pod controlled by one of them is in any
 * phase but Succeeded or Failed (Unknown counts: the pod may still run on an unreachable node).
 */
export function oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[], pods: readonly Pod[]): boolean {
  if (sumStatus(oldRSs, 'replicas') > 0) return true;
  const oldUids = new Set(oldRSs.map((rs) => rs.metadata.uid));
  return pods.some((pod) => {
    const uid = controllerOf(pod)?.uid;
    if (uid === undefined || !oldUids.has(uid) || uid === newRS?.metadata.uid) return false;
    const phase = pod.status?.phase;
    return phase !== 'Failed' && phase !== 'Succeeded';
  });
}
