// Resource arithmetic as the scheduler does it: a pod's effective requests (containers summed,
// init containers as a running maximum that includes the sidecars started before them, plus
// overhead) and a node's allocatable, in the scheduler's units (milli-CPU, bytes, counts).
// https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/component-helpers/resource/helpers.go (PodRequests)
// https://github.com/kubernetes/kubernetes/blob/master/pkg/scheduler/framework/types.go (Resource, NodeInfo)
// https://github.com/kubernetes/kubernetes/blob/master/pkg/scheduler/util/pod_resources.go (non-zero defaults)
import { parseQuantity } from '../../api/validation/quantity.ts';
import type { Container, Node, Pod, ResourceList } from '../common/types.ts';

/** Amounts by resource name: cpu in millicores, everything else in whole units (bytes, pods). */
export type Resources = Record<string, number>;

/** What a container without a CPU or memory request counts as when nodes are scored. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

const NANO_PER_MILLI = 1_000_000n;
const NANO_PER_UNIT = 1_000_000_000n;

function ceilDiv(a: bigint, b: bigint): bigint {
  return a >= 0n ? (a + b - 1n) / b : a / b;
}

/** A resource list in scheduler units (Quantity.MilliValue for cpu, Value otherwise, both rounding up). */
export function toResources(list: ResourceList | undefined): Resources {
  const out: Resources = {};
  for (const [name, raw] of Object.entries(list ?? {})) {
    const nano = parseQuantity(raw);
    if (nano === undefined) continue;
    out[name] = Number(ceilDiv(nano, name === 'cpu' ? NANO_PER_MILLI : NANO_PER_UNIT));
  }
  return out;
}

function add(into: Resources, r: Resources): void {
  for (const [k, v] of Object.entries(r)) into[k] = (into[k] ?? 0) + v;
}

function max(into: Resources, r: Resources): void {
  for (const [k, v] of Object.entries(r)) into[k] = Math.max(into[k] ?? 0, v);
}

function containerRequests(c: Container, nonZero: boolean): Resources {
  const requests = c.resources?.requests;
  const r = toResources(requests);
  if (nonZero) {
    // Only an absent request is defaulted; an explicit 0 stays 0.
    if (requests?.cpu === undefined) r.cpu = DEFAULT_MILLI_CPU_REQUEST;
    if (requests?.memory === undefined) r.memory = DEFAULT_MEMORY_REQUEST;
  }
  return r;
}

/**
 * PodRequests: regular containers and sidecars (restartPolicy Always init containers) summed;
 * each ordinary init container needs itself plus the sidecars started before it, and the pod
 * needs the largest of those; then spec.overhead. With `nonZero`, missing CPU and memory
 * requests count as 100m and 200Mi (for scoring only).
 */
export function podRequests(pod: Pod, nonZero = false): Resources {
  const reqs: Resources = {};
  for (const c of pod.spec?.containers ?? []) add(reqs, containerRequests(c, nonZero));
  const sidecars: Resources = {};
  const initMax: Resources = {};
  for (const c of pod.spec?.initContainers ?? []) {
    const r = containerRequests(c, nonZero);
    if (c.restartPolicy === 'Always') {
      add(reqs, r);
      add(sidecars, r);
      max(initMax, sidecars);
    } else {
      const running: Resources = { ...r };
      add(running, sidecars);
      max(initMax, running);
    }
  }
  max(reqs, initMax);
  if (pod.spec?.overhead !== undefined) add(reqs, toResources(pod.spec.overhead));
  return reqs;
}

/** status.allocatable (capacity when a node reports no allocatable), in scheduler units. */
export function nodeAllocatable(node: Node): Resources {
  return toResources(node.status?.allocatable ?? node.status?.capacity);
}

/** Resources the scheduler checks beyond cpu, memory, ephemeral-storage and pods. */
export function isScalarResource(name: string): boolean {
  return name.startsWith('hugepages-') || name.includes('/');
}

/** A node and what the pods bound to it already request. */
export interface NodeInfo {
  node: Node;
  pods: Pod[];
  requested: Resources;
  /** Requests with the non-zero defaults, which scoring uses. */
  nonZeroRequested: Resources;
  allocatable: Resources;
}

/** A pod counts against its node until it reaches Succeeded or Failed (terminating ones count). */
export function occupiesNode(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed';
}

export function nodeInfo(node: Node, pods: readonly Pod[]): NodeInfo {
  const name = node.metadata.name;
  const mine = pods.filter((p) => p.spec?.nodeName === name && occupiesNode(p));
  const requested: Resources = {};
  const nonZeroRequested: Resources = {};
  for (const p of mine) {
    add(requested, podRequests(p));
    add(nonZeroRequested, podRequests(p, true));
  }
  return { node, pods: mine, requested, nonZeroRequested, allocatable: nodeAllocatable(node) };
}

/** All nodes with their pods, in one pass over the pods. */
export function nodeInfos(nodes: readonly Node[], pods: readonly Pod[]): NodeInfo[] {
  const byNode = new Map<string, Pod[]>();
  for (const p of pods) {
    const n = p.spec?.nodeName;
    if (!n || !occupiesNode(p)) continue;
    const list = byNode.get(n);
    if (list === undefined) byNode.set(n, [p]);
    else list.push(p);
  }
  return nodes.map((node) => nodeInfo(node, byNode.get(node.metadata.name ?? '') ?? []));
}
