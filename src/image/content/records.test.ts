import assert from 'node:assert/strict';
import { utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { isImageError } from '../errors.ts';
import { ContentStore } from './store.ts';
import { sha256, tempDir } from './testing/harness.ts';

const IMAGE = sha256(new TextEncoder().encode('manifest'));
const LAYER = sha256(new TextEncoder().encode('layer'));

test('recordPull accumulates references, fingerprints and insecure sources', async (t) => {
  const store = await ContentStore.open(await tempDir(t));
  const first = await store.recordPull(IMAGE, { ref: 'example.com/app:v1', size: 100, layers: [LAYER], credentialFingerprint: 'anonymous' });
  assert.deepEqual(first.references, ['example.com/app:v1']);
  assert.deepEqual(first.credentialFingerprints, { 'example.com/app:v1': ['anonymous'] });
  assert.equal(first.lastUsedAt, first.pulledAt);
  await store.recordPull(IMAGE, { ref: 'example.com/app:v1', size: 100, credentialFingerprint: 'sha256:secret-a', insecureSources: ['example.com'] });
  await store.recordPull(IMAGE, { ref: 'mirror.local/app:v1', size: 100, credentialFingerprint: 'anonymous', insecureSources: ['example.com', 'mirror.local'] });
  const record = await store.getRecord(IMAGE);
  assert.ok(record);
  assert.equal(record.digest, IMAGE);
  assert.equal(record.size, 100);
  assert.deepEqual(record.layers, [LAYER]);
  assert.deepEqual(record.references, ['example.com/app:v1', 'mirror.local/app:v1']);
  assert.deepEqual(record.credentialFingerprints, {
    'example.com/app:v1': ['anonymous', 'sha256:secret-a'],
    'mirror.local/app:v1': ['anonymous'],
  });
  assert.deepEqual(record.insecureSources, ['example.com', 'mirror.local']);
});

test('a reference named like an Object.prototype key stays a plain key', async (t) => {
  const store = await ContentStore.open(await tempDir(t));
  await store.recordPull(IMAGE, { ref: '__proto__', size: 1, credentialFingerprint: 'anonymous' });
  const record = await store.getRecord(IMAGE);
  assert.deepEqual(Object.keys(record?.credentialFingerprints ?? {}), ['__proto__']);
  assert.equal(Object.getPrototypeOf(record?.credentialFingerprints), Object.prototype);
});

test('touch updates lastUsedAt only', async (t) => {
  const root = await tempDir(t);
  const store = await ContentStore.open(root);
  await store.recordPull(IMAGE, { ref: 'example.com/app:v1', size: 1, credentialFingerprint: 'anonymous' });
  const past = new Date('2020-01-01T00:00:00Z');
  await utimes(join(root, 'records', `sha256-${IMAGE.slice(7)}.json`), past, past);
  assert.equal((await store.getRecord(IMAGE))?.lastUsedAt, past.toISOString());
  assert.equal(await store.touch(IMAGE), true);
  const record = await store.getRecord(IMAGE);
  assert.ok(record && Date.parse(record.lastUsedAt) > past.getTime());
  assert.notEqual(record.pulledAt, record.lastUsedAt);
  assert.equal(await store.touch(LAYER), false);
});

test('list and remove records; bad input is rejected', async (t) => {
  const store = await ContentStore.open(await tempDir(t));
  await store.recordPull(IMAGE, { ref: 'a/b:c', size: 1, credentialFingerprint: 'anonymous' });
  await store.recordPull(LAYER, { ref: 'a/b:d', size: 2, credentialFingerprint: 'anonymous' });
  assert.deepEqual((await store.listRecords()).map((r) => r.digest).sort(), [IMAGE, LAYER].sort());
  assert.equal(await store.removeRecord(IMAGE), true);
  assert.equal(await store.removeRecord(IMAGE), false);
  assert.equal(await store.getRecord(IMAGE), undefined);
  assert.deepEqual((await store.listRecords()).map((r) => r.digest), [LAYER]);
  await assert.rejects(store.recordPull(IMAGE, { ref: '', size: 1, credentialFingerprint: 'x' }), (err) => isImageError(err, 'INVALID_ARGUMENT'));
  await assert.rejects(store.recordPull(IMAGE, { ref: 'a', size: -1, credentialFingerprint: 'x' }), (err) => isImageError(err, 'INVALID_ARGUMENT'));
  await assert.rejects(store.recordPull('sha256:nope', { ref: 'a', size: 1, credentialFingerprint: 'x' }), (err) => isImageError(err, 'INVALID_ARGUMENT'));
});
