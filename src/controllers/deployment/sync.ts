// One pass of the deployment controller as a plan: the ReplicaSet writes to make, in order, the
// events to record, and the status (and revision annotation) the deployment should then carry.
// Like Kubernetes, a pass takes one step of a rollout and relies on the next pass (triggered by
// the ReplicaSet and pod changes it causes) for the rest.
// https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/deployment/deployment_controller.go (syncDeployment)
// https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/deployment/sync.go
// https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/deployment/rolling.go
// https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/deployment/recreate.go
import type { Deployment, DeploymentStatus, EventRecord, Pod, ReplicaSet } from '../common/types.ts';
import { semanticEqual } from '../../api/validation/object-meta.ts';
import {
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  REVISION_ANNOTATION,
  newReplicaSetAnnotations,
  replicasAnnotations,
  replicasAnnotationsNeedUpdate,
} from './annotations.ts';
import { NewReplicaSetReason, FoundNewRSReason, PROGRESSING, getCondition, deploymentMessages, newCondition, setCondition } from './conditions.ts';
import { replicaSetsToCleanUp } from './history.ts';
import { computeHash, findNewReplicaSet, findOldReplicaSets, newReplicaSetFor } from './pod-template-hash.ts';
import { oldPodsRunning } from './recreate.ts';
import { filterActive, maxRevision, specReplicas } from './replica-sets.ts';
import { isRollingUpdate, mergeSteps, newRSNewReplicas, reconcileNewReplicaSet, reconcileOldReplicaSets } from './rolling.ts';
import type { ScaleStep } from './rolling.ts';
import { isScalingEvent, proportionalScale } from './scale.ts';
import { calculateStatus, deploymentComplete, hasProgressDeadline, pausedConditions, progressCheckAfterSeconds, rolloutStatus } from './status.ts';

export type ReplicaSetAction =
  | { type: 'create'; replicaSet: ReplicaSet }
  /** The whole object to update (replicas, annotations, minReadySeconds). */
  | { type: 'update'; replicaSet: ReplicaSet }
  | { type: 'delete'; name: string; uid?: string };

export interface DeploymentSyncPlan {
  actions: ReplicaSetAction[];
  events: EventRecord[];
  /** A new value for the deployment's revision annotation (Kubernetes writes it with the status). */
  revision?: string;
  /** The status to write when it differs from the deployment's current one. */
  status: DeploymentStatus;
  /** Sync again after this many seconds to check the progress deadline. */
  requeueAfterSeconds?: number;
}

interface Pass {
  d: Deployment;
  now: Date;
  actions: ReplicaSetAction[];
  events: EventRecord[];
  revision?: string;
  /** Set by the rollout paths, whose status carries the Progressing condition. */
  rollout?: boolean;
}

/**
 * Plans one sync of `deployment` given the ReplicaSets it controls (already claimed) and, for
 * the Recreate strategy, the pods those ReplicaSets control.
 */
export function planDeploymentSync(deployment: Deployment, replicaSets: readonly ReplicaSet[], pods: readonly Pod[], now: Date): DeploymentSyncPlan {
  const pass: Pass = { d: structuredClone(deployment), now, actions: [], events: [] };
  const status = syncBody(pass, replicaSets, pods);
  const plan: DeploymentSyncPlan = { actions: pass.actions, events: pass.events, status };
  if (pass.revision !== undefined && pass.revision !== deployment.metadata.annotations?.[REVISION_ANNOTATION]) plan.revision = pass.revision;
  // As requeueStuckDeployment: only when this pass leaves the status as it was (a write would
  // bring the deployment back anyway).
  if (pass.rollout && semanticEqual(pass.d.status, status)) {
    const after = progressCheckAfterSeconds(pass.d, status, now);
    if (after !== undefined) plan.requeueAfterSeconds = after;
  }
  return plan;
}

