// One sync of the StatefulSet controller as a plan. Pods are `<set>-<ordinal>` for ordinals
// start..start+replicas-1. OrderedReady creates one missing pod at a time, in order, only once
// every lower one is Running, Ready and available, and removes pods highest ordinal first, one
// at a time; Parallel does all of it at once. Rolling updates delete the highest pod not at the
// update revision (down to the partition) and wait for it to come back healthy.
// https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/statefulset/stateful_set_control.go
// (updateStatefulSet, processReplica, processCondemned)
// https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/statefulset/stateful_pod_control.go (recordPodEvent)
import { isPodAvailable, isPodTerminating, secondsUntilAvailable } from '../common/pod-state.ts';
import type { EventRecord, Pod, StatefulSet, StatefulSetStatus } from '../common/types.ts';
import { endOrdinal, identityMatches, newStatefulSetPod, ordinalOf, revisionOfPod, startOrdinal, withIdentity } from './identity.ts';
import { updateRevisionName } from './revision.ts';
import { isCreated, isHealthy, isRunningAndReady, statefulSetStatus } from './status.ts';

export type StatefulSetAction = { type: 'create'; pod: Pod } | { type: 'delete'; pod: Pod } | { type: 'update'; pod: Pod };

export interface StatefulSetPlanOptions {
  /**
   * The set as of status.currentRevision (Kubernetes rebuilds it from a ControllerRevision), so
   * that a pod below the partition is recreated at its old template. Without it such pods are
   * recreated from the current template and labeled with the update revision.
   */
  currentSet?: StatefulSet;
}

export interface StatefulSetPlan {
  actions: StatefulSetAction[];
  status: StatefulSetStatus;
  /** Sync again then: a ready pod turns available (minReadySeconds). */
  requeueAfterSeconds?: number;
  /** What an ordered sync is waiting for, for logs. */
  waitingFor?: string;
}

interface Step {
  exit: boolean;
  waiting?: string;
}

/** Plans one sync. `pods` are the set's claimed pods (isMemberOf, controlled by the set). */
export function planStatefulSet(set: StatefulSet, pods: readonly Pod[], now: Date, options: StatefulSetPlanOptions = {}): StatefulSetPlan {
  const updateRevision = updateRevisionName(set);
  const currentRevision = set.status?.currentRevision || updateRevision;
  const monotonic = set.spec?.podManagementPolicy !== 'Parallel';
  const start = startOrdinal(set);
  const count = Math.max(0, endOrdinal(set) - start + 1);
  const minReady = set.spec?.minReadySeconds ?? 0;

  const replicas: Pod[] = new Array<Pod>(count);
  const condemned: Pod[] = [];
  for (const pod of pods) {
    const o = ordinalOf(pod);
    if (o >= start && o < start + count) replicas[o - start] = pod;
    else if (o >= 0) condemned.push(pod);
  }
  for (let i = 0; i < count; i++) {
    if (replicas[i] === undefined) replicas[i] = versionedPod(set, options.currentSet, currentRevision, updateRevision, start + i);
  }
  condemned.sort((a, b) => ordinalOf(b) - ordinalOf(a));
  const firstUnhealthy = replicas.find((p) => !isHealthy(p)) ?? [...condemned].reverse().find((p) => !isHealthy(p));

  const actions: StatefulSetAction[] = [];
  const finish = (waitingFor?: string, adjustment = 0): StatefulSetPlan => {
    const plan: StatefulSetPlan = { actions, status: statefulSetStatus(set, [...replicas, ...condemned], currentRevision, updateRevision, now, adjustment) };
    const soonest = Math.min(...[...replicas, ...condemned].map((p) => secondsUntilAvailable(p, minReady, now) ?? Infinity));
    if (Number.isFinite(soonest)) plan.requeueAfterSeconds = soonest;
    if (waitingFor !== undefined) plan.waitingFor = waitingFor;
    return plan;
  };
  if (set.metadata.deletionTimestamp) return finish();

  for (const pod of replicas) {
    const step = processReplica(set, pod, monotonic, minReady, now, actions);
    if (monotonic && step.exit) return finish(step.waiting);
  }
  for (const pod of condemned) {
    const step = processCondemned(pod, monotonic, minReady, now, pod === firstUnhealthy, actions);
    if (monotonic && step.exit) return finish(step.waiting);
  }
  if (set.spec?.updateStrategy?.type === 'OnDelete') return finish();

  const partition = set.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
  for (let target = count - 1; target >= partition; target--) {
    const pod = replicas[target] as Pod;
    if (revisionOfPod(pod) !== updateRevision && !isPodTerminating(pod)) {
      actions.push({ type: 'delete', pod });
      return finish(undefined, -1);
    }
    if (!isHealthy(pod)) return finish(`Pod ${pod.metadata.name} to update`);
  }
  return finish();
}

