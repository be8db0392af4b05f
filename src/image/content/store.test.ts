import assert from 'node:assert/strict';
import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { isImageError } from '../errors.ts';
import { ContentStore } from './store.ts';
import { sha256, tempDir } from './testing/harness.ts';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

async function ingestFiles(root: string): Promise<string[]> {
  return (await readdir(join(root, 'ingest'))).sort();
}

test('open creates an OCI layout and reopens it', async (t) => {
  const root = join(await tempDir(t), 'content');
  const store = await ContentStore.open(root);
  assert.equal(store.root, root);
  assert.deepEqual(JSON.parse(await readFile(join(root, 'oci-layout'), 'utf8')), { imageLayoutVersion: '1.0.0' });
  assert.deepEqual(JSON.parse(await readFile(join(root, 'index.json'), 'utf8')), {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [],
  });
  assert.ok((await stat(join(root, 'blobs', 'sha256'))).isDirectory());
  await ContentStore.open(root);
  assert.deepEqual(await readdir(join(root, 'ingest')), []);
});

test('concurrent opens of a new root create one valid layout', async (t) => {
  const root = join(await tempDir(t), 'content');
  const stores = await Promise.all(Array.from({ length: 5 }, () => ContentStore.open(root)));
  assert.equal(stores.length, 5);
  assert.deepEqual((await readdir(root)).sort(), ['blobs', 'index.json', 'ingest', 'oci-layout', 'records']);
  assert.deepEqual(await readdir(join(root, 'ingest')), []);
  assert.equal(JSON.parse(await readFile(join(root, 'index.json'), 'utf8')).schemaVersion, 2);
});

test('open refuses an unknown layout version and a foreign directory', async (t) => {
  const dir = await tempDir(t);
  await mkdir(join(dir, 'v2'));
  await writeFile(join(dir, 'v2', 'oci-layout'), '{"imageLayoutVersion":"2.0.0"}');
  await assert.rejects(ContentStore.open(join(dir, 'v2')), (err) => isImageError(err, 'INVALID_ARGUMENT') && /2\.0\.0/.test(err.message));
  await mkdir(join(dir, 'home'));
  await writeFile(join(dir, 'home', 'notes.txt'), 'mine');
  await assert.rejects(ContentStore.open(join(dir, 'home')), (err) => isImageError(err, 'INVALID_ARGUMENT') && /notes\.txt/.test(err.message));
});

test('writeBlob stores a verified read-only blob and reads it back', async (t) => {
  const store = await ContentStore.open(await tempDir(t));
  const data = bytes('{"hello":"world"}');
  const descriptor = await store.writeBlob(data, { mediaType: 'application/json' });
  assert.deepEqual(descriptor, { mediaType: 'application/json', digest: sha256(data), size: data.byteLength });
  assert.equal(await store.has(descriptor.digest), true);
  assert.deepEqual(await store.stat(descriptor.digest), { size: data.byteLength });
  assert.deepEqual(new Uint8Array(await store.readBlob(descriptor.digest)), data);
  assert.equal((await stat(store.blobPath(descriptor.digest))).mode & 0o777, 0o444);
  assert.equal(await store.verify(descriptor.digest), true);
  const chunks: Buffer[] = [];
  for await (const chunk of await store.createReadStream(descriptor.digest, { start: 2 })) chunks.push(chunk as Buffer);
  assert.equal(Buffer.concat(chunks).toString(), 'hello":"world"}');
  // Writing it again finds it.
  const again = await store.writer({ digest: descriptor.digest, size: data.byteLength });
  assert.deepEqual(again, { existing: true, digest: descriptor.digest, size: data.byteLength });
  await assert.rejects(store.writeBlob(data, { mediaType: 'x', digest: sha256(bytes('other')) }), (err) => isImageError(err, 'DIGEST_MISMATCH'));
});

test('reads report NOT_FOUND, SIZE_LIMIT and invalid digests', async (t) => {
  const store = await ContentStore.open(await tempDir(t));
  const missing = sha256(bytes('missing'));
  assert.equal(await store.has(missing), false);
  assert.equal(await store.stat(missing), undefined);
  await assert.rejects(store.readBlob(missing), (err) => isImageError(err, 'NOT_FOUND'));
  await assert.rejects(store.createReadStream(missing), (err) => isImageError(err, 'NOT_FOUND'));
  const { digest } = await store.writeBlob(bytes('0123456789'), { mediaType: 'x' });
  await assert.rejects(store.readBlob(digest, { maxBytes: 9 }), (err) => isImageError(err, 'SIZE_LIMIT'));
  assert.throws(() => store.blobPath('sha256:../../etc/passwd'), (err) => isImageError(err, 'INVALID_ARGUMENT'));
  await assert.rejects(store.has(`sha256:${'A'.repeat(64)}`), (err) => isImageError(err, 'INVALID_ARGUMENT'));
});

test('verify detects a damaged blob', async (t) => {
  const store = await ContentStore.open(await tempDir(t));
  const { digest } = await store.writeBlob(bytes('original'), { mediaType: 'x' });
  await chmod(store.blobPath(digest), 0o644);
  await writeFile(store.blobPath(digest), 'damaged');
  assert.equal(await store.verify(digest), false);
});

