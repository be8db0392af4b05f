// Scaling a Deployment (spec.replicas changed, or the deployment is paused) as opposed to
// rolling it: with more than one active ReplicaSet mid-rollout, the change is spread over them in
// proportion to their size, so a scale-up does not hasten a rollout that may be going badly.
// https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/deployment/sync.go (scale, isScalingEvent)
// https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/deployment/util/deployment_util.go
// (FindActiveOrLatest, IsSaturated, GetProportion, getReplicaSetFraction)
import type { Deployment, ReplicaSet } from '../common/types.ts';
import { desiredReplicasAnnotation, maxReplicasAnnotation } from './annotations.ts';
import { byCreationTimestamp, bySizeNewer, bySizeOlder, filterActive, specReplicas, sumSpecReplicas } from './replica-sets.ts';
import { isRollingUpdate, maxSurge } from './rolling.ts';
import type { ScaleStep } from './rolling.ts';

function desired(d: Deployment): number {
  return d.spec?.replicas ?? 1;
}

/** A scaling event: some active ReplicaSet was annotated for a different spec.replicas. */
export function isScalingEvent(d: Deployment, newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): boolean {
  return filterActive([...oldRSs, newRS]).some((rs) => {
    const annotated = desiredReplicasAnnotation(rs);
    return annotated !== undefined && annotated !== desired(d);
  });
}

/** The only active ReplicaSet, or the newest one when none is active; undefined when several are. */
export function findActiveOrLatest(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): ReplicaSet | undefined {
  if (newRS === undefined && oldRSs.length === 0) return undefined;
  const newestFirst = [...oldRSs].sort(byCreationTimestamp).reverse();
  const active = filterActive([...newestFirst, newRS]);
  if (active.length === 0) return newRS ?? newestFirst[0];
  return active.length === 1 ? active[0] : undefined;
}

/** The new ReplicaSet owns (and has available) every desired replica, as both sides agree. */
export function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (rs === undefined) return false;
  const annotated = desiredReplicasAnnotation(rs);
  if (annotated === undefined) return false;
  const n = desired(d);
  return specReplicas(rs) === n && annotated === n && (rs.status?.availableReplicas ?? 0) === n;
}

function replicaSetFraction(rs: ReplicaSet, d: Deployment): number {
  if (desired(d) === 0) return -specReplicas(rs);
  const deploymentReplicas = desired(d) + maxSurge(d);
  // Without the annotation the deployment's current size is the best guess; the min/max in
  // getProportion keeps the result within bounds either way.
  const annotated = maxReplicasAnnotation(rs) ?? d.status?.replicas ?? 0;
  if (annotated <= 0) return 0;
  return Math.round((specReplicas(rs) * deploymentReplicas) / annotated) - specReplicas(rs);
}

export function getProportion(rs: ReplicaSet | undefined, d: Deployment, toAdd: number, added: number): number {
  if (rs === undefined || specReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/**
 * The scale steps for a scaling event (or a paused deployment): the single active (or newest)
 * ReplicaSet takes spec.replicas; a saturated new ReplicaSet leaves old ones at 0; otherwise, in
 * a rolling deployment, the difference to spec.replicas + maxSurge is shared in proportion,
 * leftovers going to the largest ReplicaSet. That last case lists every active ReplicaSet, even
 * at an unchanged size, because Kubernetes refreshes their replica annotations too.
 */
export function proportionalScale(d: Deployment, newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): ScaleStep[] {
  const target = findActiveOrLatest(newRS, oldRSs);
  if (target !== undefined) {
    if (specReplicas(target) === desired(d)) return [];
    return [{ name: target.metadata.name ?? '', from: specReplicas(target), to: desired(d) }];
  }
  if (isSaturated(d, newRS)) {
    return filterActive(oldRSs).map((rs) => ({ name: rs.metadata.name ?? '', from: specReplicas(rs), to: 0 }));
  }
  if (!isRollingUpdate(d)) return [];

  const active = filterActive([...oldRSs, newRS]);
  const allowedSize = desired(d) > 0 ? desired(d) + maxSurge(d) : 0;
  const toAdd = allowedSize - sumSpecReplicas(active);
  if (toAdd > 0) active.sort(bySizeNewer);
  else if (toAdd < 0) active.sort(bySizeOlder);

  let added = 0;
  const sizes = active.map((rs) => {
    if (toAdd === 0) return specReplicas(rs);
    const proportion = getProportion(rs, d, toAdd, added);
    added += proportion;
    return specReplicas(rs) + proportion;
  });
  if (toAdd !== 0 && sizes.length > 0) sizes[0] = Math.max(0, (sizes[0] as number) + toAdd - added);
  return active.map((rs, i) => ({ name: rs.metadata.name ?? '', from: specReplicas(rs), to: sizes[i] as number }));
}
