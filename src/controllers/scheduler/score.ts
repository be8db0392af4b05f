// Scoring the nodes that passed the filters, with kube-scheduler's default score plugins:
// NodeResourcesFit's LeastAllocated (cpu and memory, weight 1), NodeAffinity's preferred terms
// (weight 2), TaintToleration's PreferNoSchedule count (weight 3) and ImageLocality (weight 1),
// plus Ferry's ImageCache preference (weight 2; image-locality.ts). Scores are 0-100 per
// plugin, normalized as the plugins do, then weighted and summed.
// https://github.com/kubernetes/kubernetes/blob/master/pkg/scheduler/framework/plugins/noderesources/least_allocated.go
// https://github.com/kubernetes/kubernetes/blob/master/pkg/scheduler/framework/plugins/helper/normalize_score.go
// https://github.com/kubernetes/kubernetes/blob/master/pkg/scheduler/framework/plugins/tainttoleration/taint_toleration.go (Score)
import type { KubeObject, Node, Pod } from '../common/types.ts';
import { imageCacheScore, imageLocalityScore } from './image-locality.ts';
import { preferredNodeAffinityScore } from './node-affinity.ts';
import { podRequests } from './resources.ts';
import type { NodeInfo } from './resources.ts';
import { effectiveTaints, tolerationsTolerateTaint } from './taints.ts';

export const MAX_NODE_SCORE = 100;
const WEIGHTS = { NodeResourcesFit: 1, NodeAffinity: 2, TaintToleration: 3, ImageLocality: 1, ImageCache: 2 };

export interface NodeScore {
  node: string;
  total: number;
  plugins: Record<string, number>;
}

function leastRequested(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.floor(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

/** LeastAllocated over cpu and memory with the non-zero request defaults; resources a node lacks are skipped. */
export function leastAllocatedScore(pod: Pod, info: NodeInfo): number {
  const request = podRequests(pod, true);
  let sum = 0;
  let weights = 0;
  for (const name of ['cpu', 'memory']) {
    const capacity = info.allocatable[name] ?? 0;
    if (capacity === 0) continue;
    sum += leastRequested((info.nonZeroRequested[name] ?? 0) + (request[name] ?? 0), capacity);
    weights += 1;
  }
  return weights === 0 ? 0 : Math.floor(sum / weights);
}

/** PreferNoSchedule taints the pod does not tolerate (tolerations with an empty or that effect count). */
export function intolerablePreferNoSchedule(pod: Pod, info: NodeInfo): number {
  const tolerations = (pod.spec?.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
  return effectiveTaints(info.node).filter((t) => t.effect === 'PreferNoSchedule' && !tolerationsTolerateTaint(tolerations, t)).length;
}

/** helper.DefaultNormalizeScore. */
export function normalize(scores: number[], reverse: boolean): number[] {
  const max = Math.max(0, ...scores);
  if (max === 0) return scores.map(() => (reverse ? MAX_NODE_SCORE : 0));
  return scores.map((s) => {
    const n = Math.floor((MAX_NODE_SCORE * s) / max);
    return reverse ? MAX_NODE_SCORE - n : n;
  });
}

export function scoreNodes(pod: Pod, infos: readonly NodeInfo[], context: { allNodes?: readonly Node[]; caches?: readonly KubeObject[] } = {}): NodeScore[] {
  const fit = infos.map((i) => leastAllocatedScore(pod, i));
  const affinity = normalize(infos.map((i) => preferredNodeAffinityScore(pod, i.node)), false);
  const taints = normalize(infos.map((i) => intolerablePreferNoSchedule(pod, i)), true);
  const allNodes = context.allNodes ?? infos.map((i) => i.node);
  return infos.map((info, i) => {
    const plugins = {
      NodeResourcesFit: fit[i] as number,
      NodeAffinity: affinity[i] as number,
      TaintToleration: taints[i] as number,
      ImageLocality: imageLocalityScore(pod, info.node, allNodes),
      ImageCache: imageCacheScore(pod, info.node.metadata.name ?? '', context.caches ?? []),
    };
    const total = (Object.keys(plugins) as (keyof typeof plugins)[]).reduce((sum, k) => sum + plugins[k] * WEIGHTS[k], 0);
    return { node: info.node.metadata.name ?? '', total, plugins };
  });
}

/** The best node; among equals the first by name (kube-scheduler picks one of them at random). */
export function selectHost(scores: readonly NodeScore[]): NodeScore | undefined {
  let best: NodeScore | undefined;
  for (const s of scores) {
    if (best === undefined || s.total > best.total || (s.total === best.total && s.node < best.node)) best = s;
  }
  return best;
}
