// Large blobs take two paths: hashed and written here, or in the hashing worker once a large pull
// started it (ContentStore.warmUp). Both write back early (writeback.ts) and must commit, reject
// and abort alike. The tests run in order: the worker, once started, stays for the process.
import assert from 'node:assert/strict';
import { randomFillSync } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { isImageError } from '../errors.ts';
import { hashWorkerRunning } from './hash-writer.ts';
import { ContentStore } from './store.ts';
import { sha256, tempDir } from './testing/harness.ts';
import { WRITEBACK_BYTES } from './writeback.ts';

const MiB = 1 << 20;
// Several writeback intervals, and not a multiple of the chunk size.
const data = randomFillSync(new Uint8Array(3 * WRITEBACK_BYTES + 12345));

/** Writes `bytes` in 1 MiB chunks from shared memory, as the download path does. */
async function writeAll(writer: { write(chunk: Uint8Array): Promise<void> }, bytes: Uint8Array): Promise<void> {
  for (let off = 0; off < bytes.byteLength; off += MiB) {
    const part = bytes.subarray(off, off + MiB);
    const shared = new Uint8Array(new SharedArrayBuffer(part.byteLength));
    shared.set(part);
    await writer.write(shared);
  }
}

async function exercise(t: { after: (fn: () => Promise<void>) => void }): Promise<void> {
  const root = await tempDir(t);
  const store = await ContentStore.open(root);

  const writer = await store.writer({ digest: sha256(data), size: data.byteLength });
  assert.equal(writer.existing, false);
  if (writer.existing) return;
  await writeAll(writer, data);
  assert.deepEqual(await writer.commit(), { digest: sha256(data), size: data.byteLength });
  assert.deepEqual(new Uint8Array(await readFile(store.blobPath(sha256(data)))), data);
  assert.equal((await stat(store.blobPath(sha256(data)))).mode & 0o777, 0o444);

  const other = randomFillSync(new Uint8Array(data.byteLength));
  const wrong = await store.writer({ digest: sha256(other), size: other.byteLength });
  if (wrong.existing) assert.fail('a new digest cannot exist');
  await writeAll(wrong, data);
  await assert.rejects(wrong.commit(), (err) => isImageError(err, 'DIGEST_MISMATCH'));
  assert.equal(await store.has(sha256(other)), false);

  const dropped = await store.writer({ digest: sha256(other), size: other.byteLength });
  if (dropped.existing) assert.fail('a rejected blob must not be stored');
  await writeAll(dropped, other.subarray(0, 2 * WRITEBACK_BYTES));
  await dropped.abort();
  assert.equal(await store.has(sha256(other)), false);
  assert.deepEqual(await readdir(join(root, 'ingest')), [], 'no temp or lock file is left');
}

test('a small pull leaves large blobs to this thread', async (t) => {
  const store = await ContentStore.open(await tempDir(t));
  store.warmUp({ bytes: 64 * MiB });
  assert.equal(hashWorkerRunning(), false);
  await exercise(t);
});

test('a large pull hands large blobs to the hashing worker', async (t) => {
  const store = await ContentStore.open(await tempDir(t));
  store.warmUp({ bytes: 512 * MiB });
  assert.equal(hashWorkerRunning(), true);
  await exercise(t);
});
