// The storage contract (src/storage/types.ts) as a reusable suite: every KeyValueStore (SQLite, the
// encryption wrapper, etcd later) runs it. `open` must return a fresh, empty store each time;
// `cleanup` closes it if still open and removes whatever it made.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { StorageError, StorageErrorCode, type KeyValue, type KeyValueStore, type Watch, type WatchEvent } from '../src/storage/index.ts';

export type OpenStore = () => Promise<{ store: KeyValueStore; cleanup(): Promise<void> }>;

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

async function rejectsWith(p: Promise<unknown>, code: StorageErrorCode, revision?: number): Promise<StorageError> {
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

function throwsWith(fn: () => unknown, code: StorageErrorCode): void {
  assert.throws(fn, (err) => err instanceof StorageError && err.code === code);
}

async function waitFor(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** A few event-loop turns, for "nothing more arrives" checks. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 5));
}

interface Collector {
  events: WatchEvent[];
  closes: (StorageError | undefined)[];
  watch: Watch;
  revisions(): number[];
}

function collect(store: KeyValueStore, prefix: string, afterRevision: number): Collector {
  const events: WatchEvent[] = [];
  const closes: (StorageError | undefined)[] = [];
  const watch = store.watch(prefix, { afterRevision, onEvent: (e) => events.push(e), onClose: (e) => closes.push(e) });
  return { events, closes, watch, revisions: () => events.map((e) => e.kv.modRevision) };
}

