// The storage contract, reads: list (prefixes, byte order, past revisions, paging) and count.
import assert from 'node:assert/strict';
import { StorageErrorCode } from '../src/storage/index.ts';
import { dec, enc, keysOf, rejectsWith, type StoreTest } from './storage-contract-helpers.ts';

export function readsContract(it: StoreTest): void {
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
}
