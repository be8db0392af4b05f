// Deployment status: replica counts summed over the ReplicaSets, the Available condition, and
// (during a rollout) the Progressing condition with its deadline.
// https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/deployment/sync.go (calculateStatus, checkPausedConditions)
// https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/deployment/progress.go (syncRolloutStatus, requeueStuckDeployment)
import { timeOf } from '../common/pod-state.ts';
import type { Condition, Deployment, DeploymentStatus, ReplicaSet } from '../common/types.ts';
import {
  AVAILABLE,
  MinimumReplicasAvailable,
  MinimumReplicasUnavailable,
  NewRSAvailableReason,
  PROGRESSING,
  PausedDeployReason,
  REPLICA_FAILURE,
  ReplicaSetUpdatedReason,
  ResumedDeployReason,
  TimedOutReason,
  getCondition,
  deploymentMessages,
  newCondition,
  removeCondition,
  setCondition,
} from './conditions.ts';
import { findNewReplicaSet } from './pod-template-hash.ts';
import { sumSpecReplicas, sumStatus } from './replica-sets.ts';
import { maxUnavailable } from './rolling.ts';

const NO_DEADLINE = 2147483647;

function desired(d: Deployment): number {
  return d.spec?.replicas ?? 1;
}

export function hasProgressDeadline(d: Deployment): boolean {
  const s = d.spec?.progressDeadlineSeconds;
  return s !== undefined && s !== NO_DEADLINE;
}

/** Counts and the Available condition (other conditions carried over from the current status). */
export function calculateStatus(d: Deployment, allRSs: readonly ReplicaSet[], newRS: ReplicaSet | undefined, now: Date): DeploymentStatus {
  const available = sumStatus(allRSs, 'availableReplicas');
  const unavailable = Math.max(0, sumSpecReplicas(allRSs) - available);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation ?? 0,
    replicas: sumStatus(allRSs, 'replicas'),
    updatedReplicas: sumStatus([newRS], 'replicas'),
    readyReplicas: sumStatus(allRSs, 'readyReplicas'),
    availableReplicas: available,
    unavailableReplicas: unavailable,
  };
  if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
  const condition =
    available >= desired(d) - maxUnavailable(d)
      ? newCondition(AVAILABLE, 'True', MinimumReplicasAvailable, deploymentMessages.minimumAvailable, now)
      : newCondition(AVAILABLE, 'False', MinimumReplicasUnavailable, deploymentMessages.minimumUnavailable, now);
  status.conditions = setCondition(d.status?.conditions, condition);
  return status;
}