/** newVersionedStatefulSetPod: below the partition at the current revision, else the update one. */
function versionedPod(set: StatefulSet, currentSet: StatefulSet | undefined, currentRevision: string, updateRevision: string, ordinal: number): Pod {
  const strategy = set.spec?.updateStrategy;
  const rolling = (strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
  const start = startOrdinal(set);
  const useCurrent =
    (rolling && strategy?.rollingUpdate === undefined && ordinal < start + (set.status?.currentReplicas ?? 0)) ||
    (strategy?.rollingUpdate !== undefined && ordinal < start + (strategy.rollingUpdate.partition ?? 0));
  if (useCurrent && currentSet !== undefined) return newStatefulSetPod(currentSet, ordinal, currentRevision);
  return newStatefulSetPod(set, ordinal, updateRevision);
}

function processReplica(set: StatefulSet, pod: Pod, monotonic: boolean, minReady: number, now: Date, actions: StatefulSetAction[]): Step {
  const name = pod.metadata.name;
  const phase = pod.status?.phase;
  if (phase === 'Failed' || phase === 'Succeeded') {
    // Recreated on a later sync, once the old pod is gone.
    if (!isPodTerminating(pod)) actions.push({ type: 'delete', pod });
    return { exit: true, waiting: `Pod ${name} to be replaced` };
  }
  if (!isCreated(pod)) {
    actions.push({ type: 'create', pod });
    return { exit: monotonic, waiting: `Pod ${name} to be created` };
  }
  if (isPodTerminating(pod) && monotonic) return { exit: true, waiting: `Pod ${name} to Terminate` };
  if (!isRunningAndReady(pod) && monotonic) return { exit: true, waiting: `Pod ${name} to be Running and Ready` };
  if (!isPodAvailable(pod, minReady, now) && monotonic) return { exit: true, waiting: `Pod ${name} to be Available` };
  if (!identityMatches(set, pod)) actions.push({ type: 'update', pod: withIdentity(set, pod) });
  return { exit: false };
}

function processCondemned(pod: Pod, monotonic: boolean, minReady: number, now: Date, firstUnhealthy: boolean, actions: StatefulSetAction[]): Step {
  const name = pod.metadata.name;
  if (isPodTerminating(pod)) return { exit: monotonic, waiting: `Pod ${name} to Terminate prior to scale down` };
  if (!isRunningAndReady(pod) && monotonic && !firstUnhealthy) return { exit: true, waiting: `Pod ${name} to be Running and Ready prior to scale down` };
  if (!isPodAvailable(pod, minReady, now) && monotonic && !firstUnhealthy) return { exit: true, waiting: `Pod ${name} to be Available prior to scale down` };
  actions.push({ type: 'delete', pod });
  return { exit: true };
}

/** StatefulPodControl's events: `create Pod web-0 in StatefulSet web successful`. */
export function statefulSetEvent(verb: 'create' | 'delete' | 'update', set: StatefulSet, pod: Pod, error?: string): EventRecord {
  const title = verb.charAt(0).toUpperCase() + verb.slice(1);
  const subject = `${verb} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name}`;
  return error === undefined
    ? { type: 'Normal', reason: `Successful${title}`, message: `${subject} successful` }
    : { type: 'Warning', reason: `Failed${title}`, message: `${subject} failed error: ${error}` };
}
