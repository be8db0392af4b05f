// The SQLite store and the encryption wrapper: the storage contract against both, then what only
// they promise: acknowledged writes survive kill -9, revisions survive reopening, one process per
// file, file modes, and what encryption leaves on disk.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createDecipheriv } from 'node:crypto';
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { encryptValues, loadOrCreateKey, openSqliteStore, StorageError, StorageErrorCode, type KeyValueStore, type SqliteStoreOptions, type WatchEvent } from '../src/storage/index.ts';
import { makeTempDir, removeTempDir } from './fixtures/cleanup.ts';
import { storageContract } from './storage-contract.ts';

const NODE = resolve(import.meta.dirname, '..', 'node_modules', '.bin', 'node');
const STORAGE = pathToFileURL(resolve(import.meta.dirname, '..', 'src', 'storage', 'index.ts')).href;
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);
const KEY = Buffer.alloc(32, 7);

async function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = makeTempDir('storage');
  try {
    return await fn(dir);
  } finally {
    removeTempDir(dir);
  }
}

async function withStore(fn: (store: KeyValueStore, path: string) => Promise<void>, options?: SqliteStoreOptions): Promise<void> {
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

async function waitFor(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

function isCode(code: StorageErrorCode) {
  return (err: unknown): boolean => err instanceof StorageError && err.code === code;
}

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

// Writes keys from 32 concurrent callers and prints each one once its create resolved; the update
// loop prints the revision and counter of each acknowledged update of one key.
const CRASH_CHILD = `
const { openSqliteStore } = await import(process.env.STORAGE_URL);
const store = await openSqliteStore(process.env.DB_PATH, { synchronous: process.env.SYNC });
let next = 0;
const creates = async () => {
  for (;;) {
    const i = next++;
    const key = '/registry/secrets/default/k' + i;
    await store.create(key, new TextEncoder().encode('value-' + i));
    process.stdout.write('c ' + key + '\\n');
  }
};
const updates = async () => {
  let kv = await store.create('/registry/counter', new TextEncoder().encode('0'));
  for (let n = 1; ; n++) {
    kv = await store.update('/registry/counter', new TextEncoder().encode(String(n)), kv.modRevision);
    process.stdout.write('u ' + kv.modRevision + ' ' + n + '\\n');
  }
};
for (let w = 0; w < 32; w++) creates();
updates();
`;

describe('sqlite store', () => {
  for (const sync of ['full', 'normal'] as const) {
    test(`every acknowledged write survives kill -9 (synchronous ${sync})`, async () => {
      await withDir(async (dir) => {
        const path = join(dir, 'db.sqlite');
        const child = spawn(NODE, ['--input-type=module', '-e', CRASH_CHILD], {
          env: { ...process.env, STORAGE_URL: STORAGE, DB_PATH: path, SYNC: sync },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        const exited = new Promise<string>((done) => child.once('exit', (code, signal) => done(signal ?? `code ${code}`)));
        let out = '';
        let err = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
        child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
        let lines: string[] = [];
        try {
          await waitFor(() => (out.match(/\n/g)?.length ?? 0) >= 3000 || child.exitCode !== null, 'the child to acknowledge 3000 writes', 60_000);
          child.kill('SIGKILL');
          assert.equal(await exited, 'SIGKILL', `the child ended on its own: ${err}`);
          // Only whole lines: a write is acknowledged once its line is out.
          lines = out.slice(0, out.lastIndexOf('\n')).split('\n');
        } finally {
          child.kill('SIGKILL');
        }
        const created = lines.filter((l) => l.startsWith('c ')).map((l) => l.slice(2));
        const updated = lines.filter((l) => l.startsWith('u ')).map((l) => l.slice(2).split(' ').map(Number));
        assert.ok(created.length >= 1000, `${created.length} creates acknowledged`);
        assert.ok(updated.length >= 10, `${updated.length} updates acknowledged`);
        const store = await openSqliteStore(path);
        try {
          const missing: string[] = [];
          for (const key of created) {
            const kv = await store.get(key);
            if (kv === undefined || dec(kv.value) !== `value-${key.slice(key.lastIndexOf('/k') + 2)}`) missing.push(key);
          }
          assert.deepEqual(missing.slice(0, 10), [], `${missing.length} of ${created.length} acknowledged creates lost`);
          const [lastRev, lastN] = updated.at(-1) as [number, number];
          const counter = await store.get('/registry/counter');
          assert.ok(counter && counter.modRevision >= lastRev, `counter at ${counter?.modRevision}, acknowledged ${lastRev}`);
          assert.ok(Number(dec(counter.value)) >= lastN);
          assert.ok((await store.currentRevision()) >= created.length + updated.length);
          // And the store goes on from there.
          const kv = await store.create('/after/crash', enc('x'));
          assert.equal(kv.modRevision, (await store.currentRevision()));
        } finally {
          await store.close();
        }
      });
    });
  }

  test('reopening keeps revisions and the compacted revision, even when compaction removed every row', async () => {
    await withDir(async (dir) => {
      const path = join(dir, 'db.sqlite');
      let store = await openSqliteStore(path);
      await store.create('/a', enc('1'));
      await store.delete('/a');
      await store.compact(2);
      await store.close();
      store = await openSqliteStore(path);
      assert.equal(await store.currentRevision(), 2);
      assert.equal(await store.compactedRevision(), 2);
      assert.equal((await store.create('/a', enc('2'))).modRevision, 3);
      await store.create('/b', enc('1'));
      await store.close();
      store = await openSqliteStore(path);
      assert.equal(await store.currentRevision(), 4);
      await assert.rejects(store.list('/', { revision: 1 }), isCode(StorageErrorCode.Compacted));
      assert.deepEqual((await store.list('/')).items.map((i) => [i.key, i.createRevision, i.modRevision]), [['/a', 3, 3], ['/b', 4, 4]]);
      assert.equal((await store.update('/b', enc('2'), 4)).modRevision, 5);
      await store.close();
    });
  });

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

describe('encryption at rest', () => {
  const secretText = 'hunter2-PLAINTEXT-MARKER';
  const publicText = 'PUBLIC-CONFIG-MARKER';

  function fileBytes(path: string): Buffer {
    return Buffer.concat(['', '-wal', '-journal'].filter((s) => existsSync(path + s)).map((s) => readFileSync(path + s)));
  }

  test('values under the prefixes are stored in the Kubernetes aesgcm format; the disk never holds their plaintext', async () => {
    await withDir(async (dir) => {
      const path = join(dir, 'db.sqlite');
      const raw = await openSqliteStore(path);
      const store = encryptValues(raw, { key: KEY, keyName: 'key1', prefixes: ['/registry/secrets/'] });
      const s = await store.create('/registry/secrets/default/test', enc(secretText));
      await store.update('/registry/secrets/default/test', enc(`${secretText}-v2`), s.modRevision);
      await store.create('/registry/configmaps/default/test', enc(publicText));
      assert.equal(dec((await store.get('/registry/secrets/default/test'))!.value), `${secretText}-v2`);

      const stored = Buffer.from((await raw.get('/registry/secrets/default/test'))!.value);
      const header = Buffer.from('k8s:enc:aesgcm:v1:key1:');
      assert.ok(stored.subarray(0, header.length).equals(header));
      const plain = Buffer.from(`${secretText}-v2`);
      assert.equal(stored.length, header.length + 12 + plain.length + 16);
      // What Kubernetes' aesgcm transformer does: the storage key is the authenticated data.
      const d = createDecipheriv('aes-256-gcm', KEY, stored.subarray(header.length, header.length + 12));
      d.setAAD(Buffer.from('/registry/secrets/default/test'));
      d.setAuthTag(stored.subarray(stored.length - 16));
      assert.equal(Buffer.concat([d.update(stored.subarray(header.length + 12, stored.length - 16)), d.final()]).toString(), `${secretText}-v2`);
      assert.equal(dec((await raw.get('/registry/configmaps/default/test'))!.value), publicText);

      // Open (WAL in use) and closed (checkpointed into the main file).
      for (const when of ['open', 'closed']) {
        if (when === 'closed') await store.close();
        const bytes = fileBytes(path);
        assert.ok(bytes.includes(publicText), `sanity: the unencrypted value is visible on disk (${when})`);
        assert.ok(!bytes.includes(secretText), `the secret's plaintext is on disk (${when})`);
      }
    });
  });

  test('values written before encryption was enabled read as plaintext; writes encrypt them', async () => {
    await withStore(async (raw) => {
      const old = await raw.create('/registry/secrets/ns/old', enc('legacy'));
      const store = encryptValues(raw, { key: KEY, keyName: 'k', prefixes: ['/registry/secrets/'] });
      assert.equal(dec((await store.get('/registry/secrets/ns/old'))!.value), 'legacy');
      assert.deepEqual((await store.list('/registry/')).items.map((i) => dec(i.value)), ['legacy']);
      await store.update('/registry/secrets/ns/old', enc('rewritten'), old.modRevision);
      assert.ok(dec((await raw.get('/registry/secrets/ns/old'))!.value).startsWith('k8s:enc:aesgcm:v1:k:'));
      assert.equal(dec((await store.get('/registry/secrets/ns/old'))!.value), 'rewritten');
      // A key outside the prefixes stays plaintext, but an encrypted value is decrypted wherever it is.
      const narrower = encryptValues(raw, { key: KEY, keyName: 'k', prefixes: ['/registry/other/'] });
      assert.equal(dec((await narrower.get('/registry/secrets/ns/old'))!.value), 'rewritten');
    });
  });

  test('altered ciphertext, ciphertext moved to another key, another key: Corrupt naming the key, never the plaintext', async () => {
    await withStore(async (raw) => {
      const store = encryptValues(raw, { key: KEY, keyName: 'k', prefixes: ['/s/'] });
      await store.create('/s/a', enc(secretText));
      await store.create('/s/b', enc('other'));
      const from = await store.currentRevision();
      const events: WatchEvent[] = [];
      let closed: StorageError | undefined;
      store.watch('/s/', { afterRevision: from, onEvent: (e) => events.push(e), onClose: (e) => (closed = e) });

      const stored = (await raw.get('/s/a'))!;
      const tampered = Buffer.from(stored.value);
      tampered[tampered.length - 20]! ^= 1;
      await raw.update('/s/a', tampered, stored.modRevision);
      const check = (err: unknown): boolean => {
        assert.ok(isCode(StorageErrorCode.Corrupt)(err), String(err));
        assert.ok((err as Error).message.includes('/s/a'), (err as Error).message);
        assert.ok(!(err as Error).message.includes(secretText));
        return true;
      };
      await assert.rejects(store.get('/s/a'), check);
      await assert.rejects(store.list('/s/'), check);
      await waitFor(() => closed !== undefined, 'the watch to end');
      check(closed);
      assert.deepEqual(events, []);

      // A valid ciphertext of /s/b stored under /s/a does not authenticate (the key is bound in).
      const b = (await raw.get('/s/b'))!;
      await raw.update('/s/a', b.value, (await raw.get('/s/a'))!.modRevision);
      await assert.rejects(store.get('/s/a'), check);
      assert.equal(dec((await store.get('/s/b'))!.value), 'other');

      // The same name with other key bytes, and another name.
      await assert.rejects(encryptValues(raw, { key: Buffer.alloc(32, 9), keyName: 'k', prefixes: ['/s/'] }).get('/s/b'), isCode(StorageErrorCode.Corrupt));
      await assert.rejects(encryptValues(raw, { key: KEY, keyName: 'k2', prefixes: ['/s/'] }).get('/s/b'), (err: unknown) => isCode(StorageErrorCode.Corrupt)(err) && (err as Error).message.includes('"k"'));
      // Deleting a corrupt value still works through the raw store; through the wrapper, the result cannot be shown.
      await assert.rejects(store.delete('/s/a'), check);
      assert.equal(await raw.get('/s/a'), undefined);
    });
  });

  test('encryptValues refuses a key that is not 32 bytes and key names that would break the header', async () => {
    await withStore(async (raw) => {
      assert.throws(() => encryptValues(raw, { key: Buffer.alloc(16), keyName: 'k', prefixes: ['/'] }), /32 bytes/);
      assert.throws(() => encryptValues(raw, { key: KEY, keyName: 'a:b', prefixes: ['/'] }), /key name/);
    });
  });

  test('loadOrCreateKey creates a random 32-byte key with mode 0600 once, then reads it', async () => {
    await withDir(async (dir) => {
      const path = join(dir, 'keys', 'storage.key');
      const oldMask = process.umask(0);
      let key: Buffer;
      try {
        key = loadOrCreateKey(path);
      } finally {
        process.umask(oldMask);
      }
      assert.equal(key.length, 32);
      assert.equal(statSync(path).mode & 0o777, 0o600);
      assert.deepEqual(loadOrCreateKey(path), key);
      assert.notDeepEqual(loadOrCreateKey(join(dir, 'other.key')), key);
      assert.deepEqual(readdirSync(join(dir, 'keys')), ['storage.key'], 'no temporary file left');
    });
  });

  test('loadOrCreateKey refuses a key file others can read, of the wrong size, or a symlink, naming the file and the fix', async () => {
    await withDir(async (dir) => {
      const path = join(dir, 'storage.key');
      loadOrCreateKey(path);
      chmodSync(path, 0o644);
      assert.throws(() => loadOrCreateKey(path), (err: Error) => err.message.includes(path) && err.message.includes(`chmod 600 ${path}`) && err.message.includes('0644'));
      chmodSync(path, 0o600);
      writeFileSync(path, Buffer.alloc(16));
      assert.throws(() => loadOrCreateKey(path), (err: Error) => err.message.includes(path) && err.message.includes('16 bytes'));
      const link = join(dir, 'link.key');
      symlinkSync(path, link);
      assert.throws(() => loadOrCreateKey(link), (err: Error) => err.message.includes(link) && err.message.includes('symbolic link'));
    });
  });
});
