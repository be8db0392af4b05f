import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { isImageError } from '../errors.ts';
import { acquireLock, breakLockIfStale, readLockState, tryAcquireLock } from './lock.ts';
import { currentOwner, isOwnerAlive, isPidAlive } from './process-owner.ts';
import { NODE, tempDir } from './testing/harness.ts';

function deadPid(): number {
  const pid = spawnSync(NODE, ['-e', '']).pid;
  assert.ok(pid !== undefined && !isPidAlive(pid));
  return pid;
}

test('a lock is exclusive until released, and release removes only its own file', async (t) => {
  const path = join(await tempDir(t), 'x.lock');
  const lock = await tryAcquireLock(path);
  assert.ok(lock);
  const content = JSON.parse(await readFile(path, 'utf8')) as { pid: number; token: string };
  assert.equal(content.pid, process.pid);
  assert.equal(content.token, lock.token);
  assert.equal(await tryAcquireLock(path), undefined);
  assert.equal(await breakLockIfStale(path), false);
  await lock.release();
  const second = await tryAcquireLock(path);
  assert.ok(second);
  await lock.release();
  assert.equal((await readLockState(path)).kind, 'held');
  await second.release();
  assert.deepEqual(await readdir(join(path, '..')), []);
});

test('a lock held by a dead process or unreadable is broken', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'x.lock');
  await writeFile(path, JSON.stringify({ pid: deadPid(), token: 'dead' }));
  assert.deepEqual(await readLockState(path), { kind: 'held', owner: { pid: JSON.parse(await readFile(path, 'utf8')).pid }, token: 'dead', alive: false });
  const lock = await tryAcquireLock(path);
  assert.ok(lock);
  await lock.release();
  await writeFile(path, '');
  assert.equal((await readLockState(path)).kind, 'unreadable');
  const again = await tryAcquireLock(path);
  assert.ok(again);
  await again.release();
  assert.deepEqual(await readdir(dir), []);
});

test('a pid reused by another process or from another boot does not count as the holder', () => {
  const self = currentOwner();
  assert.equal(isOwnerAlive(self), true);
  if (self.start !== undefined) assert.equal(isOwnerAlive({ ...self, start: `${self.start}1` }), false);
  if (self.boot !== undefined) assert.equal(isOwnerAlive({ ...self, boot: 'another-boot' }), false);
});

test('acquireLock waits for the holder and honours the signal', async (t) => {
  const path = join(await tempDir(t), 'x.lock');
  const held = await acquireLock(path);
  await assert.rejects(acquireLock(path, { signal: AbortSignal.timeout(60), pollMs: 10 }), (err) => isImageError(err, 'ABORTED'));
  setTimeout(() => void held.release(), 30);
  const next = await acquireLock(path, { pollMs: 10, signal: AbortSignal.timeout(2000) });
  assert.notEqual(next.token, held.token);
  await next.release();
});
