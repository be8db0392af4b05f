// A pod's status from what the agent knows: phase, conditions, containerStatuses, after the
// kubelet's generateAPIPodStatus / getPhase (simplified: no init containers, no probes yet, so a
// running container is ready).
// https://github.com/kubernetes/kubernetes/blob/v1.32.4/pkg/kubelet/kubelet_pods.go
import type { PodRecord, TrackedContainer } from './pod-record.ts';
import type { ContainerState, ContainerStateTerminated, ContainerStatus, Pod, PodCondition, PodStatus } from './pod-types.ts';

export const HOST_IP = '127.0.0.1';

function containerState(t: TrackedContainer): ContainerState {
  if (t.waiting !== undefined) return { waiting: t.waiting };
  if (t.terminated !== undefined) return { terminated: t.terminated };
  if (t.current?.startedAt !== undefined) return { running: { startedAt: t.current.startedAt } };
  return { waiting: { reason: 'ContainerCreating' } };
}

/**
 * While an exited instance waits to restart (CrashLoopBackOff, or a failed pull of its next
 * image), the kubelet shows it as lastState, not the instance before it (convertToAPIContainerStatuses).
 */
export function lastTerminated(t: TrackedContainer | undefined): ContainerStateTerminated | undefined {
  if (t === undefined) return undefined;
  return t.waiting !== undefined && t.terminated !== undefined ? t.terminated : t.lastTerminated;
}

function phaseOf(pod: Pod, statuses: ContainerStatus[], rec: PodRecord): PodStatus['phase'] {
  const ts = pod.spec.containers.map((c) => rec.containers.get(c.name));
  if (ts.length > 0 && ts.every((t) => t?.done === true)) {
    return ts.every((t) => t?.terminated?.exitCode === 0) ? 'Succeeded' : 'Failed';
  }
  // Running once a container runs, or has run and will be restarted (CrashLoopBackOff).
  if (statuses.some((s) => s.state.running !== undefined || s.lastState.terminated !== undefined || s.state.terminated !== undefined)) return 'Running';
  return 'Pending';
}

export function podStatus(pod: Pod, rec: PodRecord, now: string): PodStatus {
  const statuses: ContainerStatus[] = pod.spec.containers.map((c) => {
    const t = rec.containers.get(c.name);
    const state = t === undefined ? { waiting: { reason: 'ContainerCreating' } } : containerState(t);
    const status: ContainerStatus = {
      name: c.name,
      image: t?.current?.image ?? c.image ?? '',
      imageID: t?.current?.imageID ?? '',
      ready: state.running !== undefined,
      started: state.running !== undefined,
      restartCount: t?.restartCount ?? 0,
      state,
      lastState: lastTerminated(t) === undefined ? {} : { terminated: lastTerminated(t) as ContainerStateTerminated },
    };
    if (t?.current !== undefined) status.containerID = `runc://${t.current.id}`;
    return status;
  });
  const phase = phaseOf(pod, statuses, rec);
  const allReady = statuses.length > 0 && statuses.every((s) => s.ready);
  const notReady = statuses.filter((s) => !s.ready).map((s) => s.name);
  const old = pod.status?.conditions ?? [];
  const cond = (type: string, ok: boolean, reason?: string, message?: string): PodCondition => {
    const status = ok ? 'True' : 'False';
    const prev = old.find((c) => c.type === type);
    return {
      type,
      status,
      lastProbeTime: null,
      lastTransitionTime: prev !== undefined && prev.status === status ? prev.lastTransitionTime : now,
      ...(ok || reason === undefined ? {} : { reason, message }),
    };
  };
  const done = phase === 'Succeeded' || phase === 'Failed';
  const unready = done ? 'PodCompleted' : 'ContainersNotReady';
  const unreadyMsg = done ? undefined : `containers with unready status: [${notReady.join(' ')}]`;
  return {
    phase,
    conditions: [
      cond('PodReadyToStartContainers', true),
      cond('Initialized', true),
      cond('Ready', allReady, unready, unreadyMsg),
      cond('ContainersReady', allReady, unready, unreadyMsg),
      cond('PodScheduled', true),
    ],
    hostIP: HOST_IP,
    hostIPs: [{ ip: HOST_IP }],
    podIP: HOST_IP,
    podIPs: [{ ip: HOST_IP }],
    startTime: rec.startTime,
    containerStatuses: statuses,
    ...(pod.status?.qosClass === undefined ? {} : { qosClass: pod.status.qosClass }),
  };
}
