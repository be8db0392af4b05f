// Several processes on one store: deduplicated downloads, take-over after a SIGKILL, and no
// corrupt blob visible whenever a writer is killed.

import assert from 'node:assert/strict';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { cleanIngest, STALE_INGEST_MS } from './ingest-cleanup.ts';
import { layoutPaths } from './layout.ts';
import { ContentStore } from './store.ts';
import { sha256, spawnChild, tempDir } from './testing/harness.ts';

test('processes racing on one digest download it once', async (t) => {
  const dir = await tempDir(t);
  const root = join(dir, 'content');
  await ContentStore.open(root);
  const data = randomBytes(64 * 1024);
  await writeFile(join(dir, 'data'), data);
  const counter = join(dir, 'downloads');
  await writeFile(counter, '');
  const children = Array.from({ length: 4 }, () => spawnChild(['race', root, join(dir, 'data'), counter]));
  const outcomes = [];
  for (const child of children) {
    const { code, stderr } = await child.exit;
    assert.equal(code, 0, stderr);
    outcomes.push(await child.line(() => true));
  }
  assert.equal((await readFile(counter, 'utf8')).trim().split('\n').length, 1);
  assert.equal(outcomes.filter((o) => o.downloaded === true).length, 1);
  assert.equal(outcomes.filter((o) => o.existing === true).length, 3);
  const store = await ContentStore.open(root);
  assert.equal(await store.verify(sha256(data)), true);
});

test('when the downloading process is killed, a waiting process completes the blob', async (t) => {
  const dir = await tempDir(t);
  const root = join(dir, 'content');
  await ContentStore.open(root);
  const data = randomBytes(32 * 1024);
  await writeFile(join(dir, 'data'), data);
  const counter = join(dir, 'downloads');
  await writeFile(counter, '');
  const holder = spawnChild(['hold', root, join(dir, 'data')]);
  await holder.line((value) => value.holding === true);
  const waiter = spawnChild(['race', root, join(dir, 'data'), counter]);
  await delay(300);
  assert.equal(await readFile(counter, 'utf8'), '', 'the waiter must not start while the holder lives');
  holder.process.kill('SIGKILL');
  assert.equal((await holder.exit).signal, 'SIGKILL');
  const { code, stderr } = await waiter.exit;
  assert.equal(code, 0, stderr);
  assert.deepEqual(await waiter.line(() => true), { downloaded: true });
  const store = await ContentStore.open(root);
  assert.equal(await store.verify(sha256(data)), true);
  // The killed writer's partial file is left; cleanup removes it once old enough.
  const paths = layoutPaths(root);
  const parts = (await readdir(paths.ingest)).filter((name) => name.endsWith('.part'));
  assert.equal(parts.length, 1);
  assert.equal((await stat(join(paths.ingest, parts[0] ?? ''))).size, data.byteLength >> 1);
  assert.deepEqual(await cleanIngest(paths, { minAgeMs: STALE_INGEST_MS }), { removedFiles: 0, freedBytes: 0 });
  assert.deepEqual(await cleanIngest(paths, { minAgeMs: 0 }), { removedFiles: 1, freedBytes: data.byteLength >> 1 });
  assert.deepEqual(await readdir(paths.ingest), []);
});

test('a live writer keeps its partial file through cleanup', async (t) => {
  const root = await tempDir(t);
  const store = await ContentStore.open(root);
  const writer = await store.writer({ digest: sha256(new TextEncoder().encode('abc')) });
  assert.ok(!writer.existing);
  await writer.write(new TextEncoder().encode('ab'));
  assert.deepEqual(await cleanIngest(layoutPaths(root), { minAgeMs: 0 }), { removedFiles: 0, freedBytes: 0 });
  await writer.write(new TextEncoder().encode('c'));
  await writer.commit();
  assert.equal(await store.verify(writer.digest), true);
});

test('killing writers at random moments never leaves a corrupt blob', async (t) => {
  const root = await tempDir(t);
  await ContentStore.open(root);
  for (let round = 0; round < 6; round++) {
    const child = spawnChild(['churn', root]);
    await child.line((value) => value.started === true);
    await delay(randomInt(20, 250));
    child.process.kill('SIGKILL');
    assert.equal((await child.exit).signal, 'SIGKILL');
  }
  const dir = join(root, 'blobs', 'sha256');
  const names = await readdir(dir);
  assert.ok(names.length > 0, 'the children committed some blobs');
  for (const name of names) {
    const bytes = await readFile(join(dir, name));
    assert.equal(createHash('sha256').update(bytes).digest('hex'), name);
    assert.equal((await stat(join(dir, name))).mode & 0o777, 0o444);
  }
  const store = await ContentStore.open(root);
  for (const entry of await store.list()) assert.equal(await store.has(entry.descriptor.digest), true);
  // Whatever the children left in ingest/ belongs to dead processes.
  await cleanIngest(layoutPaths(root), { minAgeMs: 0 });
  assert.deepEqual(await readdir(join(root, 'ingest')), []);
});
