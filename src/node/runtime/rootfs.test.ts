// Rootfs from snapshot dirs, overlay and copy, and what a container sees in it (real runc).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { removeCgroup } from './cgroups.ts';
import { ContainerRuntime } from './container-runtime.ts';
import { isRuntimeError } from './errors.ts';
import { buildOciSpec } from './oci-spec.ts';
import { prepareRootfs, releaseRootfs } from './rootfs.ts';
import { rootfsUserDb } from './rootfs-users.ts';
import { assertNoMounts, assertNoRuncState, busyboxRootfs, requireRunc, snapshotDir, tempDir, unique, whiteout } from './test-support.ts';

const base = tempDir('rootfs');
const cgroupParent = `/ferry-test-${unique()}`;
let runtime: ContainerRuntime;
let lower: string;
let upper: string;

before(async () => {
  await requireRunc();
  runtime = new ContainerRuntime({ stateDir: join(base, 'state') });
  // lower: busybox, /etc/{a,gone,keep}.txt, /opq/old.txt
  lower = join(base, 'snapshots', 'lower');
  const lfs = busyboxRootfs(snapshotDir(lower));
  mkdirSync(join(lfs, 'etc'));
  writeFileSync(join(lfs, 'etc', 'a.txt'), 'lower\n');
  writeFileSync(join(lfs, 'etc', 'gone.txt'), 'should be hidden\n');
  writeFileSync(join(lfs, 'etc', 'keep.txt'), 'kept\n');
  mkdirSync(join(lfs, 'opq'));
  writeFileSync(join(lfs, 'opq', 'old.txt'), 'old\n');
  // upper: shadows a.txt, deletes gone.txt (overlay whiteout + meta), adds new.txt
  upper = join(base, 'snapshots', 'upper');
  const ufs = snapshotDir(upper, { whiteouts: ['etc/gone.txt'] });
  mkdirSync(join(ufs, 'etc'));
  writeFileSync(join(ufs, 'etc', 'a.txt'), 'upper\n');
  whiteout(join(ufs, 'etc', 'gone.txt'));
  writeFileSync(join(ufs, 'etc', 'new.txt'), 'new\n');
});

after(async () => {
  if (runtime !== undefined) {
    for (const c of await runtime.listContainers().catch(() => [])) await runtime.removeContainer(c.id, { force: true }).catch(() => {});
  }
  await removeCgroup(cgroupParent).catch(() => {});
  for (const d of readdirSync(join(base, 'bundles'), { withFileTypes: true }).filter((e) => e.isDirectory())) {
    await releaseRootfs(join(base, 'bundles', d.name)).catch(() => {});
  }
  rmSync(base, { recursive: true, force: true });
});

function etcView(rootfs: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(join(rootfs, 'etc')).sort()) out[name] = readFileSync(join(rootfs, 'etc', name), 'utf8');
  return out;
}
const MERGED = { 'a.txt': 'upper\n', 'keep.txt': 'kept\n', 'new.txt': 'new\n' };

for (const mode of ['overlay', 'copy'] as const) {
  test(`${mode}: a container sees the merged layers, writes stay in its own dir, release leaves nothing`, async () => {
    const id = `${mode}-${unique()}`;
    const bundleDir = join(base, 'bundles', id);
    const rootfs = await prepareRootfs({ layers: [lower, upper], dir: bundleDir, mode });
    assert.equal(rootfs.mode, mode);
    assert.deepEqual(etcView(rootfs.path), MERGED);

    const spec = buildOciSpec({
      image: { Cmd: ['sh', '-c', 'cat /etc/a.txt; ls /etc; echo written > /etc/a.txt; cat /etc/a.txt'] },
      container: { name: 'main' },
      pod: { hostname: 'p', cgroupsPath: `${cgroupParent}/${id}` },
      users: rootfsUserDb(rootfs.path),
    });
    const logPath = join(base, 'logs', `${id}.log`);
    await runtime.runContainer({ id, bundleDir, spec, rootfs, logPath });
    assert.equal((await runtime.waitForExit(id, { timeoutMs: 20_000 })).exitCode, 0);
    const out = readFileSync(logPath, 'utf8').split('\n').filter(Boolean).map((l) => l.replace(/^\S+ stdout F /, ''));
    assert.deepEqual(out, ['upper', 'a.txt', 'keep.txt', 'new.txt', 'written']);
    if (mode === 'overlay') assert.equal(readFileSync(join(bundleDir, 'upper', 'etc', 'a.txt'), 'utf8'), 'written\n', 'copy-up into the container upper dir');
    assert.equal(readFileSync(join(upper, 'fs', 'etc', 'a.txt'), 'utf8'), 'upper\n', 'snapshots are never written');

    await runtime.removeContainer(id);
    await assertNoMounts(bundleDir);
    assert.equal(existsSync(bundleDir), false);
    assert.equal(readFileSync(join(lower, 'fs', 'etc', 'gone.txt'), 'utf8'), 'should be hidden\n', 'lower layer intact');
  });
}

