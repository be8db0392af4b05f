// A list-then-watch cache of one collection, after client-go's SharedInformer (Reflector +
// DeltaFIFO + Indexer, without the queue between them: handlers run in event order, on the
// informer's own loop, after the cache holds the change).
// - The initial list, and every relist, is paged and read at the newest revision.
// - A watch the server ends (timeoutSeconds) or a dropped connection: watch again from the last
//   resourceVersion seen (events and bookmarks both advance it); nothing is missed.
// - 410 Gone (that resourceVersion is compacted) or any other failure: relist after an exponential
//   backoff, and diff the list against the cache as client-go's Replace does: add for new keys,
//   update for a changed resourceVersion, delete (finalStateUnknown) for keys no longer listed.
// Cached objects are deep-frozen and shared with every handler; clone before changing one.
// https://github.com/kubernetes/client-go/blob/master/tools/cache/reflector.go
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeObject } from '../api/object.ts';
import { CacheStore, deepFreeze, keyOf } from './cache-store.ts';
import type { IndexFunc } from './cache-store.ts';
import { ClientError, ClientErrorCode, isGone } from './errors.ts';
import type { ResourceClient, Selector } from './resource-client.ts';
import type { ResourceRef } from './resource-ref.ts';
import type { KubeClient } from './rest-client.ts';
import type { WatchEvent } from './watch.ts';

export interface InformerOptions {
  namespace?: string;
  labelSelector?: Selector;
  fieldSelector?: Selector;
  /** Re-deliver every cached object to `update(obj, obj)` this often (0 or absent: never). */
  resyncMs?: number;
  /** Items per list page (default 500, client-go's pager). */
  pageSize?: number;
  /** Asked of the server per watch (default random 300-600 s, client-go's minWatchTimeout x [1, 2)). */
  watchTimeoutSeconds?: number;
  /** Relist backoff: initialMs doubling to maxMs, jittered up to 2x (default 800 ms to 30 s). */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Failed lists and watches (before the retry) and handler exceptions. The informer never logs. */
  onError?: (error: unknown) => void;
}

export interface EventHandler<T> {
  add?(object: T): void;
  update?(oldObject: T, newObject: T): void;
  /** `finalStateUnknown`: the deletion was found by a relist, so `object` is the last state seen, not the final one. */
  delete?(object: T, finalStateUnknown: boolean): void;
}

// client-go's reflector: a watch that ends within a second without an event is treated as a
// failure, so a server that closes watches at once cannot spin the loop.
const SHORT_WATCH_MS = 1000;
// client-go's backoff manager resets after this long without a failure.
const BACKOFF_RESET_MS = 120_000;

type Emit<T> = (h: EventHandler<T>) => void;

export class Informer<T extends KubeObject = KubeObject> {
  readonly #resource: ResourceClient<T>;
  readonly #options: InformerOptions;
  readonly #store = new CacheStore<T>();
  readonly #handlers = new Set<EventHandler<T>>();
  readonly #abort = new AbortController();
  #syncWaiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  #resourceVersion = '';
  #synced = false;
  #started = false;
  #resync: NodeJS.Timeout | undefined;
  /** Requests made, for tests and metrics: lists (relists included) and watches. */
  readonly stats = { lists: 0, watches: 0 };

  constructor(client: KubeClient, ref: ResourceRef, options: InformerOptions = {}) {
    this.#resource = client.resource<T>(ref, options.namespace);
    this.#options = options;
  }