function syncBody(pass: Pass, rss: readonly ReplicaSet[], pods: readonly Pod[]): DeploymentStatus {
  const { d, now } = pass;
  if (d.metadata.deletionTimestamp) {
    const { newRS, oldRSs } = getAllReplicaSets(pass, rss, false);
    return calculateStatus(d, [...oldRSs, ...opt(newRS)], newRS, now);
  }
  const paused = pausedConditions(d, now);
  if (paused !== undefined) d.status = { ...d.status, conditions: paused };

  const current = getAllReplicaSets(pass, rss, false);
  if (d.spec?.paused || isScalingEvent(d, current.newRS, current.oldRSs)) return scaleSync(pass, current.newRS, current.oldRSs);
  pass.rollout = true;
  return isRollingUpdate(d) ? rolloutRolling(pass, rss) : rolloutRecreate(pass, rss, pods);
}

function opt<T>(x: T | undefined): T[] {
  return x === undefined ? [] : [x];
}

/** getAllReplicaSetsAndSyncRevision: the new ReplicaSet (its annotations synced, or created) and the old ones. */
function getAllReplicaSets(pass: Pass, rss: readonly ReplicaSet[], create: boolean): { newRS: ReplicaSet | undefined; oldRSs: ReplicaSet[] } {
  const { d, now } = pass;
  const oldRSs = findOldReplicaSets(d, rss).all.map((rs) => latest(pass, rs));
  const newRevision = String(maxRevision(oldRSs) + 1);
  const existing = findNewReplicaSet(d, rss);
  if (existing !== undefined) {
    const rs = latest(pass, existing);
    const { annotations, changed } = newReplicaSetAnnotations(d, rs, newRevision, true);
    const minReady = d.spec?.minReadySeconds ?? 0;
    if (changed || (rs.spec?.minReadySeconds ?? 0) !== minReady) {
      const updated = structuredClone(rs);
      updated.metadata.annotations = annotations;
      updated.spec = { ...updated.spec, minReadySeconds: minReady };
      pass.actions.push({ type: 'update', replicaSet: updated });
      return { newRS: updated, oldRSs };
    }
    pass.revision = rs.metadata.annotations?.[REVISION_ANNOTATION];
    if (hasProgressDeadline(d) && getCondition(d.status?.conditions, PROGRESSING) === undefined) {
      const condition = newCondition(PROGRESSING, 'True', FoundNewRSReason, deploymentMessages.foundNewRS(rs.metadata.name ?? ''), now);
      d.status = { ...d.status, conditions: setCondition(d.status?.conditions, condition) };
    }
    return { newRS: rs, oldRSs };
  }
  if (!create) return { newRS: undefined, oldRSs };

  const hash = computeHash(d.spec?.template ?? {}, d.status?.collisionCount);
  const draft = newReplicaSetFor(d, hash, { revision: newRevision, replicas: 0 });
  const replicas = newRSNewReplicas(d, [...oldRSs, draft], draft);
  const newRS: ReplicaSet = { ...draft, spec: { ...draft.spec, replicas } };
  pass.actions.push({ type: 'create', replicaSet: newRS });
  if (replicas > 0) pass.events.push({ type: 'Normal', reason: 'ScalingReplicaSet', message: deploymentMessages.scaled(newRS.metadata.name ?? '', 0, replicas) });
  pass.revision = newRevision;
  if (hasProgressDeadline(d)) {
    const condition = newCondition(PROGRESSING, 'True', NewReplicaSetReason, deploymentMessages.createdNewRS(newRS.metadata.name ?? ''), now);
    d.status = { ...d.status, conditions: setCondition(d.status?.conditions, condition) };
  }
  return { newRS, oldRSs };
}

/** The ReplicaSet as this pass last wrote it. */
function latest(pass: Pass, rs: ReplicaSet): ReplicaSet {
  for (let i = pass.actions.length - 1; i >= 0; i--) {
    const a = pass.actions[i] as ReplicaSetAction;
    if (a.type !== 'delete' && a.replicaSet.metadata.name === rs.metadata.name) return a.replicaSet;
  }
  return rs;
}

/**
 * scaleReplicaSet: a write when the size or the replica annotations are off; an event only for
 * a size change. Returns whether the size changed.
 */
