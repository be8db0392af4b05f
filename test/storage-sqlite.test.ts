// The SQLite store and the encryption wrapper: the storage contract against both, then what only
// the SQLite store promises: one process per file, argument checks, batching, file modes, and
// paged watch replay. Durability is in storage-sqlite-durability.test.ts, encryption at rest in
// storage-sqlite-encryption.test.ts.
import assert from 'node:assert/strict';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { encryptValues, openSqliteStore, StorageErrorCode, type StorageError, type WatchEvent } from '../src/storage/index.ts';
import { makeTempDir, removeTempDir } from './fixtures/cleanup.ts';
import { storageContract } from './storage-contract.ts';
import { enc, isCode, KEY, waitFor, withDir, withStore } from './storage-sqlite-helpers.ts';

storageContract('sqlite', async () => {
  const dir = makeTempDir('storage');
  const store = await openSqliteStore(join(dir, 'db.sqlite'));
  return { store, cleanup: async () => (await store.close(), removeTempDir(dir)) };
});

storageContract('encryptValues(sqlite)', async () => {
  const dir = makeTempDir('storage');
  const store = encryptValues(await openSqliteStore(join(dir, 'db.sqlite')), { key: KEY, keyName: 'test', prefixes: ['/'] });
  return { store, cleanup: async () => (await store.close(), removeTempDir(dir)) };
});

