// The FailedScheduling message: "0/N nodes are available: <count> <reason>, ...." with the
// reasons counted over nodes and sorted as strings, then what the DefaultPreemption post-filter
// found, in the same shape after "preemption: ". Both parts end in " <text>.", which is why real
// events end in "..".
// https://github.com/kubernetes/kubernetes/blob/master/pkg/scheduler/framework/types.go (FitError.Error)
// https://github.com/kubernetes/kubernetes/blob/master/pkg/scheduler/framework/preemption/preemption.go (Preempt, findCandidates)
// https://github.com/kubernetes/kubernetes/blob/master/pkg/scheduler/framework/plugins/defaultpreemption/default_preemption.go
import type { Pod } from '../common/types.ts';
import { runFilters } from './filters.ts';
import type { FilterFailure, FilterOptions } from './filters.ts';
import type { NodeInfo } from './resources.ts';
import { nodeInfo } from './resources.ts';

export const NO_NODES_AVAILABLE = 'no nodes available to schedule pods';
export const PREEMPTION_NOT_HELPFUL = 'Preemption is not helpful for scheduling';
export const NO_PREEMPTION_VICTIMS = 'No preemption victims found for incoming pod';
export const NOT_ELIGIBLE_NEVER = 'not eligible due to preemptionPolicy=Never.';

/** FitError.Error: the histogram of every node's reasons, then the post-filter message if any. */
export function fitErrorMessage(numAllNodes: number, reasonsByNode: Iterable<readonly string[]>, postFilterMsg?: string): string {
  const counts = new Map<string, number>();
  for (const reasons of reasonsByNode) for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  // Go's sort.Strings: byte order, so "10 x" sorts before "2 y".
  const histogram = [...counts].map(([r, n]) => `${n} ${r}`).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let msg = `0/${numAllNodes} nodes are available:`;
  if (histogram.length > 0) msg += ` ${histogram.join(', ')}.`;
  if (postFilterMsg) msg += ` ${postFilterMsg}.`;
  return msg;
}

export function podPriority(pod: Pod): number {
  return pod.spec?.priority ?? 0;
}

export interface PreemptionOutcome {
  /** The post-filter message ("preemption: ..."); undefined when a node could make room. */
  message?: string;
  /** Nodes where evicting lower-priority pods would let the pod fit (Ferry does not evict yet). */
  candidates: { node: string; victims: Pod[] }[];
}

/**
 * DefaultPreemption's dry run, without PodDisruptionBudgets or nominated pods: nodes whose
 * failure was resolvable are tried without every lower-priority pod on them.
 */
export function preemption(pod: Pod, infos: readonly NodeInfo[], failures: ReadonlyMap<string, FilterFailure>, options: FilterOptions = {}): PreemptionOutcome {
  if (pod.spec?.preemptionPolicy === 'Never') return { message: `preemption: ${NOT_ELIGIBLE_NEVER}`, candidates: [] };
  const priority = podPriority(pod);
  const reasons: string[][] = [];
  const candidates: PreemptionOutcome['candidates'] = [];
  for (const info of infos) {
    const failure = failures.get(info.node.metadata.name ?? '');
    if (failure === undefined || !failure.resolvable) {
      reasons.push([PREEMPTION_NOT_HELPFUL]);
      continue;
    }
    const victims = info.pods.filter((p) => podPriority(p) < priority);
    if (victims.length === 0) {
      reasons.push([NO_PREEMPTION_VICTIMS]);
      continue;
    }
    const remaining = info.pods.filter((p) => podPriority(p) >= priority);
    const after = runFilters(pod, nodeInfo(info.node, remaining), options);
    if (after === undefined) candidates.push({ node: info.node.metadata.name ?? '', victims });
    else reasons.push(after.reasons);
  }
  if (candidates.length > 0) return { candidates };
  return { message: `preemption: ${fitErrorMessage(infos.length, reasons)}`, candidates };
}
