// Per-key exponential backoff, after client-go's flowcontrol.Backoff as the kubelet uses it for
// image pulls (key: pod uid + image) and crash loops (key: pod uid + container): the first failure
// waits `initialMs`, each further one doubles it up to `maxMs`; a key idle for 2 x maxMs starts over.
// https://github.com/kubernetes/client-go/blob/master/util/flowcontrol/backoff.go

interface Entry {
  delayMs: number;
  /** When the last failure was recorded (ms, the clock below). */
  at: number;
}

export class Backoff {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();

  constructor(initialMs: number, maxMs: number, now: () => number = () => performance.now()) {
    this.initialMs = initialMs;
    this.maxMs = maxMs;
    this.#now = now;
  }

  /** Records a failure: the key's delay grows (or starts at initialMs). Returns the new delay. */
  next(key: string): number {
    const now = this.#now();
    const e = this.#entries.get(key);
    const delayMs = e === undefined || now - e.at > 2 * this.maxMs ? this.initialMs : Math.min(e.delayMs * 2, this.maxMs);
    this.#entries.set(key, { delayMs, at: now });
    return delayMs;
  }

  /** Milliseconds left in the key's window since its last failure; 0 when not backing off. */
  remaining(key: string): number {
    const e = this.#entries.get(key);
    if (e === undefined) return 0;
    return Math.max(0, e.at + e.delayMs - this.#now());
  }

  /** The key's current delay (the one `remaining` counts down), or undefined. */
  delay(key: string): number | undefined {
    return this.#entries.get(key)?.delayMs;
  }

  reset(key: string): void {
    this.#entries.delete(key);
  }

  /** Forgets every key that starts with `prefix` (a pod's keys when it is gone). */
  resetPrefix(prefix: string): void {
    for (const k of this.#entries.keys()) if (k.startsWith(prefix)) this.#entries.delete(k);
  }
}
