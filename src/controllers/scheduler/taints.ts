// Taints and tolerations, and the taints Kubernetes' node lifecycle controller puts on a node
// from its conditions (not-ready, unreachable, pressure, unschedulable). Ferry has no such
// controller yet, so the scheduler treats those taints as present whenever the conditions call
// for them: a NotReady node is filtered out exactly as a tainted one is in Kubernetes, and a pod
// that tolerates node.kubernetes.io/not-ready may still land there.
// https://github.com/kubernetes/api/blob/master/core/v1/toleration.go (ToleratesTaint)
// https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/nodelifecycle/node_lifecycle_controller.go
// (nodeConditionToTaintKeyStatusMap, doNoScheduleTaintingPass)
import type { Node, Taint, Toleration } from '../common/types.ts';

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
export const TAINT_MEMORY_PRESSURE = 'node.kubernetes.io/memory-pressure';
export const TAINT_DISK_PRESSURE = 'node.kubernetes.io/disk-pressure';
export const TAINT_PID_PRESSURE = 'node.kubernetes.io/pid-pressure';
export const TAINT_NETWORK_UNAVAILABLE = 'node.kubernetes.io/network-unavailable';

const CONDITION_TAINTS: Record<string, Record<string, string>> = {
  Ready: { False: TAINT_NOT_READY, Unknown: TAINT_UNREACHABLE },
  MemoryPressure: { True: TAINT_MEMORY_PRESSURE },
  DiskPressure: { True: TAINT_DISK_PRESSURE },
  NetworkUnavailable: { True: TAINT_NETWORK_UNAVAILABLE },
  PIDPressure: { True: TAINT_PID_PRESSURE },
};

/**
 * An empty key with Exists matches every key; an empty effect every effect; an empty operator
 * means Equal. Gt/Lt (alpha in Kubernetes 1.35) are not supported and tolerate nothing.
 */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? '') {
    case '':
    case 'Equal':
      return (t.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

export function tolerationsTolerateTaint(tolerations: readonly Toleration[] | undefined, taint: Taint): boolean {
  return (tolerations ?? []).some((t) => toleratesTaint(t, taint));
}

/** The first taint that passes `filter` and is not tolerated (FindMatchingUntoleratedTaint). */
export function findUntoleratedTaint(taints: readonly Taint[], tolerations: readonly Toleration[] | undefined, filter: (t: Taint) => boolean): Taint | undefined {
  return taints.find((taint) => filter(taint) && !tolerationsTolerateTaint(tolerations, taint));
}

/**
 * The NoSchedule taints the node lifecycle controller derives from the node's conditions and
 * spec.unschedulable. A node that reports no Ready condition at all is treated as not ready, as
 * the kubelet registers nodes with the not-ready taint until it reports Ready.
 */
export function nodeConditionTaints(node: Node): Taint[] {
  const taints: Taint[] = [];
  const conditions = node.status?.conditions ?? [];
  if (!conditions.some((c) => c.type === 'Ready')) taints.push({ key: TAINT_NOT_READY, effect: 'NoSchedule' });
  for (const c of conditions) {
    const key = CONDITION_TAINTS[c.type]?.[c.status];
    if (key !== undefined) taints.push({ key, effect: 'NoSchedule' });
  }
  if (node.spec?.unschedulable) taints.push({ key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' });
  return taints;
}

/** spec.taints plus the condition taints it does not already carry. */
export function effectiveTaints(node: Node): Taint[] {
  const own = node.spec?.taints ?? [];
  const extra = nodeConditionTaints(node).filter((t) => !own.some((o) => o.key === t.key && o.effect === t.effect));
  return [...own, ...extra];
}
