import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isImageError } from '../errors.ts';
import { SnapshotStore, chainIds } from './snapshots.ts';
import { buildTar, tempDir, writeLayer } from './test-tar.ts';
import type { TestEntry, TestLayer } from './test-tar.ts';
import { WorkerPool } from './worker-pool.ts';

const base = tempDir();
test.after(() => rmSync(base, { recursive: true, force: true }));
const isRoot = process.geteuid?.() === 0;

function image(layers: TestEntry[][]): { layers: TestLayer[]; ids: string[] } {
  const ls = layers.map((e, i) => writeLayer(base, buildTar(e), i % 2 === 0 ? 'gzip' : 'zstd'));
  return { layers: ls, ids: chainIds(ls.map((l) => l.diffId)) };
}

function req(img: { layers: TestLayer[]; ids: string[] }, i: number) {
  return { ...img.layers[i]!, chainId: img.ids[i]!, parentChainId: img.ids[i - 1] };
}

const img = image([
  [
    { name: 'etc/', type: 'dir', mode: 0o755 },
    { name: 'etc/passwd', body: 'root' },
    { name: 'etc/shadow', body: 'secret', mode: 0o600 },
    { name: 'opt/', type: 'dir' },
    { name: 'opt/old', body: 'old' },
    { name: 'usr/bin/perl', body: 'perl', mode: 0o755 },
    { name: 'bin', type: 'symlink', linkname: 'usr/bin' },
    { name: 'dev/null', type: 'char', devmajor: 1, devminor: 3, mode: 0o666 },
  ],
  [
    { name: 'etc/.wh.shadow', body: '' },
    { name: 'opt/.wh..wh..opq', body: '' },
    { name: 'opt/new', body: 'new' },
    { name: 'usr/bin/perl5', type: 'hardlink', linkname: 'usr/bin/perl' },
    { name: 'usr/bin/perl5b', type: 'hardlink', linkname: 'usr/bin/perl' },
  ],
  [
    { name: 'etc/passwd', body: 'root+user' },
    { name: '.wh.bin', body: '' },
    { name: 'bin/', type: 'dir' },
    { name: 'bin/sh', type: 'symlink', linkname: '/usr/bin/dash' },
  ],
]);

test('chainIds follows the OCI definition', () => {
  const d = ['sha256:' + 'a'.repeat(64), 'sha256:' + 'b'.repeat(64)];
  const second = `sha256:${createHash('sha256').update(`${d[0]} ${d[1]}`).digest('hex')}`;
  assert.deepEqual(chainIds(d), [d[0], second]);
});

