// kube-scheduler's default filter plugins that apply without volumes or inter-pod rules, in the
// default profile's order. A node's diagnosis is the first plugin that rejects it, with the
// plugin's own wording; `resolvable` says whether evicting pods there could make room (preemption).
// https://github.com/kubernetes/kubernetes/blob/master/pkg/scheduler/apis/config/v1/default_plugins.go
// https://github.com/kubernetes/kubernetes/tree/master/pkg/scheduler/framework/plugins
// (nodeunschedulable, nodename, tainttoleration, nodeaffinity, nodeports, noderesources/fit.go)
import type { KubeObject, Pod } from '../common/types.ts';
import { holdsPinnedCache, pinnedCache } from './image-locality.ts';
import { requiredNodeAffinityMatches } from './node-affinity.ts';
import { isScalarResource, podRequests } from './resources.ts';
import type { NodeInfo, Resources } from './resources.ts';
import { TAINT_UNSCHEDULABLE, effectiveTaints, findUntoleratedTaint, tolerationsTolerateTaint } from './taints.ts';

export interface FilterFailure {
  plugin: string;
  reasons: string[];
  /** Unschedulable (true): preemption might help; UnschedulableAndUnresolvable (false): it cannot. */
  resolvable: boolean;
}

export const ErrReasonUnschedulable = 'node(s) were unschedulable';
export const ErrReasonNodeName = "node(s) didn't match the requested node name";
export const ErrReasonNodeAffinity = "node(s) didn't match Pod's node affinity/selector";
export const ErrReasonNodePorts = "node(s) didn't have free ports for the requested pod ports";
/** Since Kubernetes 1.35 (backported to 1.34) the message no longer names the taint. */
export const ErrReasonUntoleratedTaint = 'node(s) had untolerated taint(s)';

export interface FilterOptions {
  /** Name the taint as Kubernetes did before 1.35: `node(s) had untolerated taint {key: value}`. */
  revealTaints?: boolean;
  /** The cluster's ImageCaches, for pods that pin one (eci-imc-id) and for scoring. */
  caches?: readonly KubeObject[];
}

/** A pod pinning an ImageCache (eci-imc-id) runs only where that cache is Ready. */
export function imageCache(pod: Pod, info: NodeInfo, options: FilterOptions = {}): FilterFailure | undefined {
  const id = pinnedCache(pod);
  if (id === undefined || holdsPinnedCache(pod, info.node.metadata.name ?? '', options.caches ?? [])) return undefined;
  return { plugin: 'ImageCache', reasons: [`node(s) didn't hold image cache ${id} Ready`], resolvable: false };
}

export function nodeUnschedulable(pod: Pod, info: NodeInfo): FilterFailure | undefined {
  if (!info.node.spec?.unschedulable) return undefined;
  if (tolerationsTolerateTaint(pod.spec?.tolerations, { key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' })) return undefined;
  return { plugin: 'NodeUnschedulable', reasons: [ErrReasonUnschedulable], resolvable: false };
}

export function nodeName(pod: Pod, info: NodeInfo): FilterFailure | undefined {
  const wanted = pod.spec?.nodeName;
  if (!wanted || wanted === info.node.metadata.name) return undefined;
  return { plugin: 'NodeName', reasons: [ErrReasonNodeName], resolvable: false };
}

export function taintToleration(pod: Pod, info: NodeInfo, options: FilterOptions = {}): FilterFailure | undefined {
  const taint = findUntoleratedTaint(effectiveTaints(info.node), pod.spec?.tolerations, (t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
  if (taint === undefined) return undefined;
  const reason = options.revealTaints ? `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}` : ErrReasonUntoleratedTaint;
  return { plugin: 'TaintToleration', reasons: [reason], resolvable: false };
}

export function nodeAffinity(pod: Pod, info: NodeInfo): FilterFailure | undefined {
  return requiredNodeAffinityMatches(pod, info.node) ? undefined : { plugin: 'NodeAffinity', reasons: [ErrReasonNodeAffinity], resolvable: false };
}

interface HostPort {
  ip: string;
  protocol: string;
  port: number;
}

function hostPorts(pod: Pod): HostPort[] {
  const out: HostPort[] = [];
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort || p.hostPort <= 0) continue;
      out.push({ ip: p.hostIP || '0.0.0.0', protocol: p.protocol || 'TCP', port: p.hostPort });
    }
  }
  return out;
}

/** HostPortInfo.CheckConflict: same protocol and port, and the same IP or either the wildcard. */
export function nodePorts(pod: Pod, info: NodeInfo): FilterFailure | undefined {
  const wanted = hostPorts(pod);
  if (wanted.length === 0) return undefined;
  const used = info.pods.flatMap(hostPorts);
  const conflict = wanted.some((w) => used.some((u) => u.port === w.port && u.protocol === w.protocol && (u.ip === w.ip || u.ip === '0.0.0.0' || w.ip === '0.0.0.0')));
  return conflict ? { plugin: 'NodePorts', reasons: [ErrReasonNodePorts], resolvable: true } : undefined;
}

/** Each shortfall is its own reason ("Insufficient cpu", "Too many pods", ...). */
export function nodeResourcesFit(pod: Pod, info: NodeInfo, request: Resources = podRequests(pod)): FilterFailure | undefined {
  const reasons: string[] = [];
  let resolvable = true;
  const free = (name: string) => (info.allocatable[name] ?? 0) - (info.requested[name] ?? 0);
  if (info.pods.length + 1 > (info.allocatable.pods ?? 0)) reasons.push('Too many pods');
  const check = (name: string, reason: string) => {
    const want = request[name] ?? 0;
    if (want > 0 && want > free(name)) {
      reasons.push(reason);
      if (want > (info.allocatable[name] ?? 0)) resolvable = false;
    }
  };
  check('cpu', 'Insufficient cpu');
  check('memory', 'Insufficient memory');
  check('ephemeral-storage', 'Insufficient ephemeral-storage');
  for (const name of Object.keys(request).filter(isScalarResource).sort()) check(name, `Insufficient ${name}`);
  return reasons.length === 0 ? undefined : { plugin: 'NodeResourcesFit', reasons, resolvable };
}

/** RunFilterPlugins: the first failure, in the default profile's order. */
export function runFilters(pod: Pod, info: NodeInfo, options: FilterOptions = {}, request: Resources = podRequests(pod)): FilterFailure | undefined {
  return (
    nodeUnschedulable(pod, info) ??
    nodeName(pod, info) ??
    taintToleration(pod, info, options) ??
    nodeAffinity(pod, info) ??
    nodePorts(pod, info) ??
    nodeResourcesFit(pod, info, request) ??
    imageCache(pod, info, options)
  );
}
