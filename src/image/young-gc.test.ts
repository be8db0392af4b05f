import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { collectYoungGarbage, youngGcEvery } from './young-gc.ts';

// Backing stores are released by a background sweeper shortly after the collection.
const SWEEP_MS = 100;

test('a young collection frees dead short-lived buffers', async () => {
  collectYoungGarbage();
  const before = process.memoryUsage().arrayBuffers;
  for (let i = 0; i < 256; i++) Buffer.alloc(64 * 1024).fill(i);
  assert.ok(process.memoryUsage().arrayBuffers - before >= 8 << 20, 'the dead buffers are still counted');
  collectYoungGarbage();
  await sleep(SWEEP_MS);
  assert.ok(process.memoryUsage().arrayBuffers - before < 4 << 20, 'and freed by the collection');
});

test('youngGcEvery collects once the byte budget is spent', async () => {
  collectYoungGarbage();
  const report = youngGcEvery(8 << 20);
  const before = process.memoryUsage().arrayBuffers;
  for (let i = 0; i < 200; i++) {
    Buffer.alloc(64 * 1024).fill(i);
    report(64 * 1024);
  }
  await sleep(SWEEP_MS);
  assert.ok(process.memoryUsage().arrayBuffers - before < 10 << 20, 'at most one budget of garbage floats');
});
