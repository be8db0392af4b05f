// One probe of one container instance, as the kubelet's probe worker runs it: a timer every
// periodSeconds, nothing before initialDelaySeconds since the container started, liveness and
// readiness held back until the startup probe has succeeded (and startup stops then), a result
// that changes only after successThreshold / failureThreshold equal results in a row, and a
// liveness or startup failure that stops probing until a new instance runs.
// https://github.com/kubernetes/kubernetes/blob/v1.32.4/pkg/kubelet/prober/worker.go
// https://github.com/kubernetes/kubernetes/blob/v1.32.4/pkg/kubelet/prober/prober.go (probe, runProbeWithRetries)
import type { PodContainer, Probe } from './pod-types.ts';
import { runProbe } from './probe-runner.ts';
import type { ProbeOutcome, ProbeTarget } from './probe-runner.ts';

export type ProbeType = 'liveness' | 'readiness' | 'startup';
export type ThresholdResult = 'success' | 'failure';

const TITLE: Record<ProbeType, string> = { liveness: 'Liveness', readiness: 'Readiness', startup: 'Startup' };
/** runProbeWithRetries: a probe that errors (could not run) is tried this many times. */
const MAX_PROBE_RETRIES = 3;

export interface ProbeWorkerOptions {
  type: ProbeType;
  probe: Probe;
  container: PodContainer;
  containerId: string;
  /** When the instance started (ms since the epoch): initialDelaySeconds counts from it. */
  startedAtMs: number;
  target: ProbeTarget;
  /** Whether the instance has started (no startup probe, or it succeeded). */
  started: () => boolean;
  event: (reason: 'Unhealthy' | 'ProbeWarning', message: string) => void;
  /** The thresholded result changed. */
  onChange: () => void;
  now?: () => number;
  run?: (probe: Probe, target: ProbeTarget) => Promise<ProbeOutcome>;
}

export class ProbeWorker {
  readonly type: ProbeType;
  readonly containerId: string;
  /** The kubelet's initial values: not ready, alive, startup unknown. */
  result: ThresholdResult | undefined;
  readonly #o: ProbeWorkerOptions;
  #last: ThresholdResult | undefined;
  #run = 0;
  #onHold = false;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(options: ProbeWorkerOptions) {
    this.#o = options;
    this.type = options.type;
    this.containerId = options.containerId;
    this.result = options.type === 'readiness' ? 'failure' : options.type === 'liveness' ? 'success' : undefined;
  }

  start(): void {
    this.#schedule(0);
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Probes once now (the next tick stays where it is). Exposed for the tests. */
  async probeOnce(): Promise<void> {
    const o = this.#o;
    const p = o.probe;
    if (this.#onHold || this.#stopped) return;
    const now = (o.now ?? Date.now)();
    if (now - o.startedAtMs < (p.initialDelaySeconds ?? 0) * 1000) return;
    if (o.type === 'startup' ? o.started() : !o.started()) return;
    const run = o.run ?? runProbe;
    let outcome: ProbeOutcome = { result: 'unknown', output: '' };
    for (let i = 0; i < MAX_PROBE_RETRIES; i++) {
      outcome = await run(p, o.target);
      if (outcome.error === undefined) break;
    }
    if (this.#stopped) return;
    const title = TITLE[o.type];
    let result: ThresholdResult;
    if (outcome.error !== undefined) {
      o.event('Unhealthy', `${title} probe errored and resulted in unknown state: ${outcome.error.message}`);
      result = 'failure';
    } else if (outcome.result === 'success') result = 'success';
    else if (outcome.result === 'warning') {
      o.event('ProbeWarning', `${title} probe warning: ${outcome.output}`);
      result = 'success';
    } else {
      if (outcome.result === 'failure') o.event('Unhealthy', `${title} probe failed: ${outcome.output}`);
      result = 'failure';
    }
    this.#record(result);
  }

  #record(result: ThresholdResult): void {
    const p = this.#o.probe;
    if (this.#last === result) this.#run++;
    else {
      this.#last = result;
      this.#run = 1;
    }
    if ((result === 'failure' && this.#run < (p.failureThreshold ?? 3)) || (result === 'success' && this.#run < (p.successThreshold ?? 1))) return;
    const changed = this.result !== result;
    this.result = result;
    if (result === 'failure' && this.type !== 'readiness') {
      // The instance will be killed: no more probes until a new one runs (worker.go, #21751).
      this.#onHold = true;
      this.#run = 0;
    }
    if (changed) this.#o.onChange();
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.probeOnce().catch(() => {}).finally(() => this.#schedule((this.#o.probe.periodSeconds ?? 10) * 1000));
    }, ms);
  }
}
