import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Controller } from './controller.ts';
import { Expectations } from './expectations.ts';

const until = async (cond: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(cond());
};

test('a failing sync is retried with backoff and reported; success forgets the key', async () => {
  const calls: string[] = [];
  const errors: unknown[] = [];
  const c = new Controller({
    name: 't',
    informers: [],
    sync: (key) => {
      calls.push(key);
      if (calls.length < 3) return Promise.reject(new Error('boom'));
      return Promise.resolve();
    },
    onError: (e, ctx) => errors.push([String(e), ctx.controller, ctx.key]),
  });
  await c.start();
  c.queue.add('ns/a');
  await until(() => calls.length === 3);
  assert.deepEqual(errors, [['Error: boom', 't', 'ns/a'], ['Error: boom', 't', 'ns/a']]);
  assert.equal(c.queue.numRequeues('ns/a'), 0);
  await c.stop();
});

test('requeueAfterMs syncs the key again', async () => {
  let calls = 0;
  const c = new Controller({ name: 't', informers: [], sync: () => Promise.resolve(++calls < 3 ? { requeueAfterMs: 10 } : undefined) });
  await c.start();
  c.queue.add('k');
  await until(() => calls === 3);
  await c.stop();
});

test('expectations: satisfied once every create and awaited delete is observed', () => {
  const e = new Expectations();
  assert.ok(e.satisfied('rs'));
  e.expect('rs', 2, ['ns/p1']);
  assert.ok(!e.satisfied('rs'));
  e.creationObserved('rs');
  e.creationObserved('rs');
  assert.ok(!e.satisfied('rs'));
  e.deletionObserved('rs', 'ns/p1');
  // A second sighting of the same deletion (update with deletionTimestamp, then delete) is harmless.
  e.deletionObserved('rs', 'ns/p1');
  assert.ok(e.satisfied('rs'));
});
