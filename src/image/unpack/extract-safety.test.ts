// Escape attempts: each must fail with an ImageError, leave nothing outside the store and no
// snapshot or temp directory behind; a seeded fuzz run checks the same over random layers.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ImageError, isImageError } from '../errors.ts';
import { SnapshotStore } from './snapshots.ts';
import { buildTar, tempDir, writeLayer } from './test-tar.ts';
import type { TestEntry } from './test-tar.ts';
import type { Compression } from './types.ts';

const base = tempDir();
const outside = join(base, 'outside');
const layers = join(base, 'layers');
mkdirSync(outside);
mkdirSync(layers);
writeFileSync(join(outside, 'sentinel'), 'original');
const store = await SnapshotStore.open(join(base, 'snapshots'), { pool: false });
test.after(() => rmSync(base, { recursive: true, force: true }));

function outsideState(): string {
  const st = lstatSync(join(outside, 'sentinel'));
  const dir = lstatSync(outside);
  return JSON.stringify([readdirSync(base).sort(), readdirSync(outside).sort(), readFileSync(join(outside, 'sentinel'), 'utf8'),
    st.mode, st.nlink, st.mtimeMs, dir.mode, dir.mtimeMs]);
}

async function unpack(entries: TestEntry[], compression: Compression = 'none', limits?: { maxUncompressedBytes?: number; maxEntries?: number }, into = store) {
  const l = writeLayer(layers, buildTar(entries), compression);
  return into.unpackLayer({ ...l, chainId: l.diffId, limits });
}

async function expectRejected(name: string, entries: TestEntry[], code = 'UNSAFE_LAYER', pattern?: RegExp): Promise<void> {
  const before = outsideState();
  const snapshotsBefore = readdirSync(store.root).sort();
  await assert.rejects(unpack(entries), (e: unknown) => {
    assert.ok(e instanceof ImageError, `${name}: ${String(e)}`);
    assert.equal(e.code, code, `${name}: ${e.message}`);
    if (pattern !== undefined) assert.match(e.message, pattern, name);
    assert.match(e.message, /layer sha256:[0-9a-f]{64}/, `${name}: message names the layer`);
    return true;
  }, name);
  assert.equal(outsideState(), before, `${name}: nothing outside changed`);
  assert.deepEqual(readdirSync(store.root).sort(), snapshotsBefore, `${name}: no snapshot or temp dir left`);
}

test('refuses entries that would write outside the root', async () => {
  const out = outside.slice(1); // relative spelling of the outside dir, for absolute-target tricks
  await expectRejected('dotdot name', [{ name: '../outside/sentinel', body: 'pwned' }], 'UNSAFE_LAYER', /'\.\.\/outside\/sentinel'/);
  await expectRejected('inner dotdot', [{ name: 'a/b/../../../x', body: 'pwned' }]);
  await expectRejected('pax path with dotdot', [{ name: `${'../'.repeat(40)}${out}/sentinel`, body: 'pwned' }]);
  await expectRejected('gnu long name with dotdot', [{ name: `${'../'.repeat(40)}x`, body: 'pwned', longNames: 'gnu' }]);
  await expectRejected('write through absolute symlink', [
    { name: 'etc', type: 'symlink', linkname: outside },
    { name: 'etc/sentinel', body: 'pwned' },
  ], 'UNSAFE_LAYER', /through symlink 'etc'/);
  await expectRejected('write through relative symlink', [
    { name: 'a', type: 'symlink', linkname: '../../../../../../..' },
    { name: `a/${out}/sentinel`, body: 'pwned' },
  ]);
  await expectRejected('directory through symlink', [
    { name: 'a', type: 'symlink', linkname: outside },
    { name: 'a/newdir/', type: 'dir' },
  ]);
  await expectRejected('whiteout through symlink', [
    { name: 'a', type: 'symlink', linkname: outside },
    { name: 'a/.wh.sentinel', body: '' },
  ]);
  await expectRejected('opaque through symlink', [
    { name: 'a', type: 'symlink', linkname: outside },
    { name: 'a/.wh..wh..opq', body: '' },
  ]);
  await expectRejected('hard link with dotdot', [{ name: 'h', type: 'hardlink', linkname: '../outside/sentinel' }]);
  await expectRejected('hard link through symlink', [
    { name: 's', type: 'symlink', linkname: outside },
    { name: 'h', type: 'hardlink', linkname: 's/sentinel' },
  ], 'UNSAFE_LAYER', /through symlink 's'/);
  await expectRejected('hard link to absolute outside path', [
    { name: 'h', type: 'hardlink', linkname: join(outside, 'sentinel') },
  ], 'LAYER_FORMAT', /neither this layer nor the layers below/);
});