  start(): void {
    if (this.#started) throw new ClientError(ClientErrorCode.InvalidState, 'an informer starts once');
    this.#started = true;
    if (this.#options.resyncMs !== undefined && this.#options.resyncMs > 0) {
      this.#resync = setInterval(() => this.#resyncAll(), this.#options.resyncMs);
    }
    void this.#run();
  }

  /** Ends the list or watch in flight; the cache stays readable. */
  stop(): void {
    if (this.#abort.signal.aborted) return;
    this.#abort.abort();
    clearInterval(this.#resync);
    const error = new ClientError(ClientErrorCode.Aborted, 'the informer stopped before it synced');
    for (const w of this.#syncWaiters.splice(0)) w.reject(error);
  }

  hasSynced(): boolean {
    return this.#synced;
  }

  waitForSync(signal?: AbortSignal): Promise<void> {
    if (this.#synced) return Promise.resolve();
    if (this.#abort.signal.aborted) return Promise.reject(new ClientError(ClientErrorCode.Aborted, 'the informer is stopped'));
    return new Promise((resolve, reject) => {
      const waiter = { resolve, reject };
      this.#syncWaiters.push(waiter);
      signal?.addEventListener('abort', () => {
        this.#syncWaiters = this.#syncWaiters.filter((w) => w !== waiter);
        reject(new ClientError(ClientErrorCode.Aborted, 'gave up waiting for the informer to sync', { cause: signal.reason }));
      }, { once: true });
    });
  }

  /** The resourceVersion of the last list, event or bookmark. */
  lastSyncResourceVersion(): string {
    return this.#resourceVersion;
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.#store.get(namespace === undefined || namespace === '' ? name : `${namespace}/${name}`);
  }

  getByKey(key: string): T | undefined {
    return this.#store.get(key);
  }

  list(): T[] {
    return this.#store.values();
  }

  addIndex(name: string, fn: IndexFunc<T>): void {
    this.#store.addIndex(name, fn);
  }

  byIndex(name: string, value: string): T[] {
    return this.#store.byIndex(name, value);
  }

  /** Objects already cached are delivered to `add` at once, as client-go does for late handlers. Returns the unsubscribe. */
  addHandler(handler: EventHandler<T>): () => void {
    this.#handlers.add(handler);
    for (const object of this.#store.values()) this.#call(() => handler.add?.(object));
    return () => this.#handlers.delete(handler);
  }

  onAdd(fn: (object: T) => void): () => void {
    return this.addHandler({ add: fn });
  }

  onUpdate(fn: (oldObject: T, newObject: T) => void): () => void {
    return this.addHandler({ update: fn });
  }

  onDelete(fn: (object: T, finalStateUnknown: boolean) => void): () => void {
    return this.addHandler({ delete: fn });
  }

  #call(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.#options.onError?.(error);
    }
  }

  #emit(emits: Emit<T>[]): void {
    for (const emit of emits) for (const h of [...this.#handlers]) this.#call(() => emit(h));
  }

  async #run(): Promise<void> {
    const initial = this.#options.backoff?.initialMs ?? 800;
    const max = this.#options.backoff?.maxMs ?? 30_000;
    let delay = initial;
    const signal = this.#abort.signal;
    while (!signal.aborted) {
      const began = performance.now();
      try {
        await this.#listAndWatch(signal);
      } catch (error) {
        if (signal.aborted) break;
        this.#options.onError?.(error);
      }
      if (signal.aborted) break;
      if (performance.now() - began > BACKOFF_RESET_MS) delay = initial;
      await sleep(delay * (1 + Math.random()), undefined, { signal }).catch(() => undefined);
      delay = Math.min(delay * 2, max);
    }
  }

  /** Returns when a relist is needed (410 Gone); throws on any other failure. */
  async #listAndWatch(signal: AbortSignal): Promise<void> {
    const { labelSelector, fieldSelector } = this.#options;
    this.stats.lists++;
    const list = await this.#resource.list({ labelSelector, fieldSelector, limit: this.#options.pageSize ?? 500, all: true, signal });
    if (signal.aborted) return;
    this.#replace(list.items, list.metadata.resourceVersion ?? '');
    if (!this.#synced) {
      this.#synced = true;
      for (const w of this.#syncWaiters.splice(0)) w.resolve();
    }
    while (!signal.aborted) {
      const timeoutSeconds = this.#options.watchTimeoutSeconds ?? Math.floor(300 * (1 + Math.random()));
      this.stats.watches++;
      const watch = this.#resource.watch({ resourceVersion: this.#resourceVersion, allowBookmarks: true, timeoutSeconds, labelSelector, fieldSelector, signal });
      const began = performance.now();
      let events = 0;
      try {
        for await (const event of watch) {
          events++;
          this.#apply(event);
        }
      } catch (error) {
        if (isGone(error)) return;
        throw error;
      }
      if (events === 0 && performance.now() - began < SHORT_WATCH_MS && !signal.aborted) {
        throw new ClientError(ClientErrorCode.Connection, `watch of ${this.#resource.ref.resource} ended at once without an event`);
      }
    }
  }

  #apply(event: WatchEvent<T>): void {
    const object = deepFreeze(event.object);
    const rv = object.metadata?.resourceVersion;
    if (rv !== undefined && rv !== '') this.#resourceVersion = rv;
    if (event.type === 'BOOKMARK') return;
    const key = keyOf(object);
    const old = this.#store.get(key);
    if (event.type === 'DELETED') {
      if (old === undefined) return;
      this.#store.delete(key);
      this.#emit([(h) => h.delete?.(object, false)]);
      return;
    }
    this.#store.set(key, object);
    this.#emit([old === undefined ? (h) => h.add?.(object) : (h) => h.update?.(old, object)]);
  }

  /** The whole cache becomes `items`; handlers see only the differences, after the cache is complete. */
  #replace(items: T[], resourceVersion: string): void {
    const emits: Emit<T>[] = [];
    const listed = new Set<string>();
    for (const item of items) {
      const object = deepFreeze(item);
      const key = keyOf(object);
      listed.add(key);
      const old = this.#store.get(key);
      if (old === undefined) {
        emits.push((h) => h.add?.(object));
      } else if (old.metadata.uid !== undefined && object.metadata.uid !== undefined && old.metadata.uid !== object.metadata.uid) {
        // Deleted and re-created while no watch was open: two objects, not one changed.
        emits.push((h) => h.delete?.(old, true), (h) => h.add?.(object));
      } else if (old.metadata.resourceVersion !== object.metadata.resourceVersion) {
        emits.push((h) => h.update?.(old, object));
      } else {
        continue;
      }
      this.#store.set(key, object);
    }
    for (const key of this.#store.keys()) {
      if (listed.has(key)) continue;
      const old = this.#store.get(key) as T;
      this.#store.delete(key);
      emits.push((h) => h.delete?.(old, true));
    }
    this.#resourceVersion = resourceVersion;
    this.#emit(emits);
  }

  #resyncAll(): void {
    if (!this.#synced) return;
    this.#emit(this.#store.values().map((o): Emit<T> => (h) => h.update?.(o, o)));
  }
}
