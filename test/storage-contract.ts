// The storage contract (src/storage/types.ts) as a reusable suite: every KeyValueStore (SQLite, the
// encryption wrapper, etcd later) runs it. `open` must return a fresh, empty store each time;
// `cleanup` closes it if still open and removes whatever it made.
// The tests are grouped by theme in storage-contract-*.ts; this is the single entry point.
import { describe, test } from 'node:test';
import type { KeyValueStore } from '../src/storage/index.ts';
import type { StoreTest } from './storage-contract-helpers.ts';
import { lifecycleContract } from './storage-contract-lifecycle.ts';
import { readsContract } from './storage-contract-reads.ts';
import { watchContract } from './storage-contract-watch.ts';
import { writesContract } from './storage-contract-writes.ts';

export type OpenStore = () => Promise<{ store: KeyValueStore; cleanup(): Promise<void> }>;

export function storageContract(name: string, open: OpenStore): void {
  describe(`storage contract: ${name}`, () => {
    const it: StoreTest = (title, fn) => {
      test(title, async () => {
        const { store, cleanup } = await open();
        try {
          await fn(store);
        } finally {
          await cleanup();
        }
      });
    };

    writesContract(it);
    readsContract(it);
    watchContract(it);
    lifecycleContract(it);
  });
}