test('unpacks layers in parallel through the worker pool; lowerDirs, list, materialize', async () => {
  const pool = new WorkerPool({ size: 2 });
  const store = await SnapshotStore.open(join(base, 'store'), { pool, inProcessMaxBlobBytes: 0 });
  try {
    const infos = await Promise.all([2, 1, 0].map((i) => store.unpackLayer(req(img, i))));
    assert.deepEqual(infos.map((s) => s.chainId), [img.ids[2], img.ids[1], img.ids[0]]);
    assert.equal(await store.has(img.ids[2]!), true);
    assert.deepEqual(readdirSync(store.root).sort(), img.ids.map((id) => id.slice(7)).sort(), 'no temp dirs left');
    const top = infos[0]!;
    assert.deepEqual(top.whiteouts, ['bin']);
    assert.equal(top.parentChainId, img.ids[1]);
    const meta = JSON.parse(readFileSync(join(top.path, 'meta.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(meta.diffId, img.layers[2]!.diffId);
    assert.equal(meta.layerDigest, img.layers[2]!.layerDigest);

    const mid = infos[1]!;
    assert.deepEqual(mid.lowerHardlinks.map((l) => l.path), ['usr/bin/perl5', 'usr/bin/perl5b']);
    assert.equal(readFileSync(join(mid.fsPath, 'usr/bin/perl5'), 'utf8'), 'perl', 'lower hard link became a copy');
    assert.equal(lstatSync(join(mid.fsPath, 'usr/bin/perl5')).mode & 0o777, 0o755);
    assert.equal(lstatSync(join(mid.fsPath, 'usr/bin/perl5b')).ino, lstatSync(join(mid.fsPath, 'usr/bin/perl5')).ino);

    assert.deepEqual(await store.lowerDirs(img.ids[2]!), [2, 1, 0].map((i) => join(store.root, img.ids[i]!.slice(7), 'fs')));
    assert.equal((await store.list()).length, 3);

    const root = join(base, 'rootfs');
    await store.materialize(img.ids[2]!, root);
    assert.equal(readFileSync(join(root, 'etc/passwd'), 'utf8'), 'root+user');
    assert.throws(() => lstatSync(join(root, 'etc/shadow')), /ENOENT/, 'whiteout applied');
    assert.deepEqual(readdirSync(join(root, 'opt')), ['new'], 'opaque dir hid the lower contents');
    assert.ok(lstatSync(join(root, 'bin')).isDirectory(), 'whiteout plus dir replaced the lower symlink');
    assert.equal(readlinkSync(join(root, 'bin/sh')), '/usr/bin/dash');
    assert.equal(readFileSync(join(root, 'usr/bin/perl5'), 'utf8'), 'perl');
    assert.equal(lstatSync(join(root, 'etc/shadow'), { throwIfNoEntry: false }), undefined);
    if (isRoot) assert.ok(lstatSync(join(root, 'dev/null')).isCharacterDevice());
    await assert.rejects(store.materialize(img.ids[2]!, root), /EEXIST|ENOTEMPTY/, 'target must not exist');

    await store.remove(img.ids[2]!);
    assert.equal(await store.has(img.ids[2]!), false);
    await assert.rejects(store.lowerDirs(img.ids[2]!), (e: unknown) => isImageError(e, 'NOT_FOUND'));
  } finally {
    await store.close();
    await pool.close();
  }
});

test('concurrent unpacks of one snapshot share the work; a second process loses the rename race cleanly', async () => {
  const root = join(base, 'race');
  const a = await SnapshotStore.open(root, { pool: false });
  const b = await SnapshotStore.open(root, { pool: false });
  const [x, y, z] = await Promise.all([a.unpackLayer(req(img, 0)), a.unpackLayer(req(img, 0)), b.unpackLayer(req(img, 0))]);
  assert.equal(x, y, 'same promise within one store');
  assert.equal(z.chainId, x.chainId);
  assert.deepEqual(readdirSync(root), [img.ids[0]!.slice(7)], 'one snapshot, no temp dir');
  const again = await a.unpackLayer(req(img, 0));
  assert.equal(again.created, x.created, 'idempotent: the existing snapshot is returned');
});

test('a diffID mismatch stores nothing', async () => {
  const store = await SnapshotStore.open(join(base, 'mismatch'), { pool: false });
  const wrong = 'sha256:' + 'f'.repeat(64);
  await assert.rejects(store.unpackLayer({ ...img.layers[0]!, diffId: wrong, chainId: wrong }),
    (e: unknown) => isImageError(e, 'DIGEST_MISMATCH') && e.message.includes(img.layers[0]!.layerDigest) && e.message.includes(wrong));
  assert.deepEqual(readdirSync(store.root), []);
});

test('rejects malformed ids and an inconsistent chain', async () => {
  const store = await SnapshotStore.open(join(base, 'ids'), { pool: false });
  await assert.rejects(store.unpackLayer({ ...req(img, 0), chainId: 'sha256:../../etc' }), (e: unknown) => isImageError(e, 'INVALID_ARGUMENT'));
  await assert.rejects(store.unpackLayer({ ...req(img, 1), chainId: img.ids[0]! }), (e: unknown) => isImageError(e, 'INVALID_ARGUMENT') && /does not match/.test(e.message));
  await assert.rejects(store.has('../x'), (e: unknown) => isImageError(e, 'INVALID_ARGUMENT'));
});

test('a hard link into a missing parent snapshot fails with NOT_FOUND and leaves nothing', async () => {
  const store = await SnapshotStore.open(join(base, 'orphan'), { pool: false });
  await assert.rejects(store.unpackLayer(req(img, 1)), (e: unknown) => isImageError(e, 'NOT_FOUND') && /hard-links into it/.test(e.message));
  assert.deepEqual(readdirSync(store.root), []);
});

test('abort through the pool rejects with ABORTED and leaves nothing', async () => {
  const pool = new WorkerPool({ size: 1 });
  const store = await SnapshotStore.open(join(base, 'abort'), { pool, inProcessMaxBlobBytes: 0 });
  try {
    const many = writeLayer(base, buildTar(Array.from({ length: 1000 }, (_, i) => ({ name: `d${i % 30}/f${i}`, body: 'x'.repeat(100) }))), 'gzip');
    const ac = new AbortController();
    const p = store.unpackLayer({ ...many, chainId: many.diffId, signal: ac.signal });
    setTimeout(() => ac.abort(), 5);
    await assert.rejects(p, (e: unknown) => isImageError(e, 'ABORTED'));
    assert.deepEqual(readdirSync(store.root), []);
    const ok = await store.unpackLayer({ ...many, chainId: many.diffId });
    assert.equal(ok.files, 1000, 'the pool still works after an abort');
  } finally {
    await pool.close();
  }
});

test('through the pool, layer errors keep their code and leave nothing; more jobs than workers queue', async () => {
  const pool = new WorkerPool({ size: 1 });
  const store = await SnapshotStore.open(join(base, 'pool-errors'), { pool, inProcessMaxBlobBytes: 0 });
  try {
    const unsafe = writeLayer(base, buildTar([{ name: 'a', type: 'symlink', linkname: '/etc' }, { name: 'a/passwd', body: 'x' }]), 'gzip');
    const bomb = writeLayer(base, buildTar([{ name: 'zeros', body: Buffer.alloc(4 << 20) }]), 'gzip');
    const good = writeLayer(base, buildTar([{ name: 'ok', body: 'fine' }]), 'zstd');
    const [u, b, g] = await Promise.allSettled([
      store.unpackLayer({ ...unsafe, chainId: unsafe.diffId }),
      store.unpackLayer({ ...bomb, chainId: bomb.diffId, limits: { maxUncompressedBytes: 1 << 20 } }),
      store.unpackLayer({ ...good, chainId: good.diffId }),
    ]);
    assert.ok(u.status === 'rejected' && isImageError(u.reason, 'UNSAFE_LAYER') && /'a\/passwd'/.test(u.reason.message));
    assert.ok(b.status === 'rejected' && isImageError(b.reason, 'SIZE_LIMIT'));
    assert.ok(g.status === 'fulfilled' && readFileSync(join(g.value.fsPath, 'ok'), 'utf8') === 'fine');
    assert.deepEqual(readdirSync(store.root), [good.diffId.slice(7)]);
    await assert.rejects(pool.materialize({ layers: [{ fsDir: join(base, 'missing'), whiteouts: [], opaqueDirs: [], xattrs: {} }], target: base, scratchFile: join(base, 'x.tar') }),
      (e: unknown) => (e as NodeJS.ErrnoException).code === 'ENOENT', 'a failed materialize job is reported, not lost');
  } finally {
    await pool.close();
  }
});

test('an overlayfs mount of lowerDirs shows the same tree as materialize (when root)', async () => {
  const store = await SnapshotStore.open(join(base, 'overlay'), { pool: false });
  await Promise.all([0, 1, 2].map((i) => store.unpackLayer(req(img, i))));
  const merged = join(base, 'overlay-merged');
  await store.materialize(img.ids[2]!, merged);
  const tree = (dir: string): string[] =>
    execFileSync('find', ['.', '-printf', '%p %M %U:%G %s %T@ %l\n'], { cwd: dir, encoding: 'latin1' }).trim().split('\n')
      .map((l) => l.replace(/ (\d+\.\d{5})\d*( |$)/, ' $1$2')).sort(); // copies keep mtimes to ~µs (utimes takes a double)
  assert.ok(tree(merged).includes('./etc/passwd -rw-r--r-- 0:0 9 1700000000.00000 '), tree(merged).join('\n'));
  if (!isRoot) return;
  const mnt = join(base, 'overlay-mnt');
  mkdirSync(mnt);
  execFileSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${(await store.lowerDirs(img.ids[2]!)).join(':')}`, mnt]);
  try {
    assert.deepEqual(tree(mnt), tree(merged));
  } finally {
    execFileSync('umount', [mnt]);
  }
});
