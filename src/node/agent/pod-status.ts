// A pod's status from what the agent knows: phase, conditions, initContainerStatuses and
// containerStatuses, after the kubelet's generateAPIPodStatus, convertToAPIContainerStatuses and
// the prober manager's UpdatePodStatus (ready and started from the probes).
// https://github.com/kubernetes/kubernetes/blob/v1.32.4/pkg/kubelet/kubelet_pods.go (convertToAPIContainerStatuses)
// https://github.com/kubernetes/kubernetes/blob/v1.32.4/pkg/kubelet/status/generate.go
// https://github.com/kubernetes/kubernetes/blob/v1.32.4/pkg/kubelet/prober/prober_manager.go (UpdatePodStatus)
import { podPhase } from './pod-phase.ts';
import { podIPOf } from './pod-record.ts';
import type { PodRecord, TrackedContainer } from './pod-record.ts';
import type { ContainerState, ContainerStateTerminated, ContainerStatus, Pod, PodCondition, PodContainer, PodStatus } from './pod-types.ts';

export const HOST_IP = '127.0.0.1';

/** What the probes say of a container instance; undefined: it has no such probe. */
export interface ProbeView {
  ready(uid: string, container: string, id: string): boolean | undefined;
  started(uid: string, container: string, id: string): boolean | undefined;
}

const NO_PROBES: ProbeView = { ready: () => undefined, started: () => undefined };

function containerState(t: TrackedContainer, defaultReason: string): ContainerState {
  if (t.waiting !== undefined) return { waiting: t.waiting };
  if (t.terminated !== undefined) return { terminated: t.terminated };
  if (t.current?.startedAt !== undefined) return { running: { startedAt: t.current.startedAt } };
  return { waiting: { reason: defaultReason } };
}

/**
 * While an exited instance waits to restart (CrashLoopBackOff, or a failed pull of its next
 * image), the kubelet shows it as lastState, not the instance before it (convertToAPIContainerStatuses).
 */
export function lastTerminated(t: TrackedContainer | undefined): ContainerStateTerminated | undefined {
  if (t === undefined) return undefined;
  return t.waiting !== undefined && t.terminated !== undefined ? t.terminated : t.lastTerminated;
}

function statusOf(c: PodContainer, rec: PodRecord, defaultReason: string, init: boolean, probes: ProbeView): ContainerStatus {
  const t = rec.containers.get(c.name);
  const state = t === undefined ? { waiting: { reason: defaultReason } } : containerState(t, defaultReason);
  const id = t?.current?.id;
  const running = state.running !== undefined && id !== undefined;
  // A regular init container is ready once it has succeeded; others once started and ready.
  const started = running && (probes.started(rec.uid, c.name, id) ?? true);
  const ready = init ? state.terminated?.exitCode === 0 : started && (probes.ready(rec.uid, c.name, id) ?? true);
  const last = lastTerminated(t);
  const status: ContainerStatus = {
    name: c.name,
    image: t?.current?.image ?? c.image ?? '',
    imageID: t?.current?.imageID ?? '',
    ready,
    started,
    restartCount: t?.restartCount ?? 0,
    state,
    lastState: last === undefined ? {} : { terminated: last },
  };
  if (id !== undefined) status.containerID = `runc://${id}`;
  return status;
}

export function podStatus(pod: Pod, rec: PodRecord, now: string, probes: ProbeView = NO_PROBES): PodStatus {
  const initSpecs = pod.spec.initContainers ?? [];
  // Containers not yet created wait as PodInitializing in a pod with init containers.
  const defaultReason = initSpecs.length > 0 ? 'PodInitializing' : 'ContainerCreating';
  const initStatuses = initSpecs.map((c) => statusOf(c, rec, defaultReason, true, probes));
  const statuses = pod.spec.containers.map((c) => statusOf(c, rec, defaultReason, false, probes));
  const phase = podPhase(pod.spec, initStatuses, statuses);
  const old = pod.status?.conditions ?? [];
  const cond = (type: string, ok: boolean, reason?: string, message?: string): PodCondition => {
    const status = ok ? 'True' : 'False';
    const prev = old.find((c) => c.type === type);
    return {
      type,
      status,
      lastProbeTime: null,
      lastTransitionTime: prev !== undefined && prev.status === status ? prev.lastTransitionTime : now,
      ...(reason === undefined ? {} : { reason }),
      ...(message === undefined ? {} : { message }),
    };
  };
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  const notReady = statuses.filter((s) => !s.ready).map((s) => s.name);
  const allReady = statuses.length > 0 && notReady.length === 0 && !terminal;
  // generateContainersReadyConditionForTerminalPhase: PodCompleted or PodFailed, no message.
  const unreadyReason = phase === 'Succeeded' ? 'PodCompleted' : phase === 'Failed' ? 'PodFailed' : allReady ? undefined : 'ContainersNotReady';
  const unreadyMsg = terminal || allReady ? undefined : `containers with unready status: [${notReady.join(' ')}]`;
  const incomplete = initStatuses.filter((s) => !s.ready).map((s) => s.name);
  const initialized = phase === 'Succeeded'
    ? cond('Initialized', true, 'PodCompleted')
    : incomplete.length === 0 ? cond('Initialized', true)
      : cond('Initialized', false, 'ContainersNotInitialized', `containers with incomplete status: [${incomplete.join(' ')}]`);
  return {
    phase,
    conditions: [
      cond('PodReadyToStartContainers', true),
      initialized,
      cond('Ready', allReady, unreadyReason, unreadyMsg),
      cond('ContainersReady', allReady, unreadyReason, unreadyMsg),
      cond('PodScheduled', true),
    ],
    hostIP: HOST_IP,
    hostIPs: [{ ip: HOST_IP }],
    podIP: podIPOf(rec, HOST_IP),
    podIPs: [{ ip: podIPOf(rec, HOST_IP) }],
    startTime: rec.startTime,
    ...(initSpecs.length === 0 ? {} : { initContainerStatuses: initStatuses }),
    containerStatuses: statuses,
    ...(pod.status?.qosClass === undefined ? {} : { qosClass: pod.status.qosClass }),
  };
}
