// `kubectl logs` for the apiserver's pods/log handler: reads the container's CRI log file and
// writes its lines to the response; with follow, until the container exits or the client leaves.
// Structurally the apiserver's LogSource (node does not import apiserver).
// https://github.com/kubernetes/kubernetes/blob/v1.32.4/pkg/kubelet/kuberuntime/logs/logs.go
import { existsSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import type { KubeObject } from '../../api/object.ts';
import { formatLogLine, readLogs } from '../runtime/index.ts';
import type { ContainerRuntime } from '../runtime/index.ts';
import type { AgentPaths } from './paths.ts';
import type { PodRecord } from './pod-record.ts';
import type { ContainerStatus } from './pod-types.ts';

export interface LogSourceDeps {
  paths: AgentPaths;
  runtime: () => ContainerRuntime | undefined;
  record: (uid: string) => PodRecord | undefined;
}

export interface LogStreamOptions {
  follow: boolean;
  tailLines?: number;
  previous: boolean;
}

export class AgentLogSource {
  readonly #d: LogSourceDeps;

  constructor(deps: LogSourceDeps) {
    this.#d = deps;
  }

  async stream(pod: KubeObject, container: string, options: LogStreamOptions, res: ServerResponse): Promise<void> {
    const uid = pod.metadata.uid ?? '';
    const t = this.#d.record(uid)?.containers.get(container);
    const statuses = (pod['status'] as { containerStatuses?: ContainerStatus[] } | undefined)?.containerStatuses ?? [];
    const restartCount = t?.restartCount ?? statuses.find((s) => s.name === container)?.restartCount ?? 0;
    // The previous instance is the one status shows as lastState: the exited current one while it
    // waits to restart, else the one before it (the kubelet reads lastState.terminated's log).
    const waitingAfterExit = t?.waiting !== undefined && t.terminated !== undefined;
    const n = options.previous && !waitingAfterExit ? restartCount - 1 : restartCount;
    const path = this.#d.paths.logPath({ namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name ?? '', uid }, container, n);
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    try {
      if (n < 0 || !existsSync(path)) {
        res.write(options.previous ? `previous terminated container "${container}" in pod "${pod.metadata.name ?? ''}" not found\n` : '');
        return;
      }
      const id = options.previous ? undefined : t?.current?.id;
      const isDone = async (): Promise<boolean> => {
        const runtime = this.#d.runtime();
        if (id === undefined || runtime === undefined) return true;
        return (await runtime.containerStatus(id).catch(() => undefined))?.state !== 'running';
      };
      for await (const line of readLogs(path, { follow: options.follow && !options.previous, tailLines: options.tailLines, signal: abort.signal, isDone })) {
        if (!res.write(formatLogLine(line))) await new Promise((resolve) => res.once('drain', resolve));
      }
    } finally {
      if (!res.writableEnded) res.end();
    }
  }
}
