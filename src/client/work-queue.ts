// client-go's rate-limited work queue. A key waits at most once (adding it again while it waits is
// a no-op); a key being processed is never handed to a second worker: re-added meanwhile, it is
// queued again when the first worker calls done(). Workers loop on get() until it answers
// undefined after shutDown().
// https://github.com/kubernetes/client-go/blob/master/util/workqueue/queue.go
// https://github.com/kubernetes/client-go/blob/master/util/workqueue/delaying_queue.go
import { defaultControllerRateLimiter } from './rate-limiter.ts';
import type { RateLimiter } from './rate-limiter.ts';

export interface WorkQueueOptions<K> {
  /** Default: defaultControllerRateLimiter() (5 ms doubling to 1000 s per key, 10 qps burst 100 overall). */
  rateLimiter?: RateLimiter<K>;
}

export class WorkQueue<K = string> {
  readonly #queue: K[] = [];
  /** Keys that need processing: waiting in #queue, or re-added while being processed. */
  readonly #dirty = new Set<K>();
  readonly #processing = new Set<K>();
  readonly #waiters: ((key: K | undefined) => void)[] = [];
  readonly #delayed = new Map<K, { at: number; timer: NodeJS.Timeout }>();
  readonly #rateLimiter: RateLimiter<K>;
  #shuttingDown = false;

  constructor(options: WorkQueueOptions<K> = {}) {
    this.#rateLimiter = options.rateLimiter ?? defaultControllerRateLimiter<K>();
  }

  add(key: K): void {
    if (this.#shuttingDown || this.#dirty.has(key)) return;
    this.#dirty.add(key);
    if (this.#processing.has(key)) return;
    this.#queue.push(key);
    this.#dispatch();
  }

  #dispatch(): void {
    while (this.#waiters.length > 0 && this.#queue.length > 0) {
      const waiter = this.#waiters.shift() as (key: K | undefined) => void;
      waiter(this.#take());
    }
  }

  #take(): K {
    const key = this.#queue.shift() as K;
    this.#dirty.delete(key);
    this.#processing.add(key);
    return key;
  }

  /** Keys waiting to be handed out (not those being processed or delayed). */
  len(): number {
    return this.#queue.length;
  }

  /** The next key, once there is one; after shutDown() the keys still waiting, then undefined. */
  get(): Promise<K | undefined> {
    if (this.#queue.length > 0) return Promise.resolve(this.#take());
    if (this.#shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Marks the key processed; if it was added meanwhile it is queued again. */
  done(key: K): void {
    this.#processing.delete(key);
    if (this.#dirty.has(key)) {
      this.#queue.push(key);
      this.#dispatch();
    }
  }

  /** Adds the key after `ms`; a key already delayed keeps the earlier of the two times. */
  addAfter(key: K, ms: number): void {
    if (this.#shuttingDown) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const at = performance.now() + ms;
    const pending = this.#delayed.get(key);
    if (pending !== undefined) {
      if (pending.at <= at) return;
      clearTimeout(pending.timer);
    }
    const timer = setTimeout(() => {
      this.#delayed.delete(key);
      this.add(key);
    }, ms);
    this.#delayed.set(key, { at, timer });
  }

  /** Adds the key after the rate limiter's delay: call on failure, then forget() on success. */
  addRateLimited(key: K): void {
    this.addAfter(key, this.#rateLimiter.when(key));
  }

  forget(key: K): void {
    this.#rateLimiter.forget(key);
  }

  numRequeues(key: K): number {
    return this.#rateLimiter.numRequeues(key);
  }

  /** Stops accepting keys and drops delayed ones; get() drains what waits, then answers undefined. */
  shutDown(): void {
    this.#shuttingDown = true;
    for (const { timer } of this.#delayed.values()) clearTimeout(timer);
    this.#delayed.clear();
    for (const waiter of this.#waiters.splice(0)) waiter(undefined);
  }

  shuttingDown(): boolean {
    return this.#shuttingDown;
  }
}
