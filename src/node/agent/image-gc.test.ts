import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ContentStore, SnapshotStore } from '../../image/index.ts';
import { collectImages } from './image-gc.ts';

const dir = mkdtempSync(join(tmpdir(), 'ferry-imagegc-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A tagged one-layer image whose record says `size` bytes, used now. */
async function image(store: ContentStore, ref: string, size: number): Promise<string> {
  const layer = await store.writeBlob(Buffer.from(`layer of ${ref}`), { mediaType: 'application/vnd.oci.image.layer.v1.tar' });
  const config = await store.writeBlob(Buffer.from(JSON.stringify({ rootfs: { type: 'layers', diff_ids: [layer.digest] } })), { mediaType: 'application/vnd.oci.image.config.v1+json' });
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config, layers: [layer] }));
  const desc = await store.writeBlob(manifest, { mediaType: 'application/vnd.oci.image.manifest.v1+json' });
  await store.tag(ref, desc);
  await store.recordPull(desc.digest, { ref, size, layers: [layer.digest], credentialFingerprint: 'anonymous' });
  await sleep(15); // distinct last-used times, oldest first
  return desc.digest;
}

async function setUp(name: string) {
  const store = await ContentStore.open(join(dir, name, 'content'));
  const snapshots = await SnapshotStore.open(join(dir, name, 'snapshots'));
  const digests: Record<string, string> = {};
  for (const ref of ['reg.example/a:1', 'reg.example/b:1', 'reg.example/c:1', 'reg.example/d:1']) digests[ref] = await image(store, ref, 10);
  return { store, snapshots, digests };
}

const refs = async (store: ContentStore) => (await store.list()).map((e) => e.ref).sort();

test('below the high threshold nothing goes', async () => {
  const { store, snapshots } = await setUp('quiet');
  const r = await collectImages({ store, snapshots, dataDir: dir, inUse: new Set(), pinned: new Set(), policy: { minAgeMs: 0 }, usage: async () => ({ used: 84, total: 100 }) });
  assert.deepEqual(r.removed, []);
  assert.equal((await refs(store)).length, 4);
});

test('above it: least recently used first, down to the low threshold, sparing images in use and pinned ones', async () => {
  const { store, snapshots, digests } = await setUp('full');
  const r = await collectImages({
    store, snapshots, dataDir: dir,
    inUse: new Set([digests['reg.example/a:1'] as string]),
    pinned: new Set([digests['reg.example/b:1'] as string]),
    policy: { minAgeMs: 0 },
    // 90 of 100 used: 10 to free to reach 80, so one unprotected image of 10 goes (the oldest).
    usage: async () => ({ used: 90, total: 100 }),
  });
  assert.deepEqual(r.removed, ['reg.example/c:1']);
  assert.deepEqual(await refs(store), ['reg.example/a:1', 'reg.example/b:1', 'reg.example/d:1']);
  assert.equal(await store.has(digests['reg.example/c:1'] as string), false, 'its blobs went too');
});

test('images younger than the minimum age stay; the maximum age removes unused images whatever the disk says', async () => {
  const { store, snapshots, digests } = await setUp('ages');
  const young = await collectImages({ store, snapshots, dataDir: dir, inUse: new Set(), pinned: new Set(), usage: async () => ({ used: 99, total: 100 }) });
  assert.deepEqual(young.removed, [], 'the default minimum age (2 min) protects fresh pulls');
  const later = new Date(Date.now() + 3600_000);
  const old = await collectImages({
    store, snapshots, dataDir: dir, inUse: new Set(), pinned: new Set([digests['reg.example/d:1'] as string]), now: later,
    policy: { maxAgeMs: 1800_000 }, usage: async () => ({ used: 10, total: 100 }),
  });
  assert.deepEqual(old.removed.sort(), ['reg.example/a:1', 'reg.example/b:1', 'reg.example/c:1']);
});
