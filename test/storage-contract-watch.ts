// The storage contract, watch: replay then live with no gap or duplicate, start revisions, prefix
// filtering, prevKv, and cancel.
import assert from 'node:assert/strict';
import type { Watch, WatchEvent } from '../src/storage/index.ts';
import { collect, dec, enc, settle, waitFor, type StoreTest } from './storage-contract-helpers.ts';

export function watchContract(it: StoreTest): void {
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
}
