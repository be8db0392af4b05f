// The storage contract, writes: create, update and delete with their revisions and conditions,
// values as bytes, and racing conditional writes.
import assert from 'node:assert/strict';
import { StorageErrorCode, type StorageError } from '../src/storage/index.ts';
import { dec, enc, rejectsWith, type StoreTest } from './storage-contract-helpers.ts';

export function writesContract(it: StoreTest): void {
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
}
