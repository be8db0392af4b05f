// The storage contract, compaction and close: what compact keeps and refuses, and how close ends
// watches and every later call.
import assert from 'node:assert/strict';
import { StorageError, StorageErrorCode } from '../src/storage/index.ts';
import { collect, dec, enc, keysOf, rejectsWith, settle, throwsWith, waitFor, watchIsCompacted, type StoreTest } from './storage-contract-helpers.ts';

export function lifecycleContract(it: StoreTest): void {
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
}
