// Pod predicates every workload controller shares.
// https://github.com/kubernetes/kubernetes/blob/master/pkg/api/v1/pod/util.go (IsPodReady, IsPodAvailable)
// https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/controller_utils.go (IsPodActive)
import type { Condition, Pod } from './types.ts';

/** Milliseconds since the epoch of an RFC 3339 time; undefined for an absent (zero) time. */
export function timeOf(value: string | undefined | null): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

export { formatTime } from '../../api/time.ts';

export function podReadyCondition(pod: Pod): Condition | undefined {
  return pod.status?.conditions?.find((c) => c.type === 'Ready');
}

export function isPodReady(pod: Pod): boolean {
  return podReadyCondition(pod)?.status === 'True';
}

/** Not Succeeded, not Failed, and not being deleted. */
export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

export function isPodTerminating(pod: Pod): boolean {
  return Boolean(pod.metadata.deletionTimestamp);
}

/** Ready, and (when minReadySeconds > 0) ready since strictly more than minReadySeconds ago. */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: Date): boolean {
  if (!isPodReady(pod)) return false;
  if (minReadySeconds <= 0) return true;
  const since = timeOf(podReadyCondition(pod)?.lastTransitionTime);
  return since !== undefined && since + minReadySeconds * 1000 < now.getTime();
}

/** When a ready pod will become available, in seconds from now; undefined if it is or cannot. */
export function secondsUntilAvailable(pod: Pod, minReadySeconds: number, now: Date): number | undefined {
  if (!isPodReady(pod) || minReadySeconds <= 0 || isPodAvailable(pod, minReadySeconds, now)) return undefined;
  const since = timeOf(podReadyCondition(pod)?.lastTransitionTime);
  if (since === undefined) return undefined;
  return Math.max(0, Math.ceil((since + minReadySeconds * 1000 - now.getTime()) / 1000));
}
