// Rolling update arithmetic: how far a rollout may surge above and dip below spec.replicas, and
// the scale of each ReplicaSet for one step of a rollout.
// https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/deployment/rolling.go
// https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/deployment/util/deployment_util.go
// (ResolveFenceposts, MaxSurge, MaxUnavailable, NewRSNewReplicas)
import { scaledValue } from '../common/int-or-percent.ts';
import type { Deployment, IntOrString, ReplicaSet } from '../common/types.ts';
import { byCreationTimestamp, specReplicas, sumSpecReplicas, sumStatus, withReplicas } from './replica-sets.ts';

/** A ReplicaSet to scale, and to what. */
export interface ScaleStep {
  name: string;
  from: number;
  to: number;
}

export function isRollingUpdate(d: Deployment): boolean {
  return (d.spec?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

function desired(d: Deployment): number {
  return d.spec?.replicas ?? 1;
}

/**
 * maxSurge rounds up and maxUnavailable down; when both come to 0 (validation forbids only an
 * explicit 0/0, rounding can still get there) maxUnavailable becomes 1 so the rollout can move.
 */
export function resolveFenceposts(maxSurge: IntOrString | undefined, maxUnavailable: IntOrString | undefined, replicas: number): { surge: number; unavailable: number } {
  const surge = scaledValue(maxSurge ?? 0, replicas, true);
  let unavailable = scaledValue(maxUnavailable ?? 0, replicas, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

export function maxSurge(d: Deployment): number {
  if (!isRollingUpdate(d)) return 0;
  const r = d.spec?.strategy?.rollingUpdate;
  return resolveFenceposts(r?.maxSurge, r?.maxUnavailable, desired(d)).surge;
}

/** Never more than spec.replicas; 0 for Recreate and for a deployment scaled to 0. */
export function maxUnavailable(d: Deployment): number {
  const replicas = desired(d);
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  const r = d.spec?.strategy?.rollingUpdate;
  return Math.min(resolveFenceposts(r?.maxSurge, r?.maxUnavailable, replicas).unavailable, replicas);
}

export function minAvailable(d: Deployment): number {
  return isRollingUpdate(d) ? desired(d) - maxUnavailable(d) : 0;
}

/** How big the new ReplicaSet may be now: up to spec.replicas, without exceeding replicas + maxSurge in all. */
export function newRSNewReplicas(d: Deployment, allRSs: readonly ReplicaSet[], newRS: ReplicaSet): number {
  if (!isRollingUpdate(d)) return desired(d);
  const r = d.spec?.strategy?.rollingUpdate;
  const surge = scaledValue(r?.maxSurge ?? 0, desired(d), true);
  const current = sumSpecReplicas(allRSs);
  const maxTotal = desired(d) + surge;
  if (current >= maxTotal) return specReplicas(newRS);
  const up = Math.min(maxTotal - current, desired(d) - specReplicas(newRS));
  return specReplicas(newRS) + up;
}

/** The new ReplicaSet's next scale, or undefined when it stays as it is. */
export function reconcileNewReplicaSet(d: Deployment, allRSs: readonly ReplicaSet[], newRS: ReplicaSet): ScaleStep | undefined {
  const current = specReplicas(newRS);
  const target = current > desired(d) ? desired(d) : newRSNewReplicas(d, allRSs, newRS);
  return target === current ? undefined : { name: newRS.metadata.name ?? '', from: current, to: target };
}

/**
 * Scale-downs of old ReplicaSets for one rollout step: first replicas that are not available
 * (removing them costs no availability), then as many as keep availability at
 * spec.replicas - maxUnavailable, oldest ReplicaSets first. `oldRSs` are the active ones.
 */
export function reconcileOldReplicaSets(d: Deployment, allRSs: readonly ReplicaSet[], oldRSs: readonly ReplicaSet[], newRS: ReplicaSet): ScaleStep[] {
  if (sumSpecReplicas(oldRSs) === 0) return [];
  const minAvail = desired(d) - maxUnavailable(d);
  const newUnavailable = specReplicas(newRS) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = sumSpecReplicas(allRSs) - minAvail - newUnavailable;
  if (maxScaledDown <= 0) return [];

  const { rss: cleaned, steps } = cleanupUnhealthyReplicas(oldRSs, maxScaledDown);
  const down = scaleDownOldReplicaSetsForRollingUpdate(d, [...cleaned, newRS], cleaned);
  return mergeSteps([...steps, ...down]);
}

/** Takes unavailable replicas off old ReplicaSets, oldest first, at most `maxCleanup` in all. */
export function cleanupUnhealthyReplicas(oldRSs: readonly ReplicaSet[], maxCleanup: number): { rss: ReplicaSet[]; steps: ScaleStep[] } {
  const rss = [...oldRSs].sort(byCreationTimestamp);
  const steps: ScaleStep[] = [];
  let total = 0;
  for (let i = 0; i < rss.length; i++) {
    if (total >= maxCleanup) break;
    const rs = rss[i] as ReplicaSet;
    const replicas = specReplicas(rs);
    const available = rs.status?.availableReplicas ?? 0;
    if (replicas === 0 || replicas === available) continue;
    const count = Math.min(maxCleanup - total, replicas - available);
    const to = replicas - count;
    // Go refuses a "scale down" that grows (more available than desired makes count negative).
    if (to > replicas) throw new Error(`when cleaning up unhealthy replicas, got invalid request to scale down ${rs.metadata.namespace}/${rs.metadata.name} ${replicas} -> ${to}`);
    steps.push({ name: rs.metadata.name ?? '', from: replicas, to });
    rss[i] = withReplicas(rs, to);
    total += count;
  }
  return { rss, steps };
}

/** Scales old ReplicaSets down, oldest first, while available pods stay above the minimum. */
export function scaleDownOldReplicaSetsForRollingUpdate(d: Deployment, allRSs: readonly ReplicaSet[], oldRSs: readonly ReplicaSet[]): ScaleStep[] {
  const minAvail = desired(d) - maxUnavailable(d);
  const available = sumStatus(allRSs, 'availableReplicas');
  if (available <= minAvail) return [];
  const steps: ScaleStep[] = [];
  const budget = available - minAvail;
  let total = 0;
  for (const rs of [...oldRSs].sort(byCreationTimestamp)) {
    if (total >= budget) break;
    const replicas = specReplicas(rs);
    if (replicas === 0) continue;
    const count = Math.min(replicas, budget - total);
    steps.push({ name: rs.metadata.name ?? '', from: replicas, to: replicas - count });
    total += count;
  }
  return steps;
}

/** Folds successive steps of one ReplicaSet into one (first `from`, last `to`). */
export function mergeSteps(steps: readonly ScaleStep[]): ScaleStep[] {
  const out = new Map<string, ScaleStep>();
  for (const s of steps) {
    const prev = out.get(s.name);
    out.set(s.name, prev === undefined ? { ...s } : { ...prev, to: s.to });
  }
  return [...out.values()].filter((s) => s.from !== s.to);
}

/** Copies of `rss` with the steps applied. */
export function applySteps(rss: readonly ReplicaSet[], steps: readonly ScaleStep[]): ReplicaSet[] {
  const to = new Map(steps.map((s) => [s.name, s.to]));
  return rss.map((rs) => {
    const n = to.get(rs.metadata.name ?? '');
    return n === undefined ? rs : withReplicas(rs, n);
  });
}