function scale(pass: Pass, rss: readonly ReplicaSet[], step: ScaleStep): boolean {
  const found = rss.find((rs) => rs.metadata.name === step.name);
  if (found === undefined) return false;
  const rs = latest(pass, found);
  const sizeChanges = specReplicas(rs) !== step.to;
  if (!sizeChanges && !replicasAnnotationsNeedUpdate(rs, pass.d)) return false;
  const updated = structuredClone(rs);
  const { desired, max } = replicasAnnotations(pass.d);
  updated.spec = { ...updated.spec, replicas: step.to };
  updated.metadata.annotations = {
    ...updated.metadata.annotations,
    [DESIRED_REPLICAS_ANNOTATION]: String(desired),
    [MAX_REPLICAS_ANNOTATION]: String(max),
  };
  pass.actions.push({ type: 'update', replicaSet: updated });
  if (sizeChanges) pass.events.push({ type: 'Normal', reason: 'ScalingReplicaSet', message: deploymentMessages.scaled(rs.metadata.name ?? '', specReplicas(rs), step.to) });
  return sizeChanges;
}

function cleanup(pass: Pass, oldRSs: readonly ReplicaSet[]): void {
  for (const rs of replicaSetsToCleanUp(pass.d, oldRSs)) pass.actions.push({ type: 'delete', name: rs.metadata.name ?? '', uid: rs.metadata.uid });
}

/** `sync`: proportional scaling, history cleanup when paused, counts-only status. */
function scaleSync(pass: Pass, newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): DeploymentStatus {
  const all = [...oldRSs, ...opt(newRS)];
  for (const step of proportionalScale(pass.d, newRS, oldRSs)) scale(pass, all, step);
  if (pass.d.spec?.paused) cleanup(pass, oldRSs);
  return calculateStatus(pass.d, all, newRS, pass.now);
}

function rolloutRolling(pass: Pass, rss: readonly ReplicaSet[]): DeploymentStatus {
  const { newRS, oldRSs } = getAllReplicaSets(pass, rss, true);
  const rs = newRS as ReplicaSet;
  const all = [...oldRSs, rs];
  const up = reconcileNewReplicaSet(pass.d, all, rs);
  if (up !== undefined && scale(pass, all, up)) return rolloutStatus(pass.d, all, rs, pass.now);
  let down = false;
  for (const step of mergeSteps(reconcileOldReplicaSets(pass.d, all, filterActive(oldRSs), rs))) down = scale(pass, all, step) || down;
  if (down) return rolloutStatus(pass.d, all, rs, pass.now);
  if (deploymentComplete(pass.d, pass.d.status ?? {})) cleanup(pass, oldRSs);
  return rolloutStatus(pass.d, all, rs, pass.now);
}

function rolloutRecreate(pass: Pass, rss: readonly ReplicaSet[], pods: readonly Pod[]): DeploymentStatus {
  let { newRS, oldRSs } = getAllReplicaSets(pass, rss, false);
  let all = [...oldRSs, ...opt(newRS)];
  let down = false;
  for (const rs of filterActive(oldRSs)) down = scale(pass, all, { name: rs.metadata.name ?? '', from: specReplicas(rs), to: 0 }) || down;
  if (down || oldPodsRunning(newRS, oldRSs, pods)) return rolloutStatus(pass.d, all, newRS, pass.now);
  if (newRS === undefined) {
    ({ newRS, oldRSs } = getAllReplicaSets(pass, rss, true));
    all = [...oldRSs, ...opt(newRS)];
  }
  const rs = newRS as ReplicaSet;
  if (specReplicas(latest(pass, rs)) !== (pass.d.spec?.replicas ?? 1)) {
    scale(pass, all, { name: rs.metadata.name ?? '', from: specReplicas(rs), to: pass.d.spec?.replicas ?? 1 });
  }
  if (deploymentComplete(pass.d, pass.d.status ?? {})) cleanup(pass, oldRSs);
  return rolloutStatus(pass.d, all, rs, pass.now);
}
