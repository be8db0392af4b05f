import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startCompactor } from './compactor.ts';
import { openSqliteStore } from './sqlite-store.ts';
import { StorageError } from './types.ts';

test('each pass compacts to the revision the previous pass saw, keeping one interval of history', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-compactor-'));
  const store = await openSqliteStore(join(dir, 'state.db'));
  const compactor = startCompactor(store, { intervalMs: 3_600_000 });
  try {
    const put = (i: number) => store.create(`/k/${i}`, new TextEncoder().encode(String(i)));
    for (let i = 0; i < 5; i++) await put(i);
    await compactor.runOnce();
    assert.equal(await store.compactedRevision(), 0, 'the first pass only records where it was');
    const seen = await store.currentRevision();
    for (let i = 5; i < 10; i++) await put(i);
    await compactor.runOnce();
    assert.equal(await store.compactedRevision(), seen);
    // History after the compacted revision is still there for watchers; before it is gone.
    await assert.rejects(store.list('/k/', { revision: seen - 1 }), (e: unknown) => e instanceof StorageError && e.code === 'COMPACTED');
    assert.equal((await store.list('/k/', { revision: seen })).items.length, 5);
    assert.equal((await store.list('/k/')).items.length, 10);
  } finally {
    compactor.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
