// BlobWriter.follow(): a blob's bytes read back while it is written, ending only once it is
// committed (verified) and failing when the writer aborts.
import assert from 'node:assert/strict';
import { randomFillSync } from 'node:crypto';
import fsPromises, { readdir } from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { isImageError } from '../errors.ts';
import { ContentStore } from './store.ts';
import { sha256, tempDir } from './testing/harness.ts';

const data = randomFillSync(new Uint8Array(3 * 1024 * 1024 + 17));

async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const part of source) parts.push(part);
  return Buffer.concat(parts);
}

async function newWriter(t: { after: (fn: () => Promise<void>) => void }, digest = sha256(data)) {
  const root = await tempDir(t);
  const store = await ContentStore.open(root);
  const writer = await store.writer({ digest, size: data.byteLength });
  if (writer.existing) assert.fail('a new store holds no blob');
  return { root, store, writer };
}

test('a follower started before the first write sees every byte, and ends only after commit', async (t) => {
  const { writer } = await newWriter(t);
  let ended = false;
  const followed = collect(writer.follow(64 * 1024)).then((b) => {
    ended = true;
    return b;
  });
  for (let off = 0; off < data.byteLength; off += 100_000) await writer.write(data.subarray(off, off + 100_000));
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(ended, false, 'the follower must not end before the blob is verified');
  await writer.commit();
  assert.deepEqual(new Uint8Array(await followed), data);
});

test('a follower started after commit reads the stored blob', async (t) => {
  const { writer } = await newWriter(t);
  const follower = writer.follow();
  await writer.write(data);
  await writer.commit();
  assert.deepEqual(new Uint8Array(await collect(follower)), data);
});

test('a follower that opens the blob just as commit renames it still ends (no lost wake-up)', async (t) => {
  // Deterministic interleaving: the follower starts right after the rename has happened but
  // before commit has said so, so its open of the temp file fails and it must look again.
  const { writer } = await newWriter(t);
  await writer.write(data);
  let followed: Promise<Buffer> | undefined;
  const original = fsPromises.rename;
  fsPromises.rename = async (...args: Parameters<typeof original>) => {
    await original(...args);
    followed = collect(writer.follow());
  };
  syncBuiltinESMExports();
  try {
    await writer.commit();
  } finally {
    fsPromises.rename = original;
    syncBuiltinESMExports();
  }
  assert.ok(followed, 'commit renamed the blob');
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('the follower never ended')), 5000);
  });
  try {
    assert.deepEqual(new Uint8Array(await Promise.race([followed, hung])), data);
  } finally {
    clearTimeout(timer);
  }
});

test('a follower fails when the writer aborts or its digest does not match, and nothing is left', async (t) => {
  const { root, writer } = await newWriter(t);
  const followed = assert.rejects(collect(writer.follow()), (err) => isImageError(err, 'ABORTED'));
  await writer.write(data.subarray(0, 1024 * 1024));
  await writer.abort();
  await followed;

  const wrong = await newWriter(t, sha256(new Uint8Array([1, 2, 3])));
  const followedWrong = assert.rejects(collect(wrong.writer.follow()), (err) => isImageError(err, 'ABORTED'));
  await wrong.writer.write(data);
  await assert.rejects(wrong.writer.commit(), (err) => isImageError(err, 'DIGEST_MISMATCH'));
  await followedWrong;
  assert.deepEqual(await readdir(join(root, 'ingest')), []);
  assert.deepEqual(await readdir(join(wrong.root, 'ingest')), []);
});
