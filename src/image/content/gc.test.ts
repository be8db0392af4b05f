import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { collectGarbage } from './gc.ts';
import { ContentStore } from './store.ts';
import { sha256, tempDir } from './testing/harness.ts';
import { MediaType, type Descriptor } from './types.ts';

const encode = (value: unknown): Uint8Array => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));

async function blob(store: ContentStore, value: unknown, mediaType = 'application/octet-stream'): Promise<Descriptor> {
  return store.writeBlob(encode(value), { mediaType });
}

async function image(store: ContentStore, name: string): Promise<{ manifest: Descriptor; all: Descriptor[] }> {
  const config = await blob(store, { architecture: 'amd64', os: 'linux', name }, 'application/vnd.oci.image.config.v1+json');
  const layer = await blob(store, `layer of ${name}`, 'application/vnd.oci.image.layer.v1.tar+gzip');
  const missing = { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(encode('never stored')), size: 12 };
  const manifest = await blob(store, { schemaVersion: 2, mediaType: MediaType.OciManifest, config, layers: [layer, missing] }, MediaType.OciManifest);
  return { manifest, all: [config, layer, manifest] };
}

async function blobNames(root: string): Promise<string[]> {
  return (await readdir(join(root, 'blobs', 'sha256'))).map((hex) => `sha256:${hex}`).sort();
}

test('garbage collection keeps what index.json reaches and removes the rest', async (t) => {
  const root = await tempDir(t);
  const store = await ContentStore.open(root);
  const amd = await image(store, 'amd64');
  const arm = await image(store, 'arm64');
  const index = await blob(store, { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [amd.manifest, arm.manifest] }, MediaType.OciIndex);
  const single = await image(store, 'single');
  const docker = await blob(store, { schemaVersion: 2, mediaType: MediaType.DockerManifest, config: single.all[0], layers: [single.all[1]] }, MediaType.DockerManifest);
  const opaque = await blob(store, 'an artifact nobody parses', 'application/vnd.example.thing');
  const garbage = [await blob(store, 'orphan one'), await blob(store, 'orphan two')];
  await store.tag('example.com/multi:v1', index);
  await store.tag('example.com/docker:v1', docker);
  await store.tag('example.com/opaque:v1', opaque);
  await store.recordPull(index.digest, { ref: 'example.com/multi:v1', size: 1, credentialFingerprint: 'anonymous' });
  await store.recordPull(garbage[0]?.digest ?? '', { ref: 'example.com/gone:v1', size: 1, credentialFingerprint: 'anonymous' });

  // Within the grace period nothing goes.
  assert.deepEqual(await collectGarbage(store), { removedBlobs: 0, freedBytes: 0, removedRecords: 0, removedIngestFiles: 0 });

  await delay(100);
  const result = await collectGarbage(store, { gracePeriodMs: 0 });
  // single's own manifest is unreferenced (the docker manifest reuses its config and layer).
  const removed = [...garbage, single.all[2]].filter((d): d is Descriptor => d !== undefined);
  assert.deepEqual(result, {
    removedBlobs: removed.length,
    freedBytes: removed.reduce((sum, d) => sum + d.size, 0),
    removedRecords: 1,
    removedIngestFiles: 0,
  });
  const kept = [...amd.all, ...arm.all, index, docker, opaque, single.all[0], single.all[1]].map((d) => d?.digest ?? '');
  assert.deepEqual(await blobNames(root), [...new Set(kept)].sort());
  assert.deepEqual((await store.listRecords()).map((r) => r.digest), [index.digest]);

  await store.untag('example.com/multi:v1');
  await store.untag('example.com/docker:v1');
  await store.untag('example.com/opaque:v1');
  await delay(100);
  const last = await collectGarbage(store, { gracePeriodMs: 0 });
  assert.equal(last.removedBlobs, new Set(kept).size);
  assert.equal(last.removedRecords, 1);
  assert.deepEqual(await blobNames(root), []);
});

test('blobs committed after the collection started are kept', async (t) => {
  const root = await tempDir(t);
  const store = await ContentStore.open(root);
  const fresh = await blob(store, 'just committed, not yet tagged');
  const result = await collectGarbage(store, { gracePeriodMs: 0 });
  assert.equal(result.removedBlobs, 0);
  assert.equal(await store.has(fresh.digest), true);
});

test('a manifest that does not parse is kept as a leaf', async (t) => {
  const root = await tempDir(t);
  const store = await ContentStore.open(root);
  const broken = await blob(store, '{not json', MediaType.OciManifest);
  await store.tag('example.com/broken:v1', broken);
  await delay(100);
  assert.equal((await collectGarbage(store, { gracePeriodMs: 0 })).removedBlobs, 0);
  assert.deepEqual(await blobNames(root), [broken.digest]);
});
