import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EarlyWriteback, WRITEBACK_BYTES } from './writeback.ts';

test('a flush starts every WRITEBACK_BYTES, one at a time, and settled() waits for it', async () => {
  let calls = 0;
  let finish: (() => void) | undefined;
  const wb = new EarlyWriteback(() => {
    calls++;
    return new Promise<void>((resolve) => (finish = resolve));
  });
  wb.wrote(WRITEBACK_BYTES - 1);
  assert.equal(calls, 0, 'not before enough bytes are pending');
  wb.wrote(1);
  assert.equal(calls, 1);
  wb.wrote(2 * WRITEBACK_BYTES);
  assert.equal(calls, 1, 'never two at once');
  let settled = false;
  const waiting = wb.settled().then(() => (settled = true));
  await new Promise(setImmediate);
  assert.equal(settled, false, 'settled() waits for the running flush');
  finish?.();
  await waiting;
  wb.wrote(WRITEBACK_BYTES);
  assert.equal(calls, 2, 'the next flush starts once the last one is done');
});

test('a failed flush is left to the final sync to report', async () => {
  const wb = new EarlyWriteback(() => Promise.reject(new Error('EIO')));
  wb.wrote(WRITEBACK_BYTES);
  await wb.settled();
});
