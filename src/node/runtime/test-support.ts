// Helpers for the runtime's tests (imported by *.test.ts only): a busybox rootfs, snapshot-like
// layer dirs, and checks that a test left no runc state and no mounts behind.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectRunc } from './detect-runc.ts';
import { mountsUnder } from './mounts.ts';

export const BUSYBOX = '/bin/busybox';
const APPLETS = ['sh', 'echo', 'sleep', 'cat', 'ls', 'id', 'true'];

/** runc's path; fails (never skips) the test with the install hint when runc is missing. */
export async function requireRunc(): Promise<string> {
  const st = await detectRunc();
  if (!st.available) assert.fail(st.message);
  return st.path;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `ferry-rt-${prefix}-`));
}

/** `dir/bin/busybox` and applet symlinks: enough of a rootfs for sh, echo, sleep, cat, ls, id. */
export function busyboxRootfs(dir: string): string {
  mkdirSync(join(dir, 'bin'), { recursive: true });
  copyFileSync(BUSYBOX, join(dir, 'bin', 'busybox'));
  for (const a of APPLETS) symlinkSync('busybox', join(dir, 'bin', a));
  return dir;
}

/** A snapshot dir in src/image/unpack's layout: `fs/` plus `meta.json`. */
export function snapshotDir(dir: string, meta: { whiteouts?: string[]; opaqueDirs?: string[] } = {}): string {
  mkdirSync(join(dir, 'fs'), { recursive: true });
  writeFileSync(join(dir, 'meta.json'), JSON.stringify({ version: 1, whiteouts: meta.whiteouts ?? [], opaqueDirs: meta.opaqueDirs ?? [], xattrs: {}, overlayReady: true }));
  return join(dir, 'fs');
}

/** An overlay whiteout: a 0/0 character device (needs root). */
export function whiteout(path: string): void {
  execFileSync('mknod', [path, 'c', '0', '0']);
}

export async function assertNoMounts(dir: string): Promise<void> {
  assert.deepEqual(await mountsUnder(dir), [], `mounts left under ${dir}`);
}

/** runc's state dir holds no container. */
export function assertNoRuncState(runcRoot: string): void {
  let names: string[] = [];
  try {
    names = readdirSync(runcRoot);
  } catch { /* never created */ }
  assert.deepEqual(names, [], `runc state left in ${runcRoot}`);
}

export function unique(): string {
  return `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}