/** Every desired replica updated and available, no old ones left, and this generation observed. */
export function deploymentComplete(d: Deployment, s: DeploymentStatus): boolean {
  const n = desired(d);
  return s.updatedReplicas === n && s.replicas === n && s.availableReplicas === n && (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

/** Progress since the current status: more updated, fewer old, more ready or more available. */
export function deploymentProgressing(d: Deployment, s: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (
    (s.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (s.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (s.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

/** The Progressing condition has gone unrefreshed for longer than progressDeadlineSeconds. */
export function deploymentTimedOut(d: Deployment, s: DeploymentStatus, now: Date): boolean {
  if (!hasProgressDeadline(d)) return false;
  const condition = getCondition(s.conditions, PROGRESSING);
  if (condition === undefined || condition.reason === NewRSAvailableReason) return false;
  if (condition.reason === TimedOutReason) return true;
  const from = timeOf(condition.lastUpdateTime) ?? 0;
  return from + (d.spec?.progressDeadlineSeconds ?? 0) * 1000 < now.getTime();
}

/** ReplicaFailure conditions of the new ReplicaSet, else of any, as deployment conditions. */
function replicaFailures(allRSs: readonly ReplicaSet[], newRS: ReplicaSet | undefined): Condition[] {
  const convert = (c: Condition): Condition => ({
    type: c.type,
    status: c.status,
    lastUpdateTime: c.lastTransitionTime,
    lastTransitionTime: c.lastTransitionTime,
    reason: c.reason,
    message: c.message,
  });
  const own = (newRS?.status?.conditions ?? []).filter((c) => c.type === REPLICA_FAILURE).map(convert);
  if (own.length > 0) return own;
  return allRSs.flatMap((rs) => (rs.status?.conditions ?? []).filter((c) => c.type === REPLICA_FAILURE).map(convert));
}

/**
 * syncRolloutStatus's status: calculateStatus plus the Progressing condition (complete, still
 * progressing, or past its deadline) and any ReplicaFailure. `d.status` is the status as last
 * written (with any condition set earlier in this sync).
 */
export function rolloutStatus(d: Deployment, allRSs: readonly ReplicaSet[], newRS: ReplicaSet | undefined, now: Date): DeploymentStatus {
  const s = calculateStatus(d, allRSs, newRS, now);
  if (!hasProgressDeadline(d)) s.conditions = removeCondition(s.conditions, PROGRESSING);
  const current = getCondition(d.status?.conditions, PROGRESSING);
  const complete = s.replicas === s.updatedReplicas && current?.reason === NewRSAvailableReason;
  const name = d.metadata.name ?? '';
  const rsName = newRS?.metadata.name;
  if (hasProgressDeadline(d) && !complete) {
    if (deploymentComplete(d, s)) {
      s.conditions = setCondition(s.conditions, newCondition(PROGRESSING, 'True', NewRSAvailableReason, deploymentMessages.progressed(name, rsName), now));
    } else if (deploymentProgressing(d, s)) {
      // Unlike setCondition, progress refreshes lastUpdateTime even under the same reason.
      const condition = newCondition(PROGRESSING, 'True', ReplicaSetUpdatedReason, deploymentMessages.progressing(name, rsName), now);
      if (current !== undefined) {
        if (current.status === 'True') condition.lastTransitionTime = current.lastTransitionTime;
        s.conditions = removeCondition(s.conditions, PROGRESSING);
      }
      s.conditions = setCondition(s.conditions, condition);
    } else if (deploymentTimedOut(d, s, now)) {
      s.conditions = setCondition(s.conditions, newCondition(PROGRESSING, 'False', TimedOutReason, deploymentMessages.timedOut(name, rsName), now));
    }
  }
  const failures = replicaFailures(allRSs, newRS);
  s.conditions = failures.length > 0 ? setCondition(s.conditions, failures[0] as Condition) : removeCondition(s.conditions, REPLICA_FAILURE);
  return s;
}

/**
 * The status a deployment should carry given its ReplicaSets: counts and Available, plus the
 * Progressing condition unless it is paused (a paused deployment's sync reports counts only).
 */
export function deploymentStatus(d: Deployment, rss: readonly ReplicaSet[], now: Date): DeploymentStatus {
  const newRS = findNewReplicaSet(d, rss);
  return d.spec?.paused ? calculateStatus(d, rss, newRS, now) : rolloutStatus(d, rss, newRS, now);
}

/**
 * When to look at a stuck rollout again for the deadline (requeueStuckDeployment): seconds from
 * now (0: now), or undefined when no check is due.
 */
export function progressCheckAfterSeconds(d: Deployment, s: DeploymentStatus, now: Date): number | undefined {
  const current = getCondition(d.status?.conditions, PROGRESSING);
  if (!hasProgressDeadline(d) || current === undefined) return undefined;
  if (deploymentComplete(d, s) || current.reason === TimedOutReason) return undefined;
  const after = (timeOf(current.lastUpdateTime) ?? 0) + (d.spec?.progressDeadlineSeconds ?? 0) * 1000 - now.getTime();
  if (after < 1000) return 0;
  // A second more, so the check does not land a few milliseconds early.
  return Math.floor(after / 1000) + 1;
}

/** checkPausedConditions: the Progressing condition for pausing or resuming, or undefined. */
export function pausedConditions(d: Deployment, now: Date): Condition[] | undefined {
  if (d.spec?.progressDeadlineSeconds === undefined) return undefined;
  const current = getCondition(d.status?.conditions, PROGRESSING);
  if (current?.reason === TimedOutReason) return undefined;
  const pausedExists = current?.reason === PausedDeployReason;
  if (d.spec.paused && !pausedExists) {
    return setCondition(d.status?.conditions, newCondition(PROGRESSING, 'Unknown', PausedDeployReason, deploymentMessages.paused, now));
  }
  if (!d.spec.paused && pausedExists) {
    return setCondition(d.status?.conditions, newCondition(PROGRESSING, 'Unknown', ResumedDeployReason, deploymentMessages.resumed, now));
  }
  return undefined;
}
