// Deployment conditions: reasons and messages as the deployment controller writes them, and
// the set/remove rules (a condition with the same status and reason is left untouched; the
// transition time survives a change of reason under the same status).
// https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/deployment/util/deployment_util.go
import { formatTime } from '../common/pod-state.ts';
import type { Condition } from '../common/types.ts';

export const PROGRESSING = 'Progressing';
export const AVAILABLE = 'Available';
export const REPLICA_FAILURE = 'ReplicaFailure';

export const ReplicaSetUpdatedReason = 'ReplicaSetUpdated';
export const FailedRSCreateReason = 'ReplicaSetCreateError';
export const NewReplicaSetReason = 'NewReplicaSetCreated';
export const FoundNewRSReason = 'FoundNewReplicaSet';
export const NewRSAvailableReason = 'NewReplicaSetAvailable';
export const TimedOutReason = 'ProgressDeadlineExceeded';
export const PausedDeployReason = 'DeploymentPaused';
export const ResumedDeployReason = 'DeploymentResumed';
export const MinimumReplicasAvailable = 'MinimumReplicasAvailable';
export const MinimumReplicasUnavailable = 'MinimumReplicasUnavailable';

export function newCondition(type: string, status: Condition['status'], reason: string, message: string, now: Date): Condition {
  const t = formatTime(now);
  return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}

export function getCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/** SetDeploymentCondition on a copy; the new condition goes last, as Go appends it. */
export function setCondition(conditions: readonly Condition[] | undefined, condition: Condition): Condition[] {
  const list = [...(conditions ?? [])];
  const current = getCondition(list, condition.type);
  if (current !== undefined && current.status === condition.status && current.reason === condition.reason) return list;
  const next = { ...condition };
  if (current !== undefined && current.status === condition.status) next.lastTransitionTime = current.lastTransitionTime;
  return [...list.filter((c) => c.type !== condition.type), next];
}

export function removeCondition(conditions: readonly Condition[] | undefined, type: string): Condition[] {
  return (conditions ?? []).filter((c) => c.type !== type);
}

export const deploymentMessages = {
  foundNewRS: (rs: string) => `Found new replica set "${rs}"`,
  createdNewRS: (rs: string) => `Created new replica set "${rs}"`,
  failedCreateRS: (rs: string, err: string) => `Failed to create new replica set "${rs}": ${err}`,
  progressed: (d: string, rs?: string) => (rs === undefined ? `Deployment "${d}" has successfully progressed.` : `ReplicaSet "${rs}" has successfully progressed.`),
  progressing: (d: string, rs?: string) => (rs === undefined ? `Deployment "${d}" is progressing.` : `ReplicaSet "${rs}" is progressing.`),
  timedOut: (d: string, rs?: string) => (rs === undefined ? `Deployment "${d}" has timed out progressing.` : `ReplicaSet "${rs}" has timed out progressing.`),
  paused: 'Deployment is paused',
  resumed: 'Deployment is resumed',
  minimumAvailable: 'Deployment has minimum availability.',
  minimumUnavailable: 'Deployment does not have minimum availability.',
  /** The ScalingReplicaSet event. */
  scaled: (rs: string, from: number, to: number) => `Scaled ${from < to ? 'up' : 'down'} replica set ${rs} from ${from} to ${to}`,
};
