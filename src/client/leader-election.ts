// Leader election on a coordination.k8s.io/v1 Lease, after client-go's leaderelection with a
// LeaseLock. A candidate takes the lease when it is free or when its holder has not renewed it
// for leaseDuration, measured on this process's clock from when this candidate last saw the
// record change (never by comparing renewTime with local time, so clock skew does not matter).
// The leader renews every retryPeriod; if it cannot renew for renewDeadline it stops leading.
// On stop it releases the lease (ReleaseOnCancel) so another candidate takes over at once.
// https://github.com/kubernetes/client-go/blob/master/tools/leaderelection/leaderelection.go
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeObject } from '../api/object.ts';
import { ClientError, ClientErrorCode, isAlreadyExists, isConflict, isNotFound } from './errors.ts';
import type { ResourceClient } from './resource-client.ts';
import type { KubeClient } from './rest-client.ts';

export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export interface Lease extends KubeObject {
  spec?: LeaseSpec;
}

export interface LeaderElectionOptions {
  client: KubeClient;
  namespace: string;
  /** The Lease's name: one per group of candidates (`ferry-controllers`). */
  name: string;
  /** Unique per candidate: hostname plus a random suffix, as client-go's users do. */
  identity: string;
  /** Default 15 s; the lease records it rounded up to whole seconds. */
  leaseDurationMs?: number;
  /** Default 10 s. */
  renewDeadlineMs?: number;
  /** Default 2 s. */
  retryPeriodMs?: number;
  /** Default true: give the lease up on stop so a successor need not wait it out. */
  releaseOnCancel?: boolean;
  /** Called on becoming leader; `signal` aborts when leadership ends. */
  onStartedLeading: (signal: AbortSignal) => void | Promise<void>;
  /** Called once after leading ends (lost, or stopped and released). Not called if never leading. */
  onStoppedLeading?: () => void;
  /** A different holder was observed (this candidate included). */
  onNewLeader?: (identity: string) => void;
  /** Failed lease reads and writes (they are retried) and a rejected onStartedLeading. */
  onError?: (error: unknown) => void;
}

const LEASES_REF = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespaced: true, kind: 'Lease' };
// wait.JitterUntil's factor in client-go's acquire loop.
const JITTER_FACTOR = 1.2;

// metav1.MicroTime: RFC 3339 with six fractional digits.
function microTime(date: Date): string {
  return date.toISOString().replace(/Z$/, '000Z');
}

export class LeaderElector {
  readonly #options: LeaderElectionOptions;
  readonly #leases: ResourceClient<Lease>;
  readonly #leaseDurationMs: number;
  readonly #renewDeadlineMs: number;
  readonly #retryPeriodMs: number;
  readonly #abort = new AbortController();
  #observed: LeaseSpec | undefined;
  #observedAt = 0;
  #leading = false;
  #running: Promise<void> | undefined;

