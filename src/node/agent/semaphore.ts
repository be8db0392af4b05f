// A counting semaphore: at most `limit` holders at once, FIFO for waiters. The node agent limits
// concurrent image pulls with it (the kubelet's serializeImagePulls=false + maxParallelImagePulls),
// so one huge image does not block the other pods.

export class Semaphore {
  readonly limit: number;
  #held = 0;
  readonly #waiters: (() => void)[] = [];

  constructor(limit: number) {
    this.limit = Math.max(1, Math.floor(limit));
  }

  async acquire(): Promise<() => void> {
    if (this.#held < this.limit) {
      this.#held++;
    } else {
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiters.shift();
      if (next !== undefined) next();
      else this.#held--;
    };
  }
}
