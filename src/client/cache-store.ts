// The informer's local cache: objects by `namespace/name` key (client-go's
// MetaNamespaceKeyFunc) with optional secondary indexes (client-go's Indexer), such as pods by
// node name. Objects are deep-frozen on the way in: every reader shares them, so a caller that
// wants to change one works on structuredClone(object).
// https://github.com/kubernetes/client-go/blob/master/tools/cache/thread_safe_store.go
import type { KubeObject } from '../api/object.ts';

/** `namespace/name`, or `name` for a cluster-scoped object. */
export function keyOf(object: KubeObject): string {
  const { namespace, name } = object.metadata;
  return namespace === undefined || namespace === '' ? (name ?? '') : `${namespace}/${name ?? ''}`;
}

export function splitKey(key: string): { namespace?: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}

/** The values of one index for an object: `[pod.spec.nodeName]`, say. */
export type IndexFunc<T> = (object: T) => string[];

export class CacheStore<T extends KubeObject> {
  readonly #items = new Map<string, T>();
  readonly #indexers = new Map<string, IndexFunc<T>>();
  /** index name -> value -> keys. */
  readonly #indices = new Map<string, Map<string, Set<string>>>();

  get size(): number {
    return this.#items.size;
  }

  get(key: string): T | undefined {
    return this.#items.get(key);
  }

  keys(): string[] {
    return [...this.#items.keys()];
  }

  values(): T[] {
    return [...this.#items.values()];
  }

  addIndex(name: string, fn: IndexFunc<T>): void {
    this.#indexers.set(name, fn);
    this.#indices.set(name, new Map());
    for (const [key, object] of this.#items) this.#index(name, fn, key, object);
  }

  byIndex(name: string, value: string): T[] {
    const keys = this.#indices.get(name)?.get(value);
    if (keys === undefined) return [];
    return [...keys].map((k) => this.#items.get(k) as T);
  }

  set(key: string, object: T): void {
    this.#unindex(key);
    this.#items.set(key, object);
    for (const [name, fn] of this.#indexers) this.#index(name, fn, key, object);
  }

  delete(key: string): void {
    this.#unindex(key);
    this.#items.delete(key);
  }

  #index(name: string, fn: IndexFunc<T>, key: string, object: T): void {
    const index = this.#indices.get(name) as Map<string, Set<string>>;
    for (const value of fn(object)) {
      let keys = index.get(value);
      if (keys === undefined) index.set(value, (keys = new Set()));
      keys.add(key);
    }
  }

  #unindex(key: string): void {
    const old = this.#items.get(key);
    if (old === undefined) return;
    for (const [name, fn] of this.#indexers) {
      const index = this.#indices.get(name) as Map<string, Set<string>>;
      for (const value of fn(old)) {
        const keys = index.get(value);
        keys?.delete(key);
        if (keys?.size === 0) index.delete(value);
      }
    }
  }
}
