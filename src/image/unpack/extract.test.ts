import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  chmodSync, chownSync, linkSync, lstatSync, mkdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, utimesSync, writeFileSync,
} from 'node:fs';
import type { Stats } from 'node:fs';
import { join } from 'node:path';
import { extractLayer } from './extract-layer.ts';
import { TarReader } from './tar-reader.ts';
import type { TarHeader } from './tar-reader.ts';
import { buildTar, gnuTar, tempDir, writeLayer } from './test-tar.ts';
import type { Compression, ExtractLayerResult } from './types.ts';

const isRoot = process.geteuid?.() === 0;
const dirs: string[] = [];
test.after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

async function unpack(tar: Buffer, compression: Compression = 'gzip'): Promise<{ root: string; r: ExtractLayerResult }> {
  const dir = tempDir();
  dirs.push(dir);
  const layer = writeLayer(dir, tar, compression);
  const root = join(dir, 'fs');
  mkdirSync(root);
  const r = await extractLayer({ ...layer, target: root, scratchFile: join(dir, 'scratch.tar') });
  assert.equal(r.diffId, layer.diffId);
  return { root, r };
}

const T = 1_650_000_000;

test('writes every entry type with modes, owners and mtimes', async () => {
  const { root, r } = await unpack(buildTar([
    { name: './', type: 'dir', mode: 0o755, mtime: T },
    { name: 'tmp/', type: 'dir', mode: 0o1777, mtime: T },
    { name: 'ro/', type: 'dir', mode: 0o555, mtime: T },
    { name: 'ro/file', body: 'read only', mode: 0o444, mtime: T },
    { name: 'bin/', type: 'dir', mode: 0o755, mtime: T },
    { name: 'bin/busybox', body: 'ELF', mode: 0o4755, uid: 12, gid: 34, mtime: T },
    { name: 'bin/sgid', body: 'x', mode: 0o2755, mtime: T },
    { name: 'bin/grp', body: 'x', mode: 0o664, mtime: T },
    { name: 'bin/sh', type: 'symlink', linkname: '/bin/busybox', mtime: T + 5, uid: 7, gid: 8 },
    { name: 'bin/rel', type: 'symlink', linkname: '../ro/file', mtime: T },
    { name: 'bin/ls', type: 'hardlink', linkname: 'bin/busybox' },
    { name: 'dev/null', type: 'char', devmajor: 1, devminor: 3, mode: 0o666, mtime: T },
    { name: 'dev/sda', type: 'block', devmajor: 8, devminor: 0, mode: 0o660, mtime: T },
    { name: 'run/pipe', type: 'fifo', mode: 0o600, mtime: T },
    { name: 'empty', body: '', mode: 0o600, mtime: T },
  ]));
  const st = (p: string): Stats => lstatSync(join(root, p));
  assert.equal(st('tmp').mode & 0o7777, 0o1777);
  assert.equal(st('ro').mode & 0o7777, 0o555);
  assert.equal(st('ro').mtimeMs, T * 1000, 'directory mtime set after its contents');
  assert.equal(readFileSync(join(root, 'ro/file'), 'utf8'), 'read only');
  assert.equal(st('bin/busybox').mode & 0o7777, 0o4755, 'setuid survives chown');
  assert.equal(st('bin/sgid').mode & 0o7777, 0o2755);
  assert.equal(st('bin/grp').mode & 0o7777, 0o664, 'umask does not mask the layer mode');
  assert.equal(st('bin/busybox').mtimeMs, T * 1000);
  assert.equal(readlinkSync(join(root, 'bin/sh')), '/bin/busybox', 'absolute symlink target kept verbatim');
  assert.equal(st('bin/sh').mtimeMs, (T + 5) * 1000, 'symlink mtime via lutimes');
  assert.equal(readlinkSync(join(root, 'bin/rel')), '../ro/file');
  assert.equal(st('bin/ls').ino, st('bin/busybox').ino, 'hard link shares the inode');
  assert.equal(st('empty').size, 0);
  assert.ok(st('run/pipe').isFIFO());
  if (isRoot) {
    assert.deepEqual([st('bin/busybox').uid, st('bin/busybox').gid], [12, 34]);
    assert.deepEqual([st('bin/sh').uid, st('bin/sh').gid], [7, 8]);
    assert.ok(st('dev/null').isCharacterDevice());
    assert.equal(st('dev/null').rdev, 0x103);
    assert.ok(st('dev/sda').isBlockDevice());
    assert.equal(st('dev/null').mode & 0o777, 0o666);
    assert.deepEqual(r.notes, []);
  } else {
    assert.ok(r.notes.some((n) => n.includes('device nodes')));
  }
  assert.equal(r.entries, 15);
  assert.equal(r.hardlinks, 1);
});

