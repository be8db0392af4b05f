// Shared pieces of the storage contract suite (storage-contract.ts): byte helpers, error checks,
// waiting, and watch collectors.
import assert from 'node:assert/strict';
import { StorageError, StorageErrorCode, type KeyValue, type KeyValueStore, type Watch, type WatchEvent } from '../src/storage/index.ts';

/** Registers one contract test; it gets a fresh, empty store that is cleaned up afterwards. */
export type StoreTest = (title: string, fn: (store: KeyValueStore) => Promise<void>) => void;

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
export const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

export async function rejectsWith(p: Promise<unknown>, code: StorageErrorCode, revision?: number): Promise<StorageError> {
  let caught: unknown;
  await assert.rejects(p, (err) => {
    caught = err;
    return true;
  });
  assert.ok(caught instanceof StorageError, `expected a StorageError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  if (revision !== undefined) assert.equal(caught.revision, revision, `error revision (${caught.message})`);
  return caught;
}

export function throwsWith(fn: () => unknown, code: StorageErrorCode): void {
  assert.throws(fn, (err) => err instanceof StorageError && err.code === code);
}

export async function waitFor(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** A few event-loop turns, for "nothing more arrives" checks. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 5));
}

export interface Collector {
  events: WatchEvent[];
  closes: (StorageError | undefined)[];
  watch: Watch;
  revisions(): number[];
}

export function collect(store: KeyValueStore, prefix: string, afterRevision: number): Collector {
  const events: WatchEvent[] = [];
  const closes: (StorageError | undefined)[] = [];
  const watch = store.watch(prefix, { afterRevision, onEvent: (e) => events.push(e), onClose: (e) => closes.push(e) });
  return { events, closes, watch, revisions: () => events.map((e) => e.kv.modRevision) };
}

/** Compacted, either thrown by watch() or (for stores that learn it later) through onClose, with no event before it. */
export async function watchIsCompacted(store: KeyValueStore, prefix: string, afterRevision: number, compacted: number): Promise<void> {
  const events: WatchEvent[] = [];
  let closed: StorageError | undefined | null = null;
  let w: Watch | undefined;
  try {
    w = store.watch(prefix, { afterRevision, onEvent: (e) => events.push(e), onClose: (e) => (closed = e) });
  } catch (err) {
    assert.ok(err instanceof StorageError && err.code === StorageErrorCode.Compacted, String(err));
    assert.equal(err.revision, compacted);
    return;
  }
  await waitFor(() => closed !== null, 'onClose(Compacted)');
  w.cancel();
  const error = closed as StorageError | undefined | null;
  assert.ok(error instanceof StorageError && error.code === StorageErrorCode.Compacted, String(error));
  assert.deepEqual(events, []);
}

export const keysOf = (items: KeyValue[]): string[] => items.map((i) => i.key);
