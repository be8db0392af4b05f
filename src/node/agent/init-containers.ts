// Which init container runs next, as the kubelet's findNextInitContainerToRun decides it: in spec
// order, each to completion (exit 0) before the next; a failed one is run again unless the pod's
// restartPolicy is Never (then the pod fails). Once an app container has run, the init
// containers count as done (an adopted pod whose init instances are gone is not re-initialised).
// Sidecars (init containers with restartPolicy Always) are not supported yet. Pure.
// https://github.com/kubernetes/kubernetes/blob/v1.32.4/pkg/kubelet/kuberuntime/kuberuntime_container.go (findNextInitContainerToRun)
import type { PodRecord } from './pod-record.ts';
import type { Pod, PodContainer } from './pod-types.ts';

export type InitStep =
  | { kind: 'done' }
  | { kind: 'run'; container: PodContainer }
  /** An init container failed for good (restartPolicy Never): no app container starts. */
  | { kind: 'failed'; container: PodContainer };

export function nextInitContainer(pod: Pod, rec: PodRecord): InitStep {
  const init = pod.spec.initContainers ?? [];
  if (init.length === 0) return { kind: 'done' };
  if (pod.spec.containers.some((c) => rec.containers.get(c.name)?.current !== undefined)) return { kind: 'done' };
  for (const c of init) {
    const t = rec.containers.get(c.name);
    if (t?.done === true) {
      if (t.terminated?.exitCode === 0) continue;
      return { kind: 'failed', container: c };
    }
    return { kind: 'run', container: c };
  }
  return { kind: 'done' };
}