test('absolute names are made relative; a file replaces a symlink without following it', async () => {
  const before = outsideState();
  const info = await unpack([
    { name: '/abs/file', body: 'inside' },
    { name: 'victim', type: 'symlink', linkname: join(outside, 'sentinel') },
    { name: 'victim', body: 'replaced' },
    { name: 'dirlink', type: 'symlink', linkname: outside },
    { name: 'dirlink/', type: 'dir', mode: 0o700 },
  ]);
  assert.equal(readFileSync(join(info.fsPath, 'abs/file'), 'utf8'), 'inside');
  assert.equal(readFileSync(join(info.fsPath, 'victim'), 'utf8'), 'replaced');
  assert.ok(lstatSync(join(info.fsPath, 'dirlink')).isDirectory());
  assert.equal(outsideState(), before);
});

test('decompression bombs are stopped by the byte and entry limits', async () => {
  const zeros = Buffer.alloc(8 * 1024 * 1024);
  const before = readdirSync(store.root).sort();
  await assert.rejects(unpack([{ name: 'bomb', body: zeros }], 'gzip', { maxUncompressedBytes: 1024 * 1024 }),
    (e: unknown) => isImageError(e, 'SIZE_LIMIT') && /maxUncompressedBytes/.test(e.message));
  const many = Array.from({ length: 50 }, (_, i) => ({ name: `f${i}`, body: '' }));
  await assert.rejects(unpack(many, 'zstd', { maxEntries: 10 }), (e: unknown) => isImageError(e, 'SIZE_LIMIT') && /maxEntries/.test(e.message));
  assert.deepEqual(readdirSync(store.root).sort(), before);
  const ok = await unpack(many, 'zstd', { maxEntries: 50 });
  assert.equal(ok.entries, 50);
});

test('fuzz: random names and link targets never escape the root (seeded)', async () => {
  let seed = 0x5eed;
  const rnd = (n: number): number => {
    seed ^= seed << 13; seed >>>= 0;
    seed ^= seed >>> 17;
    seed ^= seed << 5; seed >>>= 0;
    return seed % n;
  };
  const parts = ['a', 'b', 'c', 'a', 'b', '.', '', 'etc', '.wh.a', '.wh..wh..opq', '.wh..wh.plnk', 'x'.repeat(60), '\u00e9', '/'];
  const randPath = (): string => {
    const n = 1 + rnd(5);
    const p = Array.from({ length: n }, () => (rnd(40) === 0 ? '..' : parts[rnd(parts.length)])).join('/');
    return rnd(6) === 0 ? `/${p}` : rnd(12) === 0 ? `${outside}/${p}` : p;
  };
  const types = ['file', 'file', 'dir', 'symlink', 'symlink', 'hardlink', 'file', 'dir', 'symlink', 'hardlink', 'hardlink', 'fifo'] as const;
  const fuzzStore = await SnapshotStore.open(join(base, 'fuzz-snapshots'), { pool: false });
  const before = outsideState();
  const tally = new Map<string, number>();
  for (let i = 0; i < 500; i++) {
    const entries: TestEntry[] = Array.from({ length: 2 + rnd(12) }, () => {
      const type = types[rnd(types.length)]!;
      const linkname = rnd(3) === 0 ? outside : rnd(8) === 0 ? `${'../'.repeat(rnd(4))}${randPath()}` : randPath();
      return { name: randPath(), type, body: type === 'file' ? 'data' : undefined, linkname, mode: rnd(0o10000) };
    });
    let outcome = 'ok';
    try {
      const info = await unpack(entries, 'none', undefined, fuzzStore);
      await fuzzStore.remove(info.chainId);
    } catch (e) {
      assert.ok(e instanceof ImageError, `layer ${i}: non-ImageError ${String(e)}\n${JSON.stringify(entries)}`);
      outcome = e.code;
    }
    tally.set(outcome, (tally.get(outcome) ?? 0) + 1);
    assert.equal(outsideState(), before, `layer ${i} changed something outside the root: ${JSON.stringify(entries)}`);
    assert.deepEqual(readdirSync(fuzzStore.root), [], `layer ${i} left a snapshot or temp dir`);
    rmSync(layers, { recursive: true });
    mkdirSync(layers);
  }
  console.log(`fuzz outcomes: ${JSON.stringify([...tally])}`);
  // Both outcomes must be exercised, or the fuzz proves nothing.
  assert.ok((tally.get('ok') ?? 0) > 60, JSON.stringify([...tally]));
  assert.ok((tally.get('UNSAFE_LAYER') ?? 0) > 60, JSON.stringify([...tally]));
});