  constructor(options: LeaderElectionOptions) {
    this.#options = options;
    this.#leases = options.client.resource<Lease>(LEASES_REF, options.namespace);
    this.#leaseDurationMs = Math.ceil(options.leaseDurationMs ?? 15_000);
    this.#renewDeadlineMs = Math.ceil(options.renewDeadlineMs ?? 10_000);
    this.#retryPeriodMs = Math.ceil(options.retryPeriodMs ?? 2_000);
    // The same checks as client-go's NewLeaderElector.
    if (this.#leaseDurationMs <= this.#renewDeadlineMs) throw new ClientError(ClientErrorCode.InvalidOptions, 'leaseDuration must be greater than renewDeadline');
    if (this.#renewDeadlineMs <= JITTER_FACTOR * this.#retryPeriodMs) throw new ClientError(ClientErrorCode.InvalidOptions, 'renewDeadline must be greater than retryPeriod*1.2');
    if (options.identity === '') throw new ClientError(ClientErrorCode.InvalidOptions, 'identity must not be empty');
  }

  isLeader(): boolean {
    return this.#leading;
  }

  /** The holder last observed on the lease ('' when released). */
  getLeader(): string | undefined {
    return this.#observed?.holderIdentity;
  }

  /** Campaigns, leads until the lease is lost or stop() (or `signal`), then resolves. Runs once. */
  run(signal?: AbortSignal): Promise<void> {
    if (this.#running !== undefined) throw new ClientError(ClientErrorCode.InvalidState, 'a leader elector runs once');
    signal?.addEventListener('abort', () => this.#abort.abort(), { once: true });
    this.#running = this.#run();
    return this.#running;
  }

  /** Stops campaigning or leading, releases the lease if held, and resolves when done. */
  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#running;
  }

  async #run(): Promise<void> {
    const stopped = this.#abort.signal;
    if (!(await this.#acquire())) return;
    this.#leading = true;
    const leadership = new AbortController();
    try {
      Promise.resolve(this.#options.onStartedLeading(leadership.signal)).catch((error: unknown) => this.#options.onError?.(error));
    } catch (error) {
      this.#options.onError?.(error);
    }
    await this.#renewLoop();
    leadership.abort();
    if (stopped.aborted && this.#options.releaseOnCancel !== false) await this.#release();
    this.#leading = false;
    this.#options.onStoppedLeading?.();
  }

  async #pause(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.#abort.signal }).catch(() => undefined);
  }

  async #acquire(): Promise<boolean> {
    while (!this.#abort.signal.aborted) {
      if (await this.#attempt(AbortSignal.any([this.#abort.signal, AbortSignal.timeout(this.#renewDeadlineMs)]))) return true;
      await this.#pause(this.#retryPeriodMs * (1 + Math.random() * JITTER_FACTOR));
    }
    return false;
  }

  /** Returns when stopped, or when the lease could not be renewed within renewDeadline. */
  async #renewLoop(): Promise<void> {
    while (!this.#abort.signal.aborted) {
      await this.#pause(this.#retryPeriodMs);
      const deadline = performance.now() + this.#renewDeadlineMs;
      let renewed = false;
      while (!this.#abort.signal.aborted) {
        const left = deadline - performance.now();
        if (left <= 0) break;
        if ((renewed = await this.#attempt(AbortSignal.any([this.#abort.signal, AbortSignal.timeout(Math.ceil(left))])))) break;
        if (this.#observed?.holderIdentity !== this.#options.identity && this.#observed?.holderIdentity !== '') {
          // Someone else holds a valid lease now: leadership is gone, no point retrying.
          if (this.#observedAt + (this.#observed?.leaseDurationSeconds ?? 0) * 1000 > performance.now()) break;
        }
        await this.#pause(Math.min(this.#retryPeriodMs, Math.max(0, deadline - performance.now())));
      }
      if (!renewed) return;
    }
  }

  #observe(spec: LeaseSpec): void {
    if (JSON.stringify(spec) === JSON.stringify(this.#observed)) return;
    const changedHolder = spec.holderIdentity !== this.#observed?.holderIdentity;
    this.#observed = spec;
    this.#observedAt = performance.now();
    if (changedHolder && spec.holderIdentity !== undefined && spec.holderIdentity !== '') this.#options.onNewLeader?.(spec.holderIdentity);
  }

  /** client-go's tryAcquireOrRenew: true if this candidate holds the lease after the call. */
  async #attempt(signal: AbortSignal): Promise<boolean> {
    const me = this.#options.identity;
    const now = microTime(new Date());
    const duration = Math.ceil(this.#leaseDurationMs / 1000);
    try {
      let lease: Lease;
      try {
        lease = await this.#leases.get(this.#options.name, { signal });
      } catch (error) {
        if (!isNotFound(error)) throw error;
        const spec: LeaseSpec = { holderIdentity: me, leaseDurationSeconds: duration, acquireTime: now, renewTime: now, leaseTransitions: 0 };
        await this.#leases.create({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: this.#options.name }, spec }, { signal });
        this.#observe(spec);
        return true;
      }
      const old = lease.spec ?? {};
      this.#observe(old);
      const holder = old.holderIdentity ?? '';
      const valid = this.#observedAt + (old.leaseDurationSeconds ?? 0) * 1000 > performance.now();
      if (holder !== '' && holder !== me && valid) return false;
      const mine = holder === me;
      const spec: LeaseSpec = {
        holderIdentity: me,
        leaseDurationSeconds: duration,
        acquireTime: mine ? (old.acquireTime ?? now) : now,
        renewTime: now,
        leaseTransitions: mine ? (old.leaseTransitions ?? 0) : (old.leaseTransitions ?? 0) + 1,
      };
      await this.#leases.update({ ...lease, spec }, { signal });
      this.#observe(spec);
      return true;
    } catch (error) {
      // Losing a race to another candidate is the normal way to not get the lease.
      if (!isConflict(error) && !isAlreadyExists(error) && !this.#abort.signal.aborted) this.#options.onError?.(error);
      return false;
    }
  }

  /** client-go's release: an empty holder with a 1 s duration, transitions kept. */
  async #release(): Promise<void> {
    const signal = AbortSignal.timeout(this.#renewDeadlineMs);
    try {
      const lease = await this.#leases.get(this.#options.name, { signal });
      if (lease.spec?.holderIdentity !== this.#options.identity) return;
      const now = microTime(new Date());
      const spec: LeaseSpec = { holderIdentity: '', leaseDurationSeconds: 1, acquireTime: now, renewTime: now, leaseTransitions: lease.spec.leaseTransitions ?? 0 };
      await this.#leases.update({ ...lease, spec }, { signal });
      this.#observe(spec);
    } catch (error) {
      this.#options.onError?.(error);
    }
  }
}