test('matches GNU tar on a real-world tree (gnu and posix formats)', async () => {
  const dir = tempDir();
  dirs.push(dir);
  const src = join(dir, 'src');
  mkdirSync(join(src, 'usr/lib/deep', 'x'.repeat(120)), { recursive: true });
  writeFileSync(join(src, 'usr/lib/deep', 'x'.repeat(120), 'y'.repeat(120)), 'long');
  writeFileSync(join(src, 'usr/suid'), 'suid');
  chmodSync(join(src, 'usr/suid'), 0o4711);
  writeFileSync(join(src, 'usr/a'), 'a');
  linkSync(join(src, 'usr/a'), join(src, 'usr/lib/a-link'));
  symlinkSync('/usr/lib', join(src, 'lib'));
  writeFileSync(Buffer.from(`${src}/caf\xe9-latin1`, 'latin1'), 'non-utf8 name');
  writeFileSync(join(src, 'café-utf8'), 'utf8 name');
  mkdirSync(join(src, 'sticky'), { mode: 0o1777 });
  chmodSync(join(src, 'sticky'), 0o1777);
  execFileSync('mkfifo', [join(src, 'fifo')]);
  if (isRoot) {
    chownSync(join(src, 'usr/a'), 1234, 5678);
    execFileSync('mknod', [join(src, 'null'), 'c', '1', '3']);
  }
  for (const p of ['usr/a', 'usr/suid', 'usr/lib', 'sticky', '.']) utimesSync(join(src, p), T, T);
  for (const format of ['gnu', 'posix'] as const) {
    const tar = gnuTar(src, format);
    const { root } = await unpack(tar, 'none');
    const ref = join(dir, `ref-${format}`);
    mkdirSync(ref);
    execFileSync('tar', ['-x', '-f', '-', '--numeric-owner', '-p', '-C', ref], { input: tar });
    assert.deepEqual(describeTree(root), describeTree(ref), format);
  }
});

function describeTree(dir: string): string[] {
  const out = execFileSync('find', ['.', '-printf', '%p %M %U:%G %s %n %T@ %l\n'], { cwd: dir, encoding: 'latin1' });
  // pax mtimes carry nanoseconds; Node's utimes takes a double, so compare to 10 µs.
  return out.trim().split('\n').map((l) => l.replace(/ (\d+\.\d{5})\d*( |$)/, ' $1$2')).sort();
}

test('whiteouts and opaque directories: overlayfs form when root, always recorded', async () => {
  const { root, r } = await unpack(buildTar([
    { name: 'etc/', type: 'dir', mtime: T },
    { name: 'etc/.wh.passwd', body: '' },
    { name: 'opt/', type: 'dir', mode: 0o750, mtime: T },
    { name: 'opt/.wh..wh..opq', body: '' },
    { name: 'opt/new', body: 'n' },
    { name: 'var/.wh.cache', body: '' },
    { name: 'var/cache/', type: 'dir' },
    { name: 'srv/keep', body: 'k' },
    { name: 'srv/.wh.keep', body: '' },
    { name: '.wh..wh.plnk/123', body: 'aufs' },
  ]));
  assert.deepEqual(r.whiteouts, ['etc/passwd', 'var/cache', 'srv/keep']);
  assert.deepEqual(r.opaqueDirs.sort(), ['opt', 'var/cache'], 'whiteout plus a new directory of that name makes it opaque');
  assert.equal(readFileSync(join(root, 'srv/keep'), 'utf8'), 'k', 'a whiteout does not delete a file of its own layer');
  assert.ok(lstatSync(join(root, 'var/cache')).isDirectory());
  assert.equal(lstatSync(join(root, 'opt')).mode & 0o7777, 0o750);
  assert.throws(() => lstatSync(join(root, '.wh..wh.plnk')), /ENOENT/);
  if (isRoot) {
    const wh = lstatSync(join(root, 'etc/passwd'));
    assert.ok(wh.isCharacterDevice() && wh.rdev === 0, 'whiteout is a 0/0 char device');
    assert.equal(lstatSync(join(root, 'etc')).mtimeMs, T * 1000, 'creating the whiteout kept the dir mtime');
    assert.deepEqual(readXattrs(root, 'opt'), { 'trusted.overlay.opaque': 'y' });
    assert.deepEqual(readXattrs(root, 'var/cache'), { 'trusted.overlay.opaque': 'y' });
    assert.equal(r.overlayReady, true);
  } else {
    assert.equal(r.overlayReady, false);
  }
});

test('applies xattrs from pax records when root (file capabilities)', async () => {
  const cap = Buffer.from('0100000200200000000000000000000000000000', 'hex');
  const { root, r } = await unpack(buildTar([
    { name: 'bin/ping', body: 'ELF', mode: 0o755, mtime: T, xattrs: new Map([['security.capability', cap]]) },
    { name: 'bin/pong', type: 'hardlink', linkname: 'bin/ping' },
  ]), 'zstd');
  assert.equal(r.xattrs['bin/ping']?.['security.capability'], cap.toString('base64'));
  assert.equal(readFileSync(join(root, 'bin/ping'), 'utf8'), 'ELF');
  assert.equal(lstatSync(join(root, 'bin/pong')).ino, lstatSync(join(root, 'bin/ping')).ino);
  if (isRoot) assert.equal(readXattrs(root, 'bin/ping')['security.capability'], cap.toString('latin1'));
  else assert.ok(r.notes.some((n) => n.includes('extended attributes')));
});

