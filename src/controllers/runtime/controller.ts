// The loop every controller runs, after client-go's controller pattern (sample-controller's
// Run/processNextWorkItem): informers fill a rate-limited WorkQueue with keys; N workers take a
// key, call sync, forget the key on success, requeue it with backoff on error, and requeue it
// after a delay when sync asks to. Errors go to onError; this library never logs.
// https://github.com/kubernetes/sample-controller/blob/master/controller.go
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkQueue, keyOf } from '../../client/index.ts';
import type { Informer } from '../../client/index.ts';
import type { KubeObject } from '../common/types.ts';

/** What one sync asks of the loop besides success or failure (a thrown error). */
export interface SyncResult {
  /** Sync this key again after this many milliseconds. */
  requeueAfterMs?: number;
}

export interface ControllerOptions {
  name: string;
  /** Informers that must have synced before the first sync (client-go's WaitForCacheSync). */
  informers: Informer<KubeObject>[];
  sync: (key: string) => Promise<SyncResult | void>;
  /** Concurrent workers (default 2); one key is never synced by two at once. */
  workers?: number;
  /** A sync that failed (it is retried with backoff), with the controller's name and the key. */
  onError?: (error: unknown, context: { controller: string; key?: string }) => void;
}

export class Controller {
  readonly name: string;
  readonly queue = new WorkQueue<string>();
  readonly #options: ControllerOptions;
  readonly #abort = new AbortController();
  #workers: Promise<void>[] = [];

  constructor(options: ControllerOptions) {
    this.name = options.name;
    this.#options = options;
  }

  enqueue(object: KubeObject): void {
    this.queue.add(keyOf(object));
  }

  /** Waits for the informers (already started by their factory), then runs the workers until stop() or `signal`. */
  async start(signal?: AbortSignal): Promise<void> {
    signal?.addEventListener('abort', () => void this.stop(), { once: true });
    if (signal?.aborted) void this.stop();
    try {
      await Promise.all(this.#options.informers.map((i) => i.waitForSync(this.#abort.signal)));
    } catch (error) {
      if (!this.#abort.signal.aborted) this.#options.onError?.(error, { controller: this.name });
      return;
    }
    for (let i = 0; i < (this.#options.workers ?? 2); i++) this.#workers.push(this.#work());
  }

  /** Stops taking keys; resolves when the workers have finished the syncs in flight. */
  async stop(): Promise<void> {
    this.#abort.abort();
    this.queue.shutDown();
    await Promise.all(this.#workers);
  }

  async #work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined || this.#abort.signal.aborted) return;
      try {
        const result = await this.#options.sync(key);
        this.queue.forget(key);
        if (result?.requeueAfterMs !== undefined) this.queue.addAfter(key, result.requeueAfterMs);
      } catch (error) {
        if (!this.#abort.signal.aborted) {
          this.#options.onError?.(error, { controller: this.name, key });
          this.queue.addRateLimited(key);
        }
      } finally {
        this.queue.done(key);
      }
      // Let informer events interleave with a burst of syncs.
      await sleep(0);
    }
  }
}