test('copy: opaque directories from meta.json hide the lower contents', async () => {
  const opaque = join(base, 'snapshots', 'opaque');
  const ofs = snapshotDir(opaque, { opaqueDirs: ['opq'] });
  mkdirSync(join(ofs, 'opq'));
  writeFileSync(join(ofs, 'opq', 'new.txt'), 'n\n');
  const dir = join(base, 'bundles', `opaque-${unique()}`);
  const r = await prepareRootfs({ layers: [lower, opaque], dir, mode: 'copy' });
  assert.deepEqual(readdirSync(join(r.path, 'opq')), ['new.txt']);
  assert.ok(existsSync(join(r.path, 'bin', 'busybox')));
  await r.release();
  assert.deepEqual(readdirSync(dir), []);
});

test('auto picks overlay as root; release twice is fine', async () => {
  const dir = join(base, 'bundles', `auto-${unique()}`);
  const r = await prepareRootfs({ layers: [lower, upper], dir });
  assert.equal(r.mode, 'overlay');
  await r.release();
  await r.release();
  await assertNoMounts(dir);
  await assert.rejects(prepareRootfs({ layers: [join(base, 'nope')], dir }), (e) => isRuntimeError(e, 'ROOTFS_FAILED'));
});

test('release never follows a symlink out of the container dir', async () => {
  const outside = join(base, 'outside');
  mkdirSync(outside, { recursive: true });
  writeFileSync(join(outside, 'precious'), 'keep me\n');
  for (const mode of ['overlay', 'copy'] as const) {
    const dir = join(base, 'bundles', `escape-${mode}-${unique()}`);
    const r = await prepareRootfs({ layers: [lower], dir, mode });
    symlinkSync(outside, join(r.path, 'escape'));
    symlinkSync('/', join(r.path, 'root-link'));
    await r.release();
    assert.deepEqual(readdirSync(dir), []);
  }
  assert.equal(readFileSync(join(outside, 'precious'), 'utf8'), 'keep me\n');
});

test('overlay with many layers: lower dirs passed relative when absolute paths are too long', async () => {
  const root = join(base, 'many', 'a'.repeat(40));
  const layers: string[] = [];
  for (let i = 0; i < 45; i++) {
    const d = join(root, i.toString(16).padStart(64, '0'));
    const fs = snapshotDir(d);
    writeFileSync(join(fs, 'layer'), `${i}\n`);
    writeFileSync(join(fs, `only-${i}`), '');
    layers.push(d);
  }
  assert.ok(layers.map((l) => `${l}/fs`).join(':').length > 4000);
  const dir = join(base, 'bundles', `many-${unique()}`);
  const r = await prepareRootfs({ layers, dir, mode: 'overlay' });
  assert.equal(readFileSync(join(r.path, 'layer'), 'utf8'), '44\n');
  assert.equal(readdirSync(r.path).length, 46);
  await r.release();
  await assertNoMounts(dir);
});

test('afterwards: no runc state and no mounts', async () => {
  assertNoRuncState(runtime.runc.root);
  await assertNoMounts(base);
});
