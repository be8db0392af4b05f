// One scheduling decision: filter every node, score the feasible ones, pick the best; or explain
// why none fits, as the FailedScheduling event and the PodScheduled condition say it.
// https://github.com/kubernetes/kubernetes/blob/master/pkg/scheduler/schedule_one.go
// (schedulePod, findNodesThatFitPod, prioritizeNodes, selectHost, handleSchedulingFailure)
import { formatTime } from '../common/pod-state.ts';
import type { Condition, EventRecord, KubeObject, Node, Pod } from '../common/types.ts';
import { fitErrorMessage, NO_NODES_AVAILABLE, preemption } from './fit-error.ts';
import type { PreemptionOutcome } from './fit-error.ts';
import { runFilters } from './filters.ts';
import type { FilterFailure, FilterOptions } from './filters.ts';
import { nodeInfos, podRequests } from './resources.ts';
import type { NodeInfo } from './resources.ts';
import { planBurst } from './burst.ts';
import type { BurstMode } from '../../api/bursting.ts';
import { scoreNodes, selectHost } from './score.ts';
import type { NodeScore } from './score.ts';

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

export interface ScheduleOptions extends FilterOptions {
  /** The pod's burst-to-cci mode (its own label, else its workload's); default off. */
  burst?: BurstMode | undefined;
}

export type ScheduleResult =
  | { kind: 'scheduled'; node: string; scores: NodeScore[] }
  | {
      kind: 'unschedulable';
      /** The FailedScheduling event message and PodScheduled condition message. */
      message: string;
      /** Why each node was rejected. */
      failures: Map<string, FilterFailure>;
      /** Nodes where preempting lower-priority pods would make room (not acted on). */
      preemptionCandidates: PreemptionOutcome['candidates'];
    };

/** A pod this scheduler should place: unbound, not being deleted, not gated, and named for it. */
export function needsScheduling(pod: Pod, schedulerName = DEFAULT_SCHEDULER_NAME): boolean {
  const spec = pod.spec ?? {};
  if (spec.nodeName || pod.metadata.deletionTimestamp) return false;
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  if ((spec.schedulingGates ?? []).length > 0) return false;
  return (spec.schedulerName || DEFAULT_SCHEDULER_NAME) === schedulerName;
}

/**
 * Where `pod` goes among `nodes`, given every pod (pods bound to a node count against it until
 * they succeed or fail; include pods this scheduler has bound but the cache has not seen yet).
 */
export function schedulePod(pod: Pod, nodes: readonly Node[], pods: readonly Pod[], options: ScheduleOptions = {}): ScheduleResult {
  if (nodes.length === 0) return { kind: 'unschedulable', message: NO_NODES_AVAILABLE, failures: new Map(), preemptionCandidates: [] };
  const plan = planBurst(pod, nodes, options.burst);
  const infos = nodeInfos(nodes, pods);
  const infoOf = new Map(infos.map((i) => [i.node.metadata.name ?? '', i]));
  const request = podRequests(plan.pod);
  const failures = new Map<string, FilterFailure>();
  for (const { node, reason } of plan.excluded) failures.set(node.metadata.name ?? '', { plugin: 'Bursting', reasons: [reason], resolvable: false });
  for (const group of plan.groups) {
    const feasible = group.map((n) => infoOf.get(n.metadata.name ?? '') as NodeInfo).filter((info) => {
      const failure = runFilters(plan.pod, info, options, request);
      if (failure !== undefined) failures.set(info.node.metadata.name ?? '', failure);
      return failure === undefined;
    });
    if (feasible.length > 0) {
      const scores = scoreNodes(plan.pod, feasible, { allNodes: nodes, ...(options.caches === undefined ? {} : { caches: options.caches }) }).map((s) => ({ ...s, total: s.total + plan.bonus(s.node) }));
      return { kind: 'scheduled', node: (selectHost(scores) as NodeScore).node, scores };
    }
  }
  const post = preemption(plan.pod, infos, failures, options);
  return {
    kind: 'unschedulable',
    message: fitErrorMessage(nodes.length, [...failures.values()].map((f) => f.reasons), post.message),
    failures,
    preemptionCandidates: post.candidates,
  };
}

/** The pods/binding subresource body that assigns `pod` to `node`. */
export function bindingFor(pod: Pod, node: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Binding',
    metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace, ...(pod.metadata.uid ? { uid: pod.metadata.uid } : {}) },
    target: { apiVersion: 'v1', kind: 'Node', name: node },
  };
}

export function scheduledEvent(pod: Pod, node: string): EventRecord {
  return { type: 'Normal', reason: 'Scheduled', message: `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${node}` };
}

export function failedSchedulingEvent(message: string): EventRecord {
  return { type: 'Warning', reason: 'FailedScheduling', message };
}

/** The PodScheduled=False condition; the transition time moves only when the status changes. */
export function unschedulableCondition(pod: Pod, message: string, now: Date): Condition {
  const current = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  const since = current?.status === 'False' && current.lastTransitionTime ? current.lastTransitionTime : formatTime(now);
  return { type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: since, reason: 'Unschedulable', message };
}
