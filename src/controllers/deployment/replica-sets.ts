// ReplicaSet orderings and sums the deployment controller works with.
// https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/controller_utils.go
// (ReplicaSetsByCreationTimestamp, ReplicaSetsBySizeOlder/Newer, FilterActiveReplicaSets)
// https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/deployment/util/deployment_util.go
import { timeOf } from '../common/pod-state.ts';
import type { ReplicaSet } from '../common/types.ts';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';

export function specReplicas(rs: ReplicaSet | undefined): number {
  return rs?.spec?.replicas ?? 0;
}

function created(rs: ReplicaSet): number {
  return timeOf(rs.metadata.creationTimestamp) ?? 0;
}

function byName(a: ReplicaSet, b: ReplicaSet): number {
  const x = a.metadata.name ?? '';
  const y = b.metadata.name ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Oldest first, name as the tie-break. */
export function byCreationTimestamp(a: ReplicaSet, b: ReplicaSet): number {
  return created(a) - created(b) || byName(a, b);
}

/** Largest first; among equals, oldest first (the order to scale down in). */
export function bySizeOlder(a: ReplicaSet, b: ReplicaSet): number {
  return specReplicas(b) - specReplicas(a) || byCreationTimestamp(a, b);
}

/** Largest first; among equals, newest first (the order to scale up in). */
export function bySizeNewer(a: ReplicaSet, b: ReplicaSet): number {
  return specReplicas(b) - specReplicas(a) || created(b) - created(a) || byName(a, b);
}

/** The revision annotation as a number: 0 when absent, NaN when not an integer. */
export function revisionOf(rs: ReplicaSet): number {
  const v = rs.metadata.annotations?.[REVISION_ANNOTATION];
  if (v === undefined) return 0;
  return /^[+-]?[0-9]+$/.test(v) ? Number(v) : Number.NaN;
}

/** Lowest revision first; creation time breaks ties and unparsable revisions. */
export function byRevision(a: ReplicaSet, b: ReplicaSet): number {
  const x = revisionOf(a);
  const y = revisionOf(b);
  if (Number.isNaN(x) || Number.isNaN(y) || x === y) return byCreationTimestamp(a, b);
  return x - y;
}

/** ReplicaSets that have, or ought to have, pods. */
export function filterActive(rss: readonly (ReplicaSet | undefined)[]): ReplicaSet[] {
  return rss.filter((rs): rs is ReplicaSet => rs !== undefined && specReplicas(rs) > 0);
}

export function sumSpecReplicas(rss: readonly (ReplicaSet | undefined)[]): number {
  return rss.reduce((n, rs) => n + specReplicas(rs), 0);
}

export function sumStatus(rss: readonly (ReplicaSet | undefined)[], field: 'replicas' | 'readyReplicas' | 'availableReplicas'): number {
  return rss.reduce((n, rs) => n + (rs?.status?.[field] ?? 0), 0);
}

export function maxRevision(rss: readonly ReplicaSet[]): number {
  let max = 0;
  for (const rs of rss) {
    const v = revisionOf(rs);
    if (!Number.isNaN(v) && v > max) max = v;
  }
  return max;
}

/** The second-highest revision: what `kubectl rollout undo` goes back to. */
export function lastRevision(rss: readonly ReplicaSet[]): number {
  let max = 0;
  let second = 0;
  for (const rs of rss) {
    const v = revisionOf(rs);
    if (Number.isNaN(v)) continue;
    if (v >= max) {
      second = max;
      max = v;
    } else if (v > second) second = v;
  }
  return second;
}

/** A copy of `rs` with spec.replicas set (the input may be a frozen cache object). */
export function withReplicas(rs: ReplicaSet, replicas: number): ReplicaSet {
  const copy = structuredClone(rs);
  copy.spec = { ...copy.spec, replicas };
  return copy;
}
