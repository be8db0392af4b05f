// Shared fixtures of the SQLite store and encryption tests (storage-sqlite*.test.ts).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openSqliteStore, StorageError, type KeyValueStore, type SqliteStoreOptions, type StorageErrorCode } from '../src/storage/index.ts';
import { makeTempDir, removeTempDir } from './fixtures/cleanup.ts';

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
export const dec = (b: Uint8Array): string => new TextDecoder().decode(b);
export const KEY = Buffer.alloc(32, 7);

export async function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = makeTempDir('storage');
  try {
    return await fn(dir);
  } finally {
    removeTempDir(dir);
  }
}

export async function withStore(fn: (store: KeyValueStore, path: string) => Promise<void>, options?: SqliteStoreOptions): Promise<void> {
  await withDir(async (dir) => {
    const path = join(dir, 'db.sqlite');
    const store = await openSqliteStore(path, options);
    try {
      await fn(store, path);
    } finally {
      await store.close();
    }
  });
}

export async function waitFor(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

export function isCode(code: StorageErrorCode) {
  return (err: unknown): boolean => err instanceof StorageError && err.code === code;
}
