// client-go's workqueue rate limiters: how long an item waits before it is handed out again.
// DefaultControllerRateLimiter = max(per-item exponential 5 ms .. 1000 s, overall 10 qps burst 100).
// https://github.com/kubernetes/client-go/blob/master/util/workqueue/default_rate_limiters.go

export interface RateLimiter<K> {
  /** The delay (ms) before `item` may be processed again; counts as one more requeue. */
  when(item: K): number;
  /** Stop tracking `item` (it succeeded): its next failure starts from the base delay. */
  forget(item: K): void;
  numRequeues(item: K): number;
}

export class ItemExponentialFailureRateLimiter<K> implements RateLimiter<K> {
  readonly #failures = new Map<K, number>();
  readonly #baseMs: number;
  readonly #maxMs: number;

  constructor(baseMs = 5, maxMs = 1_000_000) {
    this.#baseMs = baseMs;
    this.#maxMs = maxMs;
  }

  when(item: K): number {
    const exp = this.#failures.get(item) ?? 0;
    this.#failures.set(item, exp + 1);
    // 2 ** exp reaches Infinity long before it could wrap, and min() caps it.
    return Math.min(this.#baseMs * 2 ** exp, this.#maxMs);
  }

  forget(item: K): void {
    this.#failures.delete(item);
  }

  numRequeues(item: K): number {
    return this.#failures.get(item) ?? 0;
  }
}

/**
 * A token bucket over all items (golang.org/x/time/rate's Reserve): each call takes a token, and
 * once the burst is spent the delay grows by 1/qps per call. It limits the overall retry rate, not
 * one item's.
 */
export class BucketRateLimiter<K> implements RateLimiter<K> {
  readonly #qps: number;
  readonly #burst: number;
  readonly #now: () => number;
  #tokens: number;
  #last: number;

  constructor(qps = 10, burst = 100, now: () => number = () => performance.now()) {
    this.#qps = qps;
    this.#burst = burst;
    this.#now = now;
    this.#tokens = burst;
    this.#last = now();
  }

  when(_item: K): number {
    const now = this.#now();
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#last) * this.#qps) / 1000);
    this.#last = now;
    this.#tokens -= 1;
    return this.#tokens >= 0 ? 0 : (-this.#tokens * 1000) / this.#qps;
  }

  forget(_item: K): void {}

  numRequeues(_item: K): number {
    return 0;
  }
}

export class MaxOfRateLimiter<K> implements RateLimiter<K> {
  readonly #limiters: RateLimiter<K>[];

  constructor(...limiters: RateLimiter<K>[]) {
    this.#limiters = limiters;
  }

  when(item: K): number {
    // Every limiter sees every call, so each one's state (failures, tokens) advances.
    return Math.max(0, ...this.#limiters.map((l) => l.when(item)));
  }

  forget(item: K): void {
    for (const l of this.#limiters) l.forget(item);
  }

  numRequeues(item: K): number {
    return Math.max(0, ...this.#limiters.map((l) => l.numRequeues(item)));
  }
}

export function defaultControllerRateLimiter<K>(): RateLimiter<K> {
  return new MaxOfRateLimiter<K>(new ItemExponentialFailureRateLimiter<K>(5, 1_000_000), new BucketRateLimiter<K>(10, 100));
}
