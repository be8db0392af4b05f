// What the agent knows of one pod between syncs: per container, the instance in the runtime, the
// waiting reason while none runs, the last termination and the restart count. Rebuilt from the
// runtime's containers on agent restart (adoption).

import type { PodSandbox } from '../network/index.ts';
import type { ContainerStateTerminated, ContainerStateWaiting } from './pod-types.ts';

export interface ContainerInstance {
  /** Runtime container id. */
  id: string;
  /** The image pulled for it: the spec's, or what an image-replacement rule made of it. */
  image?: string;
  imageID: string;
  startedAt?: string | undefined;
}

export interface TrackedContainer {
  name: string;
  /** The restart count of `current` (or of the next instance to start). */
  restartCount: number;
  current?: ContainerInstance | undefined;
  waiting?: ContainerStateWaiting | undefined;
  /** Set when `current` has exited: its termination. */
  terminated?: ContainerStateTerminated | undefined;
  lastTerminated?: ContainerStateTerminated | undefined;
  /** Exited and not restarted (restartPolicy says so). */
  done: boolean;
  /** Aborts the wait for `current` to exit. */
  exitWatch?: AbortController | undefined;
}

export interface PodRecord {
  uid: string;
  namespace: string;
  name: string;
  startTime: string;
  containers: Map<string, TrackedContainer>;
  /** The status last written, as JSON, so unchanged syncs write nothing. */
  lastStatus?: string | undefined;
  /** The pod's own network (namespace, IP); absent for hostNetwork pods or without pod networking. */
  sandbox?: PodSandbox | undefined;
  /** EIPNotAttached was said once. */
  eipWarned?: boolean | undefined;
}

/** status.podIP: the sandbox's, else the node's (host network). */
export function podIPOf(rec: { sandbox?: PodSandbox | undefined } | undefined, hostIP: string): string {
  return rec?.sandbox?.ip ?? hostIP;
}

export function tracked(rec: PodRecord, name: string): TrackedContainer {
  let t = rec.containers.get(name);
  if (t === undefined) {
    t = { name, restartCount: 0, done: false };
    rec.containers.set(name, t);
  }
  return t;
}