test('later entries replace earlier ones; directories merge', async () => {
  const { root } = await unpack(buildTar([
    { name: 'a', body: 'first' },
    { name: 'b', type: 'hardlink', linkname: 'a' },
    { name: 'a', body: 'second' },
    { name: 'd/x', body: 'x' },
    { name: 'd/', type: 'dir', mode: 0o700 },
    { name: 'e/f', body: 'f' },
    { name: 'e', type: 'symlink', linkname: '/elsewhere' },
    { name: 'g', type: 'symlink', linkname: 'target' },
    { name: 'g/', type: 'dir' },
  ]), 'none');
  assert.equal(readFileSync(join(root, 'a'), 'utf8'), 'second');
  assert.equal(readFileSync(join(root, 'b'), 'utf8'), 'first', 'the old inode keeps its other name');
  assert.equal(readFileSync(join(root, 'd/x'), 'utf8'), 'x');
  assert.equal(lstatSync(join(root, 'd')).mode & 0o777, 0o700);
  assert.equal(readlinkSync(join(root, 'e')), '/elsewhere');
  assert.ok(lstatSync(join(root, 'g')).isDirectory());
});

test('records hard links into lower layers instead of failing', async () => {
  const { root, r } = await unpack(buildTar([
    { name: 'usr/bin/', type: 'dir' },
    { name: 'usr/bin/perl5.36', type: 'hardlink', linkname: 'usr/bin/perl' },
    { name: 'usr/bin/again', type: 'hardlink', linkname: 'usr/bin/perl5.36' },
  ]));
  assert.deepEqual(r.lowerHardlinks, [
    { path: 'usr/bin/perl5.36', target: 'usr/bin/perl' },
    { path: 'usr/bin/again', target: 'usr/bin/perl' },
  ]);
  assert.throws(() => lstatSync(join(root, 'usr/bin/perl5.36')), /ENOENT/);
});

/** Reads xattrs through GNU tar's own archive (Node has no xattr API), parsed with TarReader. */
function readXattrs(root: string, rel: string): Record<string, string> {
  const tar = execFileSync('tar', ['-c', '-f', '-', '--no-recursion', '--xattrs', '--xattrs-include=*', '-C', root, rel]);
  const found: TarHeader[] = [];
  const reader = new TarReader({ onEntry: (h) => found.push(h), onData: () => {}, onEntryEnd: () => {} }, 'xattr-probe');
  reader.push(tar);
  reader.end();
  return Object.fromEntries([...(found[0]?.xattrs ?? [])].map(([k, v]) => [k, v.toString('latin1')]));
}


test('without root: read-only dirs are filled, fifos made, owners/devices/whiteouts recorded as notes', async () => {
  const dir = tempDir();
  dirs.push(dir);
  chmodSync(dir, 0o777);
  const script = join(dir, 'nonroot.ts');
  writeFileSync(script, `
    import { extractLayer } from ${JSON.stringify(new URL('./extract-layer.ts', import.meta.url).pathname)};
    import { buildTar, writeLayer } from ${JSON.stringify(new URL('./test-tar.ts', import.meta.url).pathname)};
    import { mkdirSync } from 'node:fs';
    const d = process.argv[2] + '/work';
    mkdirSync(d);
    const l = writeLayer(d, buildTar([
      { name: 'ro/', type: 'dir', mode: 0o555 }, { name: 'ro/f', body: 'x', mode: 0o444, uid: 5 },
      { name: 'dev/null', type: 'char', devmajor: 1, devminor: 3 }, { name: 'p', type: 'fifo' },
      { name: 'etc/.wh.x', body: '' }, { name: 's', body: 'x', mode: 0o4755 },
    ]));
    mkdirSync(d + '/fs');
    const r = await extractLayer({ ...l, target: d + '/fs', scratchFile: d + '/s.tar' });
    process.stdout.write(JSON.stringify({ uid: process.geteuid(), notes: r.notes, overlayReady: r.overlayReady, whiteouts: r.whiteouts }));
  `);
  const node = process.execPath;
  const cmd = isRoot ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', node, script, dir] : [node, script, dir];
  const out = JSON.parse(execFileSync(cmd[0]!, cmd.slice(1), { encoding: 'utf8' })) as { uid: number; notes: string[]; overlayReady: boolean; whiteouts: string[] };
  assert.notEqual(out.uid, 0);
  const fs = join(dir, 'work/fs');
  assert.equal(lstatSync(join(fs, 'ro')).mode & 0o7777, 0o555);
  assert.equal(readFileSync(join(fs, 'ro/f'), 'utf8'), 'x');
  assert.ok(lstatSync(join(fs, 'p')).isFIFO());
  assert.equal(lstatSync(join(fs, 's')).mode & 0o7777, 0o4755);
  assert.equal(lstatSync(join(fs, 'dev/null'), { throwIfNoEntry: false }), undefined);
  assert.deepEqual(out.whiteouts, ['etc/x']);
  assert.equal(out.overlayReady, false);
  assert.deepEqual(out.notes.sort(), ['device nodes were skipped: creating them needs root', 'file owners were not applied: not running as root']);
});
