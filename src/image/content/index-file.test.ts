import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { isImageError } from '../errors.ts';
import { ContentStore } from './store.ts';
import { sha256, spawnChild, tempDir } from './testing/harness.ts';
import { REF_NAME_ANNOTATION } from './types.ts';

const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

async function storeWithManifest(t: Parameters<typeof tempDir>[0]) {
  const root = await tempDir(t);
  const store = await ContentStore.open(root);
  const one = await store.writeBlob(new TextEncoder().encode('{"one":1}'), { mediaType: MANIFEST });
  const two = await store.writeBlob(new TextEncoder().encode('{"two":2}'), { mediaType: MANIFEST });
  return { root, store, one, two };
}

test('tag, resolve, list and untag', async (t) => {
  const { root, store, one, two } = await storeWithManifest(t);
  const platform = { architecture: 'amd64', os: 'linux' };
  await store.tag('docker.io/library/nginx:latest', { ...one, platform }, { 'org.example/source': 'test' });
  await store.tag('127.0.0.1:5000/library/app:v1', two);
  assert.deepEqual(await store.resolve('docker.io/library/nginx:latest'), {
    ...one,
    platform,
    annotations: { 'org.example/source': 'test', [REF_NAME_ANNOTATION]: 'docker.io/library/nginx:latest' },
  });
  // Retagging replaces the entry in place: one entry per reference.
  await store.tag('docker.io/library/nginx:latest', two);
  const listed = await store.list();
  assert.deepEqual(
    listed.map((entry) => [entry.ref, entry.descriptor.digest]),
    [
      ['docker.io/library/nginx:latest', two.digest],
      ['127.0.0.1:5000/library/app:v1', two.digest],
    ],
  );
  assert.equal(await store.untag('docker.io/library/nginx:latest'), true);
  assert.equal(await store.untag('docker.io/library/nginx:latest'), false);
  assert.equal(await store.resolve('docker.io/library/nginx:latest'), undefined);
  const onDisk = JSON.parse(await readFile(join(root, 'index.json'), 'utf8')) as { manifests: unknown[] };
  assert.equal(onDisk.manifests.length, 1);
});

test('tag refuses a missing manifest, a wrong size and a name OCI tools cannot read', async (t) => {
  const { store, one } = await storeWithManifest(t);
  await assert.rejects(store.tag('example.com/a:v1', { ...one, digest: sha256(new Uint8Array([1])) }), (err) => isImageError(err, 'NOT_FOUND'));
  await assert.rejects(store.tag('example.com/a:v1', { ...one, size: one.size + 1 }), (err) => isImageError(err, 'INVALID_ARGUMENT'));
  for (const ref of ['', 'a b', 'example.com//a', 'a:/b', '-a', 'a/../b']) {
    await assert.rejects(store.tag(ref, one), (err) => isImageError(err, 'INVALID_ARGUMENT'), ref);
  }
  await assert.rejects(store.tag('a', { ...one, mediaType: '' }), (err) => isImageError(err, 'INVALID_ARGUMENT'));
  assert.deepEqual(await store.list(), []);
});

test('entries written by other tools are kept', async (t) => {
  const { root, store, one, two } = await storeWithManifest(t);
  const foreign = { mediaType: MANIFEST, digest: one.digest, size: one.size, annotations: { 'x.y': 'z' } };
  await writeFile(join(root, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [foreign], annotations: { keep: 'me' } }));
  await store.tag('example.com/a:v1', two);
  const doc = JSON.parse(await readFile(join(root, 'index.json'), 'utf8')) as { manifests: unknown[]; annotations: unknown };
  assert.deepEqual(doc.manifests[0], foreign);
  assert.deepEqual(doc.annotations, { keep: 'me' });
  assert.deepEqual((await store.list())[0], { ref: undefined, descriptor: foreign });
});

test('tags from concurrent calls in one process are all kept', async (t) => {
  const { store, one } = await storeWithManifest(t);
  await Promise.all(Array.from({ length: 20 }, (_, i) => store.tag(`example.com/app:v${i}`, one)));
  assert.equal((await store.list()).length, 20);
});

test('processes tagging different references at once all keep their entries', async (t) => {
  const { root, one } = await storeWithManifest(t);
  const children = ['a', 'b', 'c'].map((name) => spawnChild(['tag', root, `example.com/${name}`, '8', one.digest, String(one.size)]));
  for (const child of children) {
    const { code, stderr } = await child.exit;
    assert.equal(code, 0, stderr);
  }
  const store = await ContentStore.open(root);
  const refs = (await store.list()).map((entry) => entry.ref).sort();
  assert.equal(refs.length, 24);
  for (const name of ['a', 'b', 'c']) {
    for (let i = 0; i < 8; i++) assert.ok(refs.includes(`example.com/${name}/app:v${i}`));
  }
});

test('an image manifest is tagged only with its config and layers stored', async (t) => {
  const { store } = await storeWithManifest(t);
  const config = await store.writeBlob(new TextEncoder().encode('{}'), { mediaType: 'application/vnd.oci.image.config.v1+json' });
  const absent = { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(new TextEncoder().encode('gone')), size: 4 };
  const foreign = { ...absent, digest: sha256(new TextEncoder().encode('foreign')), urls: ['https://example.com/layer'] };
  const incomplete = await store.writeBlob(new TextEncoder().encode(JSON.stringify({ schemaVersion: 2, config, layers: [foreign, absent] })), { mediaType: MANIFEST });
  await assert.rejects(store.tag('example.com/a:v1', incomplete), (err) => isImageError(err, 'NOT_FOUND') && err.message.includes(absent.digest));
  const complete = await store.writeBlob(new TextEncoder().encode(JSON.stringify({ schemaVersion: 2, config, layers: [foreign] })), { mediaType: MANIFEST });
  await store.tag('example.com/a:v1', complete);
  assert.equal((await store.resolve('example.com/a:v1'))?.digest, complete.digest);
});