describe('sqlite store', () => {
  test('one store per file: a second open fails with Unavailable until the first is closed', async () => {
    await withDir(async (dir) => {
      const path = join(dir, 'db.sqlite');
      const first = await openSqliteStore(path);
      await first.create('/a', enc('1'));
      await assert.rejects(openSqliteStore(path), (err: unknown) => isCode(StorageErrorCode.Unavailable)(err) && (err as Error).message.includes('another process'));
      await first.close();
      const second = await openSqliteStore(path);
      assert.equal((await second.get('/a'))?.modRevision, 1);
      await second.close();
    });
  });

  test('bad arguments reject with TypeError and write nothing', async () => {
    await withStore(async (store) => {
      const bad = <T>(p: Promise<T>) => assert.rejects(p, TypeError);
      await bad(store.create('', enc('x')));
      await bad(store.create('/a', 'text' as unknown as Uint8Array));
      await bad(store.create('/lone-\uD800', enc('x')));
      await bad(store.get('/lone-\uDFFF'));
      await bad(store.update('/a', enc('x'), -1));
      await bad(store.update('/a', enc('x'), 1.5));
      await bad(store.delete('/a', Number.NaN));
      await bad(store.list('/', { limit: -1 }));
      await bad(store.list('/', { revision: -1 }));
      await bad(store.compact(-1));
      assert.throws(() => store.watch('/', { afterRevision: -1, onEvent: () => {} }), TypeError);
      assert.equal(await store.currentRevision(), 0);
    });
  });

  test('writes of one turn beyond maxBatch commit in several transactions, each write with its own outcome', async () => {
    await withStore(
      async (store) => {
        const keys = Array.from({ length: 20 }, (_, i) => `/g/${i % 15}`);
        const results = await Promise.allSettled(keys.map((k) => store.create(k, enc(k))));
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 15);
        for (const r of results.slice(15)) assert.ok(r.status === 'rejected' && isCode(StorageErrorCode.KeyExists)(r.reason));
        const revs = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.modRevision] : []));
        assert.deepEqual(revs, Array.from({ length: 15 }, (_, i) => i + 1));
        assert.equal(await store.count('/g/'), 15);
      },
      { maxBatch: 3 },
    );
  });

  test('a file that is not a database: Corrupt', async () => {
    await withDir(async (dir) => {
      const path = join(dir, 'db.sqlite');
      writeFileSync(path, Buffer.alloc(8192, 'not sqlite '));
      await assert.rejects(openSqliteStore(path), isCode(StorageErrorCode.Corrupt));
    });
  });

  test('the database and its WAL are created with mode 0600', async () => {
    await withStore(async (store, path) => {
      await store.create('/a', enc('1'));
      assert.equal(statSync(path).mode & 0o777, 0o600);
      assert.ok(existsSync(`${path}-wal`));
      assert.equal(statSync(`${path}-wal`).mode & 0o777, 0o600);
    });
  });

  test('a watch replays long history in pages while writes go on, with no gap, skipping long stretches of other keys', async () => {
    await withStore(
      async (store) => {
        const expected: number[] = [];
        for (let i = 0; i < 60; i++) expected.push((await store.create(`/p/${i}`, enc(String(i)))).modRevision);
        // 200 revisions of other keys: four times the replay's scan window (10 pages of 5).
        await Promise.all(Array.from({ length: 200 }, (_, i) => store.create(`/q/${i}`, enc(String(i)))));
        expected.push((await store.create('/p/after-gap', enc('x'))).modRevision);
        const revs: number[] = [];
        const w = store.watch('/p/', { afterRevision: 0, onEvent: (e) => revs.push(e.kv.modRevision) });
        const writes: Promise<{ modRevision: number }>[] = [];
        for (let i = 60; i < 120; i++) {
          writes.push(store.create(`/p/${i}`, enc(String(i))));
          writes.push(store.create(`/q/live/${i}`, enc(String(i))));
          if (i % 10 === 0) await new Promise((r) => setImmediate(r));
        }
        const done = await Promise.all(writes);
        expected.push(...done.filter((_, i) => i % 2 === 0).map((kv) => kv.modRevision));
        await waitFor(() => revs.length >= expected.length, `${expected.length} events`);
        await new Promise((r) => setTimeout(r, 20));
        w.cancel();
        assert.deepEqual(revs, expected.sort((a, b) => a - b));
      },
      { replayPageSize: 5 },
    );
  });

  test('a compaction that overtakes a replaying watch ends it with onClose(Compacted)', async () => {
    await withStore(
      async (store) => {
        for (let i = 0; i < 40; i++) await store.create(`/p/${i % 5}/${i}`, enc(String(i)));
        const revs: number[] = [];
        let closed: StorageError | undefined;
        store.watch('/p/', { afterRevision: 0, onEvent: (e) => revs.push(e.kv.modRevision), onClose: (e) => (closed = e) });
        await store.compact(30);
        await waitFor(() => closed !== undefined, 'onClose');
        assert.equal(closed?.code, StorageErrorCode.Compacted);
        assert.deepEqual(revs, revs.map((_, i) => i + 1), 'whatever came before was in order');
      },
      { replayPageSize: 5 },
    );
  });

  test('a throwing onEvent ends only its own watch; the write still succeeds', async () => {
    await withStore(async (store) => {
      let closed: StorageError | undefined;
      store.watch('/', {
        afterRevision: 0,
        onEvent: () => {
          throw new Error('consumer bug');
        },
        onClose: (e) => (closed = e),
      });
      const good: WatchEvent[] = [];
      store.watch('/', { afterRevision: 0, onEvent: (e) => good.push(e) });
      assert.equal((await store.create('/a', enc('1'))).modRevision, 1);
      await store.create('/b', enc('1'));
      assert.equal(closed?.code, StorageErrorCode.Unavailable);
      assert.equal((closed?.cause as Error).message, 'consumer bug');
      assert.equal(good.length, 2);
    });
  });

  test('compaction in small chunks leaves the same state as in one', async () => {
    const run = async (compactChunk: number): Promise<unknown> => {
      let result: unknown;
      await withStore(
        async (store) => {
          for (let i = 0; i < 200; i++) {
            const key = `/c/${i % 17}`;
            const cur = await store.get(key);
            if (!cur) await store.create(key, enc(String(i)));
            else if (i % 5 === 0) await store.delete(key, cur.modRevision);
            else await store.update(key, enc(String(i)), cur.modRevision);
          }
          await store.compact(150);
          const at150 = await store.list('/', { revision: 150 });
          const now = await store.list('/');
          const history: WatchEvent[] = [];
          const w = store.watch('/', { afterRevision: 150, onEvent: (e) => history.push(e) });
          await waitFor(() => history.length === 50, 'history');
          w.cancel();
          result = { at150, now, history };
        },
        { compactChunk },
      );
      return result;
    };
    assert.deepEqual(await run(7), await run(100_000));
  });
});
