import assert from 'node:assert/strict';
import { unlink } from 'node:fs/promises';
import { test } from 'node:test';
import { ContentStore } from './content/store.ts';
import { tempDir } from './content/testing/harness.ts';
import { MediaType, type Descriptor } from './content/types.ts';
import { ErrorCode, isImageError } from './errors.ts';
import { INDEX_DIGEST_ANNOTATION } from './pull.ts';
import { planPush } from './push-plan.ts';

const encode = (value: unknown): Uint8Array => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));
const blob = (store: ContentStore, value: unknown, mediaType = 'application/octet-stream'): Promise<Descriptor> => store.writeBlob(encode(value), { mediaType });

async function image(store: ContentStore, arch: string, shared: Descriptor): Promise<Descriptor> {
  const config = await blob(store, { architecture: arch, os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }, MediaType.OciConfig);
  const layer = await blob(store, `layer of ${arch}`, 'application/vnd.oci.image.layer.v1.tar+gzip');
  const manifest = await blob(store, { schemaVersion: 2, mediaType: MediaType.OciManifest, config, layers: [shared, layer] }, MediaType.OciManifest);
  return { ...manifest, platform: { os: 'linux', architecture: arch } };
}

test('planPush: an image is its blobs once each, then its manifest', async (t) => {
  const store = await ContentStore.open(await tempDir(t));
  const shared = await blob(store, 'base layer', 'application/vnd.oci.image.layer.v1.tar+gzip');
  const amd = await image(store, 'amd64', shared);
  await store.tag('example.com/app:1', amd);
  const plan = await planPush(store, 'example.com/app:1', false);
  assert.equal(plan.top.digest, amd.digest);
  assert.equal(plan.blobs.length, 3);
  assert.deepEqual(plan.manifests.map((m) => m.descriptor.digest), [amd.digest]);
  assert.equal(plan.widened, false);
});

test('planPush: allPlatforms widens to the index, children first; missing platforms are named', async (t) => {
  const store = await ContentStore.open(await tempDir(t));
  const shared = await blob(store, 'base layer', 'application/vnd.oci.image.layer.v1.tar+gzip');
  const amd = await image(store, 'amd64', shared);
  const arm = await image(store, 'arm64', shared);
  const index = await blob(store, { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [amd, arm] }, MediaType.OciIndex);
  await store.tag('example.com/app:1', amd, { [INDEX_DIGEST_ANNOTATION]: index.digest });

  const narrow = await planPush(store, 'example.com/app:1', false);
  assert.equal(narrow.top.digest, amd.digest);

  const wide = await planPush(store, 'example.com/app:1', true);
  assert.equal(wide.top.digest, index.digest);
  assert.equal(wide.top.mediaType, MediaType.OciIndex);
  assert.deepEqual(wide.manifests.map((m) => m.descriptor.digest), [amd.digest, arm.digest, index.digest]);
  assert.equal(wide.blobs.length, 5, 'the shared layer once');

  // An index whose platform image is gone cannot be pushed: registries refuse it.
  const lonely = await blob(store, { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [amd, { ...arm, digest: `sha256:${'b'.repeat(64)}` }] }, MediaType.OciIndex);
  await store.tag('example.com/app:2', lonely);
  await assert.rejects(planPush(store, 'example.com/app:2', false), (e: unknown) => isImageError(e, ErrorCode.ImageNotStored) && e.message.includes('1 of the 2') && e.message.includes('linux/arm64'));
});

test('planPush: not stored says pull it; a foreign layer not held is marked, a missing one is an error', async (t) => {
  const root = await tempDir(t);
  const store = await ContentStore.open(root);
  await assert.rejects(planPush(store, 'example.com/none:1', false), (e: unknown) => isImageError(e, ErrorCode.ImageNotStored) && e.message.includes('ferry pull example.com/none:1') && e.message.includes(root));
  const config = await blob(store, { rootfs: { diff_ids: [] } }, MediaType.OciConfig);
  const foreign = { mediaType: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip', digest: `sha256:${'c'.repeat(64)}`, size: 10, urls: ['https://example.com/layer'] };
  const m = await blob(store, { schemaVersion: 2, mediaType: MediaType.OciManifest, config, layers: [foreign] }, MediaType.OciManifest);
  await store.tag('example.com/win:1', m);
  const plan = await planPush(store, 'example.com/win:1', false);
  assert.deepEqual(plan.blobs.map((b) => b.foreign === true), [false, true]);
  await unlink(store.blobPath(config.digest));
  await assert.rejects(planPush(store, 'example.com/win:1', false), (e: unknown) => isImageError(e, ErrorCode.ImageNotStored) && e.message.includes(`blob ${config.digest} is missing`));
});
