// The SQLite store's durability: acknowledged writes survive kill -9, and revisions and the
// compacted revision survive reopening.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { openSqliteStore, StorageErrorCode } from '../src/storage/index.ts';
import { dec, enc, isCode, waitFor, withDir } from './storage-sqlite-helpers.ts';

const NODE = resolve(import.meta.dirname, '..', 'node_modules', '.bin', 'node');
const STORAGE = pathToFileURL(resolve(import.meta.dirname, '..', 'src', 'storage', 'index.ts')).href;

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

});
