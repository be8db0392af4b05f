// Which pods a ReplicaSet deletes first when it has too many: the ones whose loss hurts least.
// https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/controller_utils.go (ActivePodsWithRanks.Less)
// https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/replicaset/replica_set.go (getPodsToDelete)
// With the PodDeletionCost and LogarithmicScaleDown gates on, as they are by default.
import { isPodActive, isPodReady, podReadyCondition, timeOf } from '../common/pod-state.ts';
import type { Pod } from '../common/types.ts';

export const POD_DELETION_COST_ANNOTATION = 'controller.kubernetes.io/pod-deletion-cost';

const PHASE_ORDINAL: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/** The pod-deletion-cost annotation as an int32; 0 when absent or invalid. */
export function deletionCost(pod: Pod): number {
  const v = pod.metadata.annotations?.[POD_DELETION_COST_ANNOTATION];
  if (v === undefined || !/^[+-]?[0-9]+$/.test(v)) return 0;
  const n = Number(v);
  return n >= -2147483648 && n <= 2147483647 ? n : 0;
}

function maxRestarts(pod: Pod): { regular: number; sidecar: number } {
  let regular = 0;
  for (const c of pod.status?.containerStatuses ?? []) regular = Math.max(regular, c.restartCount ?? 0);
  const sidecars = new Set((pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
  let sidecar = 0;
  for (const c of pod.status?.initContainerStatuses ?? []) if (sidecars.has(c.name)) sidecar = Math.max(sidecar, c.restartCount ?? 0);
  return { regular, sidecar };
}

/** afterOrZero: t1 after t2, a zero (absent) time counting as after any other. */
function afterOrZero(t1: number | undefined, t2: number | undefined): boolean {
  if (t1 === undefined || t2 === undefined) return t1 === undefined;
  return t1 > t2;
}

/** floor(log2(age in nanoseconds)), or -1 for no age: times in the same power-of-two bucket tie. */
function logRank(t: number, now: number): number {
  const ns = (now - t) * 1e6;
  return ns > 0 ? Math.floor(Math.log2(ns)) : -1;
}

/** Compares two times for "newer first", bucketing on a log scale and breaking ties by uid. */
function newerFirst(t1: number | undefined, t2: number | undefined, a: Pod, b: Pod, now: number): number | undefined {
  if (t1 === t2) return undefined;
  if (t1 === undefined || t2 === undefined) return afterOrZero(t1, t2) ? -1 : 1;
  const diff = logRank(t1, now) - logRank(t2, now);
  if (diff !== 0) return diff < 0 ? -1 : 1;
  const x = a.metadata.uid ?? '';
  const y = b.metadata.uid ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

export interface RankedPod {
  pod: Pod;
  /** Active related pods on the same node (including this one): doubled-up pods go first. */
  rank: number;
}

/** Negative when `a` should be deleted before `b`. */
export function comparePodsForDeletion(a: RankedPod, b: RankedPod, now: Date): number {
  const p = a.pod;
  const q = b.pod;
  const n1 = p.spec?.nodeName ?? '';
  const n2 = q.spec?.nodeName ?? '';
  // 1. Unassigned < assigned.
  if (n1 !== n2 && (n1 === '' || n2 === '')) return n1 === '' ? -1 : 1;
  // 2. Pending < Unknown < Running.
  const o1 = PHASE_ORDINAL[p.status?.phase ?? ''] ?? 0;
  const o2 = PHASE_ORDINAL[q.status?.phase ?? ''] ?? 0;
  if (o1 !== o2) return o1 - o2;
  // 3. Not ready < ready.
  const r1 = isPodReady(p);
  const r2 = isPodReady(q);
  if (r1 !== r2) return r1 ? 1 : -1;
  // 4. Lower pod-deletion-cost < higher.
  const c1 = deletionCost(p);
  const c2 = deletionCost(q);
  if (c1 !== c2) return c1 - c2;
  // 5. More related pods on the same node < fewer.
  if (a.rank !== b.rank) return b.rank - a.rank;
  // 6. Ready for a shorter time < longer.
  if (r1 && r2) {
    const c = newerFirst(timeOf(podReadyCondition(p)?.lastTransitionTime), timeOf(podReadyCondition(q)?.lastTransitionTime), p, q, now.getTime());
    if (c !== undefined) return c;
  }
  // 7. More restarts (regular containers, then sidecars) < fewer.
  const x = maxRestarts(p);
  const y = maxRestarts(q);
  if (x.regular !== y.regular) return y.regular - x.regular;
  if (x.sidecar !== y.sidecar) return y.sidecar - x.sidecar;
  // 8. No creation time < newer < older.
  return newerFirst(timeOf(p.metadata.creationTimestamp), timeOf(q.metadata.creationTimestamp), p, q, now.getTime()) ?? 0;
}

/** Ranks each pod by the active related pods (a Deployment's across all its ReplicaSets) on its node. */
export function rankByRelatedPodsOnSameNode(pods: readonly Pod[], related: readonly Pod[]): RankedPod[] {
  const onNode = new Map<string, number>();
  for (const r of related) {
    if (!isPodActive(r)) continue;
    const n = r.spec?.nodeName ?? '';
    onNode.set(n, (onNode.get(n) ?? 0) + 1);
  }
  return pods.map((pod) => ({ pod, rank: onNode.get(pod.spec?.nodeName ?? '') ?? 0 }));
}

/** The `count` pods to delete, best candidates first; all of them (unsorted) when count covers all. */
export function podsToDelete(pods: readonly Pod[], related: readonly Pod[], count: number, now: Date): Pod[] {
  if (count >= pods.length) return [...pods];
  return rankByRelatedPodsOnSameNode(pods, related)
    .sort((a, b) => comparePodsForDeletion(a, b, now))
    .slice(0, count)
    .map((r) => r.pod);
}
