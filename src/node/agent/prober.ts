// The node's probes, as the kubelet's prober manager keeps them: one worker per probe of each
// running container instance, replaced when a new instance runs and stopped when the instance
// exits, the pod goes or the agent stops (no timer outlives them). Results feed the pod status
// (ready, started) and the pod worker (kill on a liveness or startup failure); a changed result
// syncs the pod again.
// https://github.com/kubernetes/kubernetes/blob/v1.32.4/pkg/kubelet/prober/prober_manager.go
import { referenceTo } from '../../client/index.ts';
import type { EventRecorder } from '../../client/index.ts';
import type { ContainerRuntime } from '../runtime/index.ts';
import { podIPOf } from './pod-record.ts';
import type { PodRecord } from './pod-record.ts';
import type { ProbeView } from './pod-status.ts';
import type { Pod, PodContainer } from './pod-types.ts';
import { ProbeWorker } from './probe-worker.ts';
import type { ProbeType } from './probe-worker.ts';

const TYPES: ProbeType[] = ['startup', 'liveness', 'readiness'];

export interface ProberDeps {
  runtime: Pick<ContainerRuntime, 'exec'>;
  recorder: EventRecorder;
  /** The node's IP: the probe target of host-network pods (others probe their sandbox IP). */
  podIP: string;
  /** A result changed: sync the pod. */
  onChange: (uid: string) => void;
}

function probeOf(c: PodContainer, type: ProbeType) {
  return type === 'liveness' ? c.livenessProbe : type === 'readiness' ? c.readinessProbe : c.startupProbe;
}

export class Prober implements ProbeView {
  readonly #d: ProberDeps;
  /** `<uid>/<container>/<type>` -> the worker of the container's current instance. */
  readonly #workers = new Map<string, ProbeWorker>();
  #stopped = false;

  constructor(deps: ProberDeps) {
    this.#d = deps;
  }

  /** Starts workers for newly running instances, stops those of exited or vanished ones. */
  sync(pod: Pod, rec: PodRecord): void {
    if (this.#stopped) return;
    const wanted = new Set<string>();
    for (const c of pod.spec.containers) {
      const t = rec.containers.get(c.name);
      const instance = t?.current;
      const running = instance !== undefined && t?.terminated === undefined && instance.startedAt !== undefined;
      for (const type of TYPES) {
        const probe = probeOf(c, type);
        const key = `${rec.uid}/${c.name}/${type}`;
        if (probe === undefined || !running) continue;
        wanted.add(key);
        const existing = this.#workers.get(key);
        if (existing?.containerId === instance.id) continue;
        existing?.stop();
        const worker = new ProbeWorker({
          type, probe, container: c, containerId: instance.id, startedAtMs: Date.parse(instance.startedAt as string),
          target: { container: c, podIP: podIPOf(rec, this.#d.podIP), exec: (command, timeoutMs) => this.#d.runtime.exec(instance.id, command, { timeoutMs }) },
          started: () => this.started(rec.uid, c.name, instance.id) ?? true,
          event: (reason, message) => void this.#d.recorder.event(referenceTo(pod, `spec.containers{${c.name}}`), 'Warning', reason, message),
          onChange: () => this.#d.onChange(rec.uid),
        });
        this.#workers.set(key, worker);
        worker.start();
      }
    }
    for (const [key, worker] of this.#workers) {
      if (key.startsWith(`${rec.uid}/`) && !wanted.has(key)) {
        worker.stop();
        this.#workers.delete(key);
      }
    }
  }

  forgetPod(uid: string): void {
    for (const [key, worker] of this.#workers) {
      if (!key.startsWith(`${uid}/`)) continue;
      worker.stop();
      this.#workers.delete(key);
    }
  }

  /** Clears every timer; later syncs start none (an in-flight pod sync may still call sync). */
  stop(): void {
    this.#stopped = true;
    for (const worker of this.#workers.values()) worker.stop();
    this.#workers.clear();
  }

  /** Workers alive now (the tests check that none leak). */
  get size(): number {
    return this.#workers.size;
  }

  #result(uid: string, container: string, type: ProbeType, id: string): ProbeWorker['result'] | null {
    const w = this.#workers.get(`${uid}/${container}/${type}`);
    if (w === undefined) return null;
    return w.containerId === id ? w.result : 'failure';
  }

  ready(uid: string, container: string, id: string): boolean | undefined {
    const r = this.#result(uid, container, 'readiness', id);
    return r === null ? undefined : r === 'success';
  }

  started(uid: string, container: string, id: string): boolean | undefined {
    const r = this.#result(uid, container, 'startup', id);
    return r === null ? undefined : r === 'success';
  }

  /** The probe whose failure means the instance must be killed, if any. */
  failed(uid: string, container: string, id: string): 'liveness' | 'startup' | undefined {
    for (const type of ['liveness', 'startup'] as const) {
      const w = this.#workers.get(`${uid}/${container}/${type}`);
      if (w?.containerId === id && w.result === 'failure') return type;
    }
    return undefined;
  }
}
