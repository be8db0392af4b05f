// The burst label's placement rules (seed 002; issue 5 section 6), over nodes of the elastic pool
// (label ferry.io/node-pool=elastic, tainted so that nothing else lands there):
//   off          never the elastic pool (the default)
//   localPrefer  regular nodes; the elastic pool only when none of them fits
//   auto         every node, scored so that regular nodes win unless they are much fuller
//   enforce      only the elastic pool
// Pods that may burst tolerate the pool's taint; the others are kept off it even where a broad
// toleration (operator Exists) would let them in.
import { ELASTIC_POOL, POOL_LABEL } from '../../api/bursting.ts';
import type { BurstMode } from '../../api/bursting.ts';
import type { Node, Pod } from '../common/types.ts';

export const ErrReasonElasticOff = 'node(s) were in the elastic pool (burst-to-cci is off)';
export const ErrReasonNotElastic = "node(s) weren't in the elastic pool (burst-to-cci: enforce)";
/** Added to regular nodes' scores in auto mode: a LeastAllocated gap of more than this (of 100) sends a pod to the pool. */
export const AUTO_REGULAR_BONUS = 50;

export function isElastic(node: Node): boolean {
  return node.metadata.labels?.[POOL_LABEL] === ELASTIC_POOL;
}

export interface BurstPlan {
  /** Node groups tried in order: the first group with a feasible node decides. */
  groups: Node[][];
  /** Nodes the mode rules out, with the reason that goes in FailedScheduling. */
  excluded: { node: Node; reason: string }[];
  /** The pod as filtered: with the pool's toleration when it may burst. */
  pod: Pod;
  /** Score bonus per node name (auto). */
  bonus: (node: string) => number;
}

export function planBurst(pod: Pod, nodes: readonly Node[], mode: BurstMode = 'off'): BurstPlan {
  const elastic = nodes.filter(isElastic);
  const regular = nodes.filter((n) => !isElastic(n));
  const bursting: Pod = mode === 'off' ? pod : withPoolToleration(pod);
  const none = () => 0;
  switch (mode) {
    case 'enforce':
      return { groups: [elastic], excluded: regular.map((node) => ({ node, reason: ErrReasonNotElastic })), pod: bursting, bonus: none };
    case 'localPrefer':
      return { groups: [regular, elastic], excluded: [], pod: bursting, bonus: none };
    case 'auto': {
      const names = new Set(regular.map((n) => n.metadata.name));
      return { groups: [[...nodes]], excluded: [], pod: bursting, bonus: (n) => (names.has(n) ? AUTO_REGULAR_BONUS : 0) };
    }
    default:
      return { groups: [regular], excluded: elastic.map((node) => ({ node, reason: ErrReasonElasticOff })), pod, bonus: none };
  }
}

function withPoolToleration(pod: Pod): Pod {
  const toleration = { key: POOL_LABEL, operator: 'Equal', value: ELASTIC_POOL, effect: 'NoSchedule' };
  return { ...pod, spec: { ...pod.spec, tolerations: [...(pod.spec?.tolerations ?? []), toleration] } } as Pod;
}
