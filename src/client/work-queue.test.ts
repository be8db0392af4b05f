import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { BucketRateLimiter, ItemExponentialFailureRateLimiter, MaxOfRateLimiter, defaultControllerRateLimiter } from './rate-limiter.ts';
import { WorkQueue } from './work-queue.ts';

/** Resolves with the promise's value, or 'pending' if it has not settled within `ms`. */
async function within<T>(p: Promise<T>, ms = 30): Promise<T | 'pending'> {
  return Promise.race([p, sleep(ms).then(() => 'pending' as const)]);
}

test('a key added while it waits is queued once; keys come out in order', async () => {
  const q = new WorkQueue<string>();
  q.add('a');
  q.add('b');
  q.add('a');
  assert.equal(q.len(), 2);
  assert.equal(await q.get(), 'a');
  assert.equal(await q.get(), 'b');
  assert.equal(q.len(), 0);
  q.shutDown();
});

test('a key being processed is not handed out again until done(), then once more', async () => {
  const q = new WorkQueue<string>();
  q.add('k');
  const first = await q.get();
  assert.equal(first, 'k');
  q.add('k');
  q.add('k');
  assert.equal(q.len(), 0, 'the re-added key waits for done(), not in the queue');
  const second = q.get();
  assert.equal(await within(second), 'pending');
  q.done('k');
  assert.equal(await within(second), 'k');
  q.done('k');
  assert.equal(await within(q.get()), 'pending', 'processed twice in all, not three times');
  q.shutDown();
});

test('concurrent workers never hold the same key at once', async () => {
  const q = new WorkQueue<number>();
  const holding = new Set<number>();
  let overlaps = 0;
  let processed = 0;
  const worker = async (): Promise<void> => {
    for (let key = await q.get(); key !== undefined; key = await q.get()) {
      if (holding.has(key)) overlaps++;
      holding.add(key);
      await sleep(1);
      processed++;
      holding.delete(key);
      q.done(key);
    }
  };
  const workers = [worker(), worker(), worker(), worker()];
  for (let round = 0; round < 20; round++) {
    for (let k = 0; k < 3; k++) q.add(k);
    await sleep(1);
  }
  await sleep(30);
  q.shutDown();
  await Promise.all(workers);
  assert.equal(overlaps, 0);
  assert.ok(processed >= 3);
});

test('get() waits for an add', async () => {
  const q = new WorkQueue<string>();
  const pending = q.get();
  assert.equal(await within(pending), 'pending');
  q.add('late');
  assert.equal(await pending, 'late');
  q.shutDown();
});

test('shutDown: waiting get() answers undefined, queued keys drain first, adds are ignored', async () => {
  const q = new WorkQueue<string>();
  const waiting = q.get();
  q.shutDown();
  assert.equal(await waiting, undefined);
  assert.equal(q.shuttingDown(), true);

  const r = new WorkQueue<string>();
  r.add('x');
  r.addAfter('later', 10);
  r.shutDown();
  r.add('y');
  assert.equal(await r.get(), 'x');
  assert.equal(await r.get(), undefined);
  await sleep(30);
  assert.equal(r.len(), 0, 'a delayed key is dropped by shutDown');
});

test('addAfter adds the key later; the earlier of two delays wins', async () => {
  const q = new WorkQueue<string>();
  q.addAfter('d', 40);
  q.addAfter('d', 10);
  q.addAfter('d', 200);
  assert.equal(q.len(), 0);
  const started = performance.now();
  assert.equal(await q.get(), 'd');
  const waited = performance.now() - started;
  assert.ok(waited >= 8 && waited < 150, `waited ${waited} ms`);
  q.done('d');
  assert.equal(await within(q.get(), 250), 'pending', 'the later delays were folded into the first');
  q.shutDown();
});

test('addRateLimited backs off per key; forget resets the count', async () => {
  const q = new WorkQueue<string>({ rateLimiter: new ItemExponentialFailureRateLimiter<string>(20, 1000) });
  q.addRateLimited('r');
  q.addRateLimited('r');
  assert.equal(q.numRequeues('r'), 2);
  const started = performance.now();
  assert.equal(await q.get(), 'r');
  assert.ok(performance.now() - started >= 15, 'the first retry waited the base delay');
  q.done('r');
  q.forget('r');
  assert.equal(q.numRequeues('r'), 0);
  q.shutDown();
});

test('per-item exponential backoff: 5 ms doubling, capped at 1000 s, per key', () => {
  const limiter = new ItemExponentialFailureRateLimiter<string>();
  const delays = Array.from({ length: 6 }, () => limiter.when('a'));
  assert.deepEqual(delays, [5, 10, 20, 40, 80, 160]);
  assert.equal(limiter.when('b'), 5, 'another key starts at the base');
  for (let i = 0; i < 100; i++) limiter.when('a');
  assert.equal(limiter.when('a'), 1_000_000);
  assert.equal(limiter.numRequeues('a'), 107);
  limiter.forget('a');
  assert.equal(limiter.when('a'), 5);
});

test('token bucket: the burst is free, then one token per 1/qps', () => {
  let now = 0;
  const bucket = new BucketRateLimiter<string>(10, 100, () => now);
  for (let i = 0; i < 100; i++) assert.equal(bucket.when('k'), 0);
  assert.equal(bucket.when('k'), 100);
  assert.equal(bucket.when('k'), 200);
  now = 1000;
  // Ten tokens came back in the second; two were owed.
  assert.equal(bucket.when('k'), 0);
});

test('the default controller limiter is the larger of the two', () => {
  let now = 0;
  const limiter = new MaxOfRateLimiter<string>(new ItemExponentialFailureRateLimiter<string>(5, 1_000_000), new BucketRateLimiter<string>(10, 100, () => now));
  for (let i = 0; i < 100; i++) limiter.when(`k${i}`);
  assert.equal(limiter.when('fresh'), 100, 'the bucket is empty, so it dominates the 5 ms item delay');
  now = 60_000;
  for (let i = 0; i < 12; i++) limiter.when('hot');
  assert.equal(limiter.when('hot'), 5 * 2 ** 12, 'with tokens to spare the per-item backoff dominates');
  assert.equal(limiter.numRequeues('hot'), 13);
  assert.equal(defaultControllerRateLimiter<string>().when('x'), 5);
});