test('a writer streams chunks, tracks its offset and commits', async (t) => {
  const root = await tempDir(t);
  const store = await ContentStore.open(root);
  const data = bytes('a'.repeat(1000) + 'b'.repeat(24));
  const writer = await store.writer({ digest: sha256(data), size: data.byteLength });
  assert.equal(writer.existing, false);
  if (writer.existing) return;
  await writer.write(data.subarray(0, 1000));
  assert.equal(writer.offset, 1000);
  assert.equal(await store.has(writer.digest), false);
  await writer.write(data.subarray(1000));
  assert.deepEqual(await writer.commit(), { digest: sha256(data), size: data.byteLength });
  assert.equal(await store.verify(writer.digest), true);
  assert.deepEqual(await ingestFiles(root), []);
  await writer.abort();
  assert.equal(await store.has(writer.digest), true);
  await assert.rejects(writer.write(data), (err) => isImageError(err, 'INVALID_ARGUMENT'));
});

test('a digest mismatch names both digests and leaves nothing behind', async (t) => {
  const root = await tempDir(t);
  const store = await ContentStore.open(root);
  const expected = sha256(bytes('expected'));
  const writer = await store.writer({ digest: expected, size: 8 });
  assert.ok(!writer.existing);
  await writer.write(bytes('tampered'));
  await assert.rejects(writer.commit(), (err) => {
    assert.ok(isImageError(err, 'DIGEST_MISMATCH'));
    assert.match(err.message, new RegExp(expected));
    assert.match(err.message, new RegExp(sha256(bytes('tampered'))));
    return true;
  });
  assert.equal(await store.has(expected), false);
  assert.deepEqual(await ingestFiles(root), []);
  // The lock is released: the next writer starts at once.
  const next = await store.writer({ digest: expected }, { signal: AbortSignal.timeout(1000) });
  assert.ok(!next.existing);
  await next.abort();
});

test('more bytes than the expected size fail at once with SIZE_LIMIT', async (t) => {
  const root = await tempDir(t);
  const store = await ContentStore.open(root);
  const data = bytes('12345');
  const writer = await store.writer({ digest: sha256(data), size: 5 });
  assert.ok(!writer.existing);
  await writer.write(bytes('123'));
  await assert.rejects(writer.write(bytes('456')), (err) => isImageError(err, 'SIZE_LIMIT'));
  await assert.rejects(writer.write(bytes('4')), (err) => isImageError(err, 'ABORTED'));
  assert.deepEqual(await ingestFiles(root), []);
  assert.equal(await store.has(sha256(data)), false);
});

test('too few bytes fail the commit as a temporary mismatch', async (t) => {
  const store = await ContentStore.open(await tempDir(t));
  const data = bytes('12345');
  const writer = await store.writer({ digest: sha256(data), size: 5 });
  assert.ok(!writer.existing);
  await writer.write(bytes('123'));
  await assert.rejects(writer.commit(), (err) => isImageError(err, 'DIGEST_MISMATCH') && err.temporary && /3 bytes, expected 5/.test(err.message));
});

test('a stored blob with another size than the descriptor says is a mismatch', async (t) => {
  const store = await ContentStore.open(await tempDir(t));
  const { digest } = await store.writeBlob(bytes('four'), { mediaType: 'x' });
  await assert.rejects(store.writer({ digest, size: 5 }), (err) => isImageError(err, 'DIGEST_MISMATCH'));
});

test('concurrent writers in one process: one writes, the other waits and sees the blob', async (t) => {
  const store = await ContentStore.open(await tempDir(t));
  const data = bytes('shared layer');
  const digest = sha256(data);
  const first = await store.writer({ digest, size: data.byteLength });
  assert.ok(!first.existing);
  let secondSettled = false;
  const second = store.writer({ digest, size: data.byteLength }).finally(() => (secondSettled = true));
  await first.write(data);
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.equal(secondSettled, false);
  await first.commit();
  assert.deepEqual(await second, { existing: true, digest, size: data.byteLength });
});

test('when the writer aborts, a waiter takes over', async (t) => {
  const store = await ContentStore.open(await tempDir(t));
  const data = bytes('retry me');
  const digest = sha256(data);
  const first = await store.writer({ digest });
  assert.ok(!first.existing);
  const second = store.writer({ digest });
  await first.write(bytes('partial'));
  await first.abort();
  const taken = await second;
  assert.ok(!taken.existing);
  assert.equal(taken.offset, 0);
  await taken.write(data);
  await taken.commit();
  assert.equal(await store.verify(digest), true);
});

test('waiting honours the signal, and aborting the signal aborts a writer', async (t) => {
  const root = await tempDir(t);
  const store = await ContentStore.open(root);
  const digest = sha256(bytes('slow'));
  const controller = new AbortController();
  const holder = await store.writer({ digest }, { signal: controller.signal });
  assert.ok(!holder.existing);
  await assert.rejects(store.writer({ digest }, { signal: AbortSignal.timeout(80) }), (err) => isImageError(err, 'ABORTED'));
  await holder.write(bytes('sl'));
  controller.abort();
  await assert.rejects(holder.write(bytes('ow')), (err) => isImageError(err, 'ABORTED'));
  assert.deepEqual(await ingestFiles(root), []);
  const next = await store.writer({ digest }, { signal: AbortSignal.timeout(1000) });
  assert.ok(!next.existing);
  await next.abort();
});