/** Compacted, either thrown by watch() or (for stores that learn it later) through onClose, with no event before it. */
async function watchIsCompacted(store: KeyValueStore, prefix: string, afterRevision: number, compacted: number): Promise<void> {
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

const keysOf = (items: KeyValue[]): string[] => items.map((i) => i.key);

export function storageContract(name: string, open: OpenStore): void {
  describe(`storage contract: ${name}`, () => {
    const it = (title: string, fn: (store: KeyValueStore) => Promise<void>): void => {
      test(title, async () => {
        const { store, cleanup } = await open();
        try {
          await fn(store);
        } finally {
          await cleanup();
        }
      });
    };

    it('a new store is empty at revision 0', async (store) => {
      assert.equal(await store.currentRevision(), 0);
      assert.equal(await store.compactedRevision(), 0);
      assert.equal(await store.get('/a/x'), undefined);
      assert.deepEqual(await store.list('/'), { items: [], revision: 0, more: false });
      assert.equal(await store.count(''), 0);
    });

    it('create stores the value at the next revision; creating it again fails with KeyExists', async (store) => {
      const kv = await store.create('/registry/secrets/default/test', enc('v1'));
      assert.equal(kv.key, '/registry/secrets/default/test');
      assert.equal(dec(kv.value), 'v1');
      assert.equal(kv.createRevision, 1);
      assert.equal(kv.modRevision, 1);
      assert.equal(await store.currentRevision(), 1);
      const got = await store.get('/registry/secrets/default/test');
      assert.ok(got);
      assert.deepEqual({ ...got, value: dec(got.value) }, { ...kv, value: 'v1' });
      await rejectsWith(store.create('/registry/secrets/default/test', enc('v2')), StorageErrorCode.KeyExists);
      assert.equal(dec((await store.get('/registry/secrets/default/test'))!.value), 'v1');
      assert.equal(await store.currentRevision(), 1, 'a failed create takes no revision');
      assert.equal(await store.get('/registry/secrets/default/tes'), undefined);
    });

    it('values are bytes: every byte value, empty, 1 MiB; a buffer reused after the call does not change what is stored', async (store) => {
      const all = Uint8Array.from({ length: 256 }, (_, i) => i);
      const big = new Uint8Array(1 << 20).map((_, i) => (i * 7) & 0xff);
      await store.create('/b/all', all);
      await store.create('/b/empty', new Uint8Array(0));
      await store.create('/b/big', big);
      assert.deepEqual(new Uint8Array((await store.get('/b/all'))!.value), all);
      assert.equal((await store.get('/b/empty'))!.value.length, 0);
      assert.deepEqual(new Uint8Array((await store.get('/b/big'))!.value), big);
      const reused = enc('before');
      const p = store.create('/b/reused', reused);
      reused.set(enc('AFTER!'));
      await p;
      assert.equal(dec((await store.get('/b/reused'))!.value), 'before');
      // Buffer is a Uint8Array too, and may be a slice of a larger pool.
      await store.update('/b/all', Buffer.from('buffer value'), (await store.get('/b/all'))!.modRevision);
      assert.equal(dec((await store.get('/b/all'))!.value), 'buffer value');
    });

    it('update: new modRevision, same createRevision; Conflict carries the current revision; NotFound for absent keys', async (store) => {
      const a = await store.create('/u/a', enc('1'));
      await store.create('/u/other', enc('x'));
      const b = await store.update('/u/a', enc('2'), a.modRevision);
      assert.equal(b.createRevision, a.createRevision);
      assert.equal(b.modRevision, 3);
      assert.equal(dec(b.value), '2');
      const e = await rejectsWith(store.update('/u/a', enc('3'), a.modRevision), StorageErrorCode.Conflict, b.modRevision);
      assert.ok(e.message.includes('/u/a'), e.message);
      assert.equal(dec((await store.get('/u/a'))!.value), '2');
      await rejectsWith(store.update('/u/missing', enc('x'), 1), StorageErrorCode.NotFound);
      await store.delete('/u/a');
      await rejectsWith(store.update('/u/a', enc('x'), b.modRevision), StorageErrorCode.NotFound);
      assert.equal(await store.currentRevision(), 4, 'failed updates take no revision');
    });

    it('conditional writes racing on one key: exactly one wins', async (store) => {
      const a = await store.create('/race/k', enc('0'));
      const updates = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => store.update('/race/k', enc(`u${i}`), a.modRevision)));
      assert.equal(updates.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of updates) if (r.status === 'rejected') assert.equal((r.reason as StorageError).code, StorageErrorCode.Conflict);
      const creates = await Promise.allSettled(Array.from({ length: 20 }, () => store.create('/race/new', enc('n'))));
      assert.equal(creates.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of creates) if (r.status === 'rejected') assert.equal((r.reason as StorageError).code, StorageErrorCode.KeyExists);
      const cur = (await store.get('/race/k'))!;
      const deletes = await Promise.allSettled([store.delete('/race/k', cur.modRevision), store.delete('/race/k', cur.modRevision)]);
      assert.equal(deletes.filter((r) => r.status === 'fulfilled').length, 1);
    });

    it('delete returns the value it had at the delete revision; delete-if-revision; NotFound; re-create starts over', async (store) => {
      const a = await store.create('/d/a', enc('va'));
      const a2 = await store.update('/d/a', enc('va2'), a.modRevision);
      await rejectsWith(store.delete('/d/a', a.modRevision), StorageErrorCode.Conflict, a2.modRevision);
      assert.ok(await store.get('/d/a'));
      const del = await store.delete('/d/a', a2.modRevision);
      assert.deepEqual({ ...del, value: dec(del.value) }, { key: '/d/a', value: 'va2', createRevision: a.createRevision, modRevision: 3 });
      assert.equal(await store.get('/d/a'), undefined);
      await rejectsWith(store.delete('/d/a'), StorageErrorCode.NotFound);
      await rejectsWith(store.delete('/d/never', 1), StorageErrorCode.NotFound);
      const b = await store.create('/d/b', enc('vb'));
      const bDel = await store.delete('/d/b');
      assert.equal(bDel.modRevision, b.modRevision + 1);
      const again = await store.create('/d/a', enc('new'));
      assert.equal(again.createRevision, again.modRevision);
      assert.ok(again.createRevision > a.createRevision);
      assert.equal(dec((await store.get('/d/a'))!.value), 'new');
    });

    it('revisions: one strictly increasing counter across keys, distinct under concurrent writes', async (store) => {
      const seq: number[] = [];
      for (const k of ['/r/b', '/r/a', '/s/c']) seq.push((await store.create(k, enc(k))).modRevision);
      seq.push((await store.update('/r/a', enc('2'), seq[1]!)).modRevision);
      seq.push((await store.delete('/r/b')).modRevision);
      assert.deepEqual(seq, [1, 2, 3, 4, 5]);
      const many = await Promise.all(Array.from({ length: 100 }, (_, i) => store.create(`/r/many/${i}`, enc(String(i)))));
      const revs = many.map((kv) => kv.modRevision);
      assert.equal(new Set(revs).size, 100);
      assert.ok(Math.min(...revs) > 5);
      assert.equal(Math.max(...revs), await store.currentRevision());
      assert.equal(await store.currentRevision(), 105);
    });

    it('list: sorted by key, prefixes are plain string prefixes (/a/b/ is not /a/bc/), no wildcards', async (store) => {
      for (const k of ['/a/bc/1', '/a/b/2', '/a/b', '/a/b/1', '/a/c/1', '/a/b/10', '/a/b/1/x', '/a0', '/p%/1', '/pX/1', '/p_/1', '/b/1']) {
        await store.create(k, enc(k));
      }
      const r = await store.list('/a/b/');
      assert.deepEqual(keysOf(r.items), ['/a/b/1', '/a/b/1/x', '/a/b/10', '/a/b/2']);
      assert.equal(r.revision, await store.currentRevision());
      assert.equal(r.more, false);
      for (const item of r.items) assert.equal(dec(item.value), item.key);
      // Without the trailing slash, the prefix is a string prefix: it matches /a/bc too.
      assert.deepEqual(keysOf((await store.list('/a/b')).items), ['/a/b', '/a/b/1', '/a/b/1/x', '/a/b/10', '/a/b/2', '/a/bc/1']);
      assert.deepEqual(keysOf((await store.list('/a/')).items), ['/a/b', '/a/b/1', '/a/b/1/x', '/a/b/10', '/a/b/2', '/a/bc/1', '/a/c/1']);
      assert.deepEqual(keysOf((await store.list('/p%/')).items), ['/p%/1']);
      assert.deepEqual(keysOf((await store.list('/p_/')).items), ['/p_/1']);
      assert.deepEqual(keysOf((await store.list('/z/')).items), []);
      assert.equal((await store.list('')).items.length, 12);
      assert.equal((await store.list('/')).items.length, 12);
      await store.delete('/a/b/1');
      assert.deepEqual(keysOf((await store.list('/a/b/')).items), ['/a/b/1/x', '/a/b/10', '/a/b/2']);
    });

    it('list: non-ASCII keys sort by their UTF-8 bytes and match multi-byte prefixes exactly', async (store) => {
      // U+E000 is EE 80 80 in UTF-8, U+1F600 is F0 9F 98 80: bytes put U+E000 first (UTF-16 would not).
      // ¿ (C2 BF) ends in the largest continuation byte; À (C3 80) is the next character.
      for (const k of ['/m/\u{1F600}', '/m/\uE000', '/m/é/1', '/m/éa', '/m/ê', '/m/¿x', '/m/À', '/m/e']) await store.create(k, enc(k));
      assert.deepEqual(keysOf((await store.list('/m/')).items), ['/m/e', '/m/¿x', '/m/À', '/m/é/1', '/m/éa', '/m/ê', '/m/\uE000', '/m/\u{1F600}']);
      assert.deepEqual(keysOf((await store.list('/m/é')).items), ['/m/é/1', '/m/éa']);
      assert.deepEqual(keysOf((await store.list('/m/¿')).items), ['/m/¿x']);
      assert.deepEqual(keysOf((await store.list('/m/\uE000')).items), ['/m/\uE000']);
      assert.equal(await store.count('/m/é'), 2);
      assert.deepEqual(keysOf((await store.list('/m/', { startAfter: '/m/\uE000' })).items), ['/m/\u{1F600}']);
    });

    it('list at a past revision; FutureRevision above the current one', async (store) => {
      const a = await store.create('/h/a', enc('a1'));
      const b = await store.create('/h/b', enc('b1'));
      const r2 = b.modRevision;
      await store.update('/h/a', enc('a2'), a.modRevision);
      await store.delete('/h/b');
      await store.create('/h/c', enc('c1'));
      await store.create('/h/b', enc('b2'));
      const at = (r: number) => store.list('/h/', { revision: r }).then((l) => l.items.map((i) => `${i.key}=${dec(i.value)}@${i.createRevision}/${i.modRevision}`));
      assert.deepEqual(await at(1), ['/h/a=a1@1/1']);
      assert.deepEqual(await at(r2), ['/h/a=a1@1/1', '/h/b=b1@2/2']);
      assert.deepEqual(await at(3), ['/h/a=a2@1/3', '/h/b=b1@2/2']);
      assert.deepEqual(await at(4), ['/h/a=a2@1/3']);
      assert.deepEqual(await at(6), ['/h/a=a2@1/3', '/h/b=b2@6/6', '/h/c=c1@5/5']);
      assert.equal((await store.list('/h/', { revision: 4 })).revision, 4);
      assert.equal((await store.list('/h/', { revision: 0 })).revision, 6);
      assert.deepEqual(await store.list('/h/', { revision: 1, limit: 1 }).then((l) => [keysOf(l.items), l.more]), [['/h/a'], false]);
      await rejectsWith(store.list('/h/', { revision: 7 }), StorageErrorCode.FutureRevision, 6);
    });

    it('list paging: limit, startAfter and more walk every key once, consistent at a fixed revision', async (store) => {
      const keys = Array.from({ length: 25 }, (_, i) => `/pg/${String(i).padStart(2, '0')}`);
      for (const k of [...keys].reverse()) await store.create(k, enc(k));
      await store.create('/pg0', enc('outside'));
      const first = await store.list('/pg/', { limit: 10 });
      assert.equal(first.items.length, 10);
      assert.equal(first.more, true);
      // Writes between pages do not show up when paging at the first page's revision.
      await store.create('/pg/99', enc('late'));
      await store.delete('/pg/20');
      const seen = keysOf(first.items);
      let last = first;
      while (last.more) {
        last = await store.list('/pg/', { limit: 10, startAfter: last.items.at(-1)!.key, revision: first.revision });
        assert.equal(last.revision, first.revision);
        seen.push(...keysOf(last.items));
      }
      assert.deepEqual(seen, keys);
      assert.equal(last.items.length, 5);
      const exact = await store.list('/pg/', { limit: 26 });
      assert.equal(exact.items.length, 25, '24 old keys and /pg/99');
      assert.equal(exact.more, false);
      const exactly = await store.list('/pg/', { limit: 25 });
      assert.equal(exactly.more, false, 'more is false when the page ends exactly at the last key');
      const short = await store.list('/pg/', { limit: 24 });
      assert.equal(short.more, true);
      // startAfter before the prefix starts at the prefix; after every key gives nothing.
      assert.deepEqual(keysOf((await store.list('/pg/', { startAfter: '/a', limit: 2 })).items), ['/pg/00', '/pg/01']);
      assert.deepEqual(await store.list('/pg/', { startAfter: '/pg/99' }).then((l) => [l.items.length, l.more]), [0, false]);
      assert.deepEqual(keysOf((await store.list('/pg/', { startAfter: '/pg/19', limit: 2 })).items), ['/pg/21', '/pg/22']);
    });

    it('count: live keys under a prefix', async (store) => {
      for (let i = 0; i < 12; i++) await store.create(`/c/a/${i}`, enc('x'));
      await store.create('/c/ab/1', enc('x'));
      await store.create('/c/b/1', enc('x'));
      assert.equal(await store.count('/c/a/'), 12);
      assert.equal(await store.count('/c/a'), 13);
      assert.equal(await store.count('/c/'), 14);
      assert.equal(await store.count(''), 14);
      assert.equal(await store.count('/nothing/'), 0);
      await store.delete('/c/a/3');
      const kv = (await store.get('/c/a/4'))!;
      await store.update('/c/a/4', enc('y'), kv.modRevision);
      assert.equal(await store.count('/c/a/'), 11);
    });

    it('watch from a past revision replays history then goes live, with no gap and no duplicate under concurrent writes', async (store) => {
      type Op = { rev: number; type: 'put' | 'delete'; key: string; value: string; prevRev?: number };
      const ops: Op[] = [];
      for (let i = 0; i < 30; i++) {
        const kv = await store.create(`/w/pre/${i}`, enc(`pre${i}`));
        ops.push({ rev: kv.modRevision, type: 'put', key: kv.key, value: `pre${i}` });
      }
      const from = ops[9]!.rev;
      let started = false;
      const worker = async (n: number): Promise<void> => {
        for (let i = 0; i < 25; i++) {
          const key = `/w/live/${n}/${i}`;
          const c = await store.create(key, enc(`c${n}.${i}`));
          ops.push({ rev: c.modRevision, type: 'put', key, value: `c${n}.${i}` });
          const u = await store.update(key, enc(`u${n}.${i}`), c.modRevision);
          ops.push({ rev: u.modRevision, type: 'put', key, value: `u${n}.${i}`, prevRev: c.modRevision });
          await store.create(`/other/${n}/${i}`, enc('noise'));
          if (i % 3 === 0) {
            const d = await store.delete(key);
            ops.push({ rev: d.modRevision, type: 'delete', key, value: `u${n}.${i}`, prevRev: u.modRevision });
          }
          if (n === 0 && i === 5) started = true;
        }
      };
      const writers = Promise.all(Array.from({ length: 8 }, (_, n) => worker(n)));
      await waitFor(() => started, 'writers to get going');
      const c = collect(store, '/w/', from);
      await writers;
      const expected = ops.filter((o) => o.rev > from).sort((x, y) => x.rev - y.rev);
      await waitFor(() => c.events.length >= expected.length, `${expected.length} events (got ${c.events.length})`);
      await settle();
      c.watch.cancel();
      assert.deepEqual(c.closes, []);
      const got = c.events.map((e) => ({
        rev: e.kv.modRevision,
        type: e.type,
        key: e.kv.key,
        value: dec(e.kv.value),
        ...(e.prevKv && e.type === 'delete' ? { prevRev: e.prevKv.modRevision } : {}),
        ...(e.prevKv && e.type === 'put' ? { prevRev: e.prevKv.modRevision } : {}),
      }));
      assert.deepEqual(got, expected);
    });

    it('watch from the current revision delivers only new events; from 0 replays everything; from a future revision waits for it', async (store) => {
      await store.create('/n/a', enc('1'));
      await store.create('/n/b', enc('2'));
      const now = collect(store, '/n/', await store.currentRevision());
      const all = collect(store, '/n/', 0);
      const future = collect(store, '/n/', 4);
      await settle();
      assert.deepEqual(now.revisions(), []);
      await store.create('/n/c', enc('3'));
      await store.create('/n/d', enc('4'));
      await store.create('/n/e', enc('5'));
      await waitFor(() => now.events.length === 3 && all.events.length === 5 && future.events.length === 1, 'events');
      await settle();
      assert.deepEqual(now.revisions(), [3, 4, 5]);
      assert.deepEqual(all.revisions(), [1, 2, 3, 4, 5]);
      assert.deepEqual(future.revisions(), [5]);
      for (const c of [now, all, future]) c.watch.cancel();
    });

    it('watch filters by prefix, live and replayed', async (store) => {
      await store.create('/f/a/1', enc('x'));
      await store.create('/f/ab/1', enc('x'));
      const live = collect(store, '/f/a/', 0);
      const wide = collect(store, '/f/a', 0);
      await store.create('/f/ab/2', enc('x'));
      await store.create('/f/a/2', enc('x'));
      await store.create('/g/a/3', enc('x'));
      await waitFor(() => live.events.length === 2 && wide.events.length === 4, 'events');
      await settle();
      assert.deepEqual(live.events.map((e) => e.kv.key), ['/f/a/1', '/f/a/2']);
      assert.deepEqual(wide.events.map((e) => e.kv.key), ['/f/a/1', '/f/ab/1', '/f/ab/2', '/f/a/2']);
      live.watch.cancel();
      wide.watch.cancel();
    });

    it('watch events: creates have no prevKv, updates and deletes carry it, live and replayed', async (store) => {
      const live = collect(store, '/e/', 0);
      const a = await store.create('/e/a', enc('one'));
      const a2 = await store.update('/e/a', enc('two'), a.modRevision);
      const del = await store.delete('/e/a');
      const again = await store.create('/e/a', enc('three'));
      await waitFor(() => live.events.length === 4, 'live events');
      const replayed = collect(store, '/e/', 0);
      await waitFor(() => replayed.events.length === 4, 'replayed events');
      const show = (e: WatchEvent) => ({
        type: e.type,
        kv: { ...e.kv, value: dec(e.kv.value) },
        prevKv: e.prevKv && { ...e.prevKv, value: dec(e.prevKv.value) },
      });
      const expected = [
        { type: 'put', kv: { key: '/e/a', value: 'one', createRevision: 1, modRevision: 1 }, prevKv: undefined },
        { type: 'put', kv: { key: '/e/a', value: 'two', createRevision: 1, modRevision: 2 }, prevKv: { key: '/e/a', value: 'one', createRevision: 1, modRevision: 1 } },
        { type: 'delete', kv: { key: '/e/a', value: 'two', createRevision: 1, modRevision: 3 }, prevKv: { key: '/e/a', value: 'two', createRevision: 1, modRevision: 2 } },
        { type: 'put', kv: { key: '/e/a', value: 'three', createRevision: 4, modRevision: 4 }, prevKv: undefined },
      ];
      assert.deepEqual(live.events.map(show), expected);
      assert.deepEqual(replayed.events.map(show), expected);
      assert.equal(a2.modRevision, 2);
      assert.equal(del.modRevision, 3);
      assert.equal(again.modRevision, 4);
      live.watch.cancel();
      replayed.watch.cancel();
    });

    it('cancel stops events, also from inside onEvent and during replay', async (store) => {
      const c = collect(store, '/x/', 0);
      await store.create('/x/1', enc('1'));
      await waitFor(() => c.events.length === 1, 'first event');
      c.watch.cancel();
      await store.create('/x/2', enc('2'));
      await settle();
      assert.equal(c.events.length, 1);
      assert.deepEqual(c.closes, [], 'cancel does not call onClose');

      const seen: number[] = [];
      const w: Watch = store.watch('/x/', {
        afterRevision: 0,
        onEvent: (e) => {
          seen.push(e.kv.modRevision);
          w.cancel();
        },
      });
      await store.create('/x/3', enc('3'));
      await settle();
      assert.deepEqual(seen, [1]);

      const immediate = collect(store, '/x/', 0);
      immediate.watch.cancel();
      await store.create('/x/4', enc('4'));
      await settle();
      assert.deepEqual(immediate.events, []);
    });

    it('compact: Compacted below it for list and watch; current values and newer history stay', async (store) => {
      const a = await store.create('/k/a', enc('a1'));
      const b = await store.create('/k/b', enc('b1'));
      const a2 = await store.update('/k/a', enc('a2'), a.modRevision);
      await store.delete('/k/b');
      await store.create('/k/c', enc('c1'));
      const c2 = await store.update('/k/c', enc('c2'), 5);
      await store.compact(4);
      assert.equal(await store.compactedRevision(), 4);
      await rejectsWith(store.list('/k/', { revision: 3 }), StorageErrorCode.Compacted, 4);
      await rejectsWith(store.list('/k/', { revision: 1 }), StorageErrorCode.Compacted, 4);
      await watchIsCompacted(store, '/k/', 3, 4);
      await watchIsCompacted(store, '/k/', 0, 4);
      assert.deepEqual(keysOf((await store.list('/k/', { revision: 4 })).items), ['/k/a']);
      assert.deepEqual(keysOf((await store.list('/k/', { revision: 5 })).items), ['/k/a', '/k/c']);
      const now = await store.list('/k/');
      assert.deepEqual(now.items.map((i) => [i.key, dec(i.value), i.createRevision, i.modRevision]), [
        ['/k/a', 'a2', a.createRevision, a2.modRevision],
        ['/k/c', 'c2', 5, c2.modRevision],
      ]);
      assert.equal(await store.get('/k/b'), undefined);
      assert.equal(b.modRevision, 2);
      assert.equal(await store.count('/k/'), 2);
      // History above the compacted revision replays whole, prevKv included.
      const w = collect(store, '/k/', 4);
      await waitFor(() => w.events.length === 2, 'replay after compaction');
      assert.deepEqual(w.events.map((e) => [e.type, e.kv.modRevision, e.prevKv?.modRevision]), [['put', 5, undefined], ['put', 6, 5]]);
      w.watch.cancel();
      // Updating and deleting keys whose older rows were compacted still works, with prevKv.
      await store.update('/k/a', enc('a3'), a2.modRevision);
      const w2 = collect(store, '/k/', 6);
      await store.delete('/k/a');
      await waitFor(() => w2.events.length === 2, 'events after compaction');
      assert.deepEqual(w2.events.map((e) => [e.type, dec(e.kv.value), e.prevKv?.modRevision]), [['put', 'a3', 3], ['delete', 'a3', 7]]);
      w2.watch.cancel();
      // Compacting again at or below the compacted revision changes nothing; above the current one is refused.
      await store.compact(2);
      await store.compact(4);
      assert.equal(await store.compactedRevision(), 4);
      const cur = await store.currentRevision();
      await rejectsWith(store.compact(cur + 1), StorageErrorCode.FutureRevision, cur);
      await store.compact(cur);
      assert.equal(await store.compactedRevision(), cur);
      assert.deepEqual(keysOf((await store.list('/k/')).items), ['/k/c']);
      await store.create('/k/b', enc('b2'));
      assert.equal(await store.currentRevision(), cur + 1);
      assert.equal(dec((await store.get('/k/b'))!.value), 'b2');
    });

    it('close: watches end with onClose(Closed) once; every call fails with Closed afterwards', async (store) => {
      await store.create('/z/a', enc('1'));
      const w1 = collect(store, '/z/', 0);
      const w2 = collect(store, '/', 1);
      const cancelled = collect(store, '/z/', 1);
      cancelled.watch.cancel();
      await waitFor(() => w1.events.length === 1, 'replay');
      const inflight = store.create('/z/inflight', enc('x'));
      await store.close();
      await assert.doesNotReject(inflight.then(() => undefined, (e: unknown) => assert.equal((e as StorageError).code, StorageErrorCode.Closed)));
      await settle();
      for (const w of [w1, w2]) {
        assert.equal(w.closes.length, 1);
        assert.ok(w.closes[0] instanceof StorageError);
        assert.equal(w.closes[0].code, StorageErrorCode.Closed);
      }
      assert.deepEqual(cancelled.closes, []);
      await rejectsWith(store.get('/z/a'), StorageErrorCode.Closed);
      await rejectsWith(store.list('/z/'), StorageErrorCode.Closed);
      await rejectsWith(store.count('/z/'), StorageErrorCode.Closed);
      await rejectsWith(store.create('/z/b', enc('x')), StorageErrorCode.Closed);
      await rejectsWith(store.update('/z/a', enc('x'), 1), StorageErrorCode.Closed);
      await rejectsWith(store.delete('/z/a'), StorageErrorCode.Closed);
      await rejectsWith(store.currentRevision(), StorageErrorCode.Closed);
      await rejectsWith(store.compactedRevision(), StorageErrorCode.Closed);
      await rejectsWith(store.compact(1), StorageErrorCode.Closed);
      throwsWith(() => store.watch('/z/', { afterRevision: 0, onEvent: () => {} }), StorageErrorCode.Closed);
      await store.close();
    });
  });
}
