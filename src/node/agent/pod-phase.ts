// A pod's phase from its container statuses, as the kubelet's getPhase decides it (regular init
// containers only; sidecars are not supported by this agent yet). Pure.
// https://github.com/kubernetes/kubernetes/blob/v1.32.4/pkg/kubelet/kubelet_pods.go (getPhase)
import type { ContainerStatus, PodSpec, PodStatus } from './pod-types.ts';

type Phase = NonNullable<PodStatus['phase']>;

export function podPhase(spec: PodSpec, init: ContainerStatus[], app: ContainerStatus[]): Phase {
  let pendingInit = 0;
  let failedInit = 0;
  for (const c of spec.initContainers ?? []) {
    const s = init.find((x) => x.name === c.name);
    if (s === undefined || s.state.running !== undefined) pendingInit++;
    else if (s.state.terminated !== undefined) {
      if (s.state.terminated.exitCode !== 0) failedInit++;
    } else if (s.state.waiting !== undefined && s.lastState.terminated !== undefined) {
      if (s.lastState.terminated.exitCode !== 0) failedInit++;
    } else pendingInit++;
  }
  let unknown = 0;
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const c of spec.containers) {
    const s = app.find((x) => x.name === c.name);
    if (s === undefined) unknown++;
    else if (s.state.running !== undefined) running++;
    else if (s.state.terminated !== undefined) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.state.waiting !== undefined) {
      if (s.lastState.terminated !== undefined) stopped++;
      else waiting++;
    } else unknown++;
  }
  const policy = spec.restartPolicy ?? 'Always';
  if (failedInit > 0 && policy === 'Never') return 'Failed';
  if (pendingInit > 0 || waiting > 0) return 'Pending';
  if (running > 0 && unknown === 0) return 'Running';
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}
