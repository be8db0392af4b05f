// Reading pods and events for the workload detail page.
import type { KubeObject } from './api/client.ts';

export interface ContainerStatus {
  name: string;
  ready: boolean;
  restartCount: number;
  image: string;
  imageID: string;
  state: string;
  reason: string | undefined;
  message: string | undefined;
}

export interface PodRow {
  name: string;
  phase: string;
  status: string;
  ready: string;
  restarts: number;
  node: string;
  containers: ContainerStatus[];
  specContainers: string[];
  created: string | undefined;
}

type StateMap = Record<string, { reason?: string; message?: string } | undefined>;

function containerStatus(c: Record<string, unknown>): ContainerStatus {
  const state = (c['state'] ?? {}) as StateMap;
  const which = Object.keys(state).find((k) => state[k] !== undefined) ?? 'waiting';
  return {
    name: String(c['name'] ?? ''),
    ready: c['ready'] === true,
    restartCount: typeof c['restartCount'] === 'number' ? c['restartCount'] : 0,
    image: String(c['image'] ?? ''),
    imageID: String(c['imageID'] ?? ''),
    state: which,
    reason: state[which]?.reason,
    message: state[which]?.message,
  };
}

/** A pod as `kubectl get pods` reads it: a waiting container's reason (ErrImagePull) wins over the phase. */
export function podRow(pod: KubeObject): PodRow {
  const status = (pod['status'] ?? {}) as Record<string, unknown>;
  const spec = (pod['spec'] ?? {}) as { nodeName?: string; containers?: { name?: string }[] };
  const containers = ((status['containerStatuses'] ?? []) as Record<string, unknown>[]).map(containerStatus);
  const phase = String(status['phase'] ?? 'Pending');
  const waiting = containers.find((c) => c.state !== 'running' && c.reason !== undefined);
  const specContainers = (spec.containers ?? []).map((c) => c.name ?? '');
  return {
    name: pod.metadata.name ?? '',
    phase,
    status: pod.metadata['deletionTimestamp'] !== undefined ? 'Terminating' : (waiting?.reason ?? phase),
    ready: `${containers.filter((c) => c.ready).length}/${specContainers.length}`,
    restarts: containers.reduce((n, c) => n + c.restartCount, 0),
    node: spec.nodeName ?? '',
    containers,
    specContainers,
    created: pod.metadata.creationTimestamp,
  };
}

/** Whether a pod name is one a workload's controller makes: Deployment `name-hash-xxxxx`, StatefulSet `name-N`. */
export function isPodOf(kind: 'Deployment' | 'StatefulSet', workload: string, pod: string): boolean {
  if (!pod.startsWith(`${workload}-`)) return false;
  const rest = pod.slice(workload.length + 1);
  return kind === 'StatefulSet' ? /^\d+$/.test(rest) : /^[a-z0-9]+-[a-z0-9]+$/.test(rest);
}

export interface EventRow {
  key: string;
  /** For ordering events seen in the same second: the store's write order. */
  version: number;
  type: string;
  reason: string;
  object: string;
  message: string;
  count: number;
  last: string | undefined;
}

export function eventRow(e: KubeObject): EventRow {
  const involved = (e['involvedObject'] ?? {}) as { kind?: string; name?: string };
  const series = e['series'] as { count?: number; lastObservedTime?: string } | undefined;
  const last = (e['lastTimestamp'] as string | undefined) ?? series?.lastObservedTime ?? (e['eventTime'] as string | undefined) ?? e.metadata.creationTimestamp;
  return {
    key: e.metadata.uid ?? `${e.metadata.name ?? ''}`,
    version: Number(e.metadata.resourceVersion ?? 0) || 0,
    type: String(e['type'] ?? 'Normal'),
    reason: String(e['reason'] ?? ''),
    object: `${involved.kind ?? ''}/${involved.name ?? ''}`,
    message: String(e['message'] ?? ''),
    count: typeof e['count'] === 'number' ? e['count'] : (series?.count ?? 1),
    last,
  };
}

/** Newest first, as a person reads a pull's progress. */
export function byNewest(a: EventRow, b: EventRow): number {
  return (b.last ?? '').localeCompare(a.last ?? '') || b.version - a.version;
}
