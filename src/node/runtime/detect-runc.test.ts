import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ContainerRuntime } from './container-runtime.ts';
import { detectRunc, findRunc } from './detect-runc.ts';
import { isRuntimeError } from './errors.ts';
import { tempDir } from './test-support.ts';

test('this machine has runc: found with its version (fails, never skips, when it is missing)', async () => {
  const st = await detectRunc();
  if (!st.available) assert.fail(st.message);
  assert.match(st.path, /\/runc$/);
  assert.match(st.version, /^\d+\.\d+\.\d+/);
  assert.match(st.specVersion ?? '', /^1\.\d+\.\d+/);
});

test('no runc anywhere: a status whose message names the fix, no exception', async () => {
  const st = await detectRunc({ searchPath: '/nonexistent-bin', fallbacks: [] });
  assert.deepEqual(st, { available: false, reason: 'NotInstalled', message: 'runc is not installed; install it with: apt-get install runc' });
  assert.equal(findRunc({ searchPath: '', fallbacks: ['/nonexistent/runc'] }), undefined);
});

test('a runc that does not run: NotRunnable with a reinstall hint', async () => {
  const dir = tempDir('detect');
  try {
    mkdirSync(join(dir, 'bin'));
    writeFileSync(join(dir, 'bin', 'runc'), '#!/bin/sh\necho "segfault" >&2\nexit 139\n');
    chmodSync(join(dir, 'bin', 'runc'), 0o755);
    const st = await detectRunc({ searchPath: join(dir, 'bin'), fallbacks: [] });
    assert.equal(st.available, false);
    assert.ok(!st.available && st.reason === 'NotRunnable' && /apt-get install --reinstall runc/.test(st.message) && st.path === join(dir, 'bin', 'runc'));
    const explicit = await detectRunc({ path: join(dir, 'bin', 'runc'), searchPath: '' });
    assert.equal(explicit.available, false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a runc binary that vanished: RUNC_NOT_FOUND errors from the runtime, with the install hint', async () => {
  const rt = new ContainerRuntime({ stateDir: join(tempDir('gone'), 'state'), runcPath: '/nonexistent/runc' });
  try {
    await assert.rejects(rt.runc.list(), (e) => isRuntimeError(e, 'RUNC_NOT_FOUND') && /apt-get install runc/.test(e.message));
  } finally {
    rmSync(join(rt.stateDir, '..'), { recursive: true, force: true });
  }
});
