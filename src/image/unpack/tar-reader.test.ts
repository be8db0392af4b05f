import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isImageError } from '../errors.ts';
import { TarReader } from './tar-reader.ts';
import type { TarHeader } from './tar-reader.ts';
import { buildTar, gnuTar, tempDir } from './test-tar.ts';
import { END_OF_ARCHIVE } from './tar-writer.ts';

interface Parsed { h: TarHeader; body: Buffer }

function parse(tar: Buffer, chunk = tar.length): Parsed[] {
  const out: Parsed[] = [];
  let parts: Buffer[] = [];
  const r = new TarReader({
    onEntry: (h) => { out.push({ h, body: Buffer.alloc(0) }); parts = []; },
    onData: (b, s, e) => { parts.push(Buffer.from(b.subarray(s, e))); },
    onEntryEnd: () => { out.at(-1)!.body = Buffer.concat(parts); },
  }, 'sha256:test');
  for (let i = 0; i < tar.length; i += chunk) r.push(tar.subarray(i, i + chunk));
  r.end();
  return out;
}

const longName = `${'d'.repeat(120)}/${'n'.repeat(130)}`;
const sample = buildTar([
  { name: 'dir/', type: 'dir', mode: 0o1777, uid: 1000, gid: 1001, mtime: 1_600_000_000 },
  { name: 'dir/file', body: 'hello', mode: 0o4755 },
  { name: longName, body: 'x'.repeat(1000) },
  { name: 'gnu-long', type: 'symlink', linkname: `/${'t'.repeat(200)}`, longNames: 'gnu' },
  { name: `${'g'.repeat(150)}`, body: 'gnu body', longNames: 'gnu' },
  { name: 'big-ids', body: '', uid: 2 ** 40, gid: 3, mtime: 1.5 },
  { name: 'dev', type: 'char', devmajor: 1, devminor: 3 },
  { name: 'attrs', body: 'a', xattrs: new Map([['security.capability', Buffer.from([1, 0, 0, 2])], ['user.k', Buffer.from('v')]]) },
  { name: 'hard', type: 'hardlink', linkname: 'dir/file' },
]);

test('parses ustar, pax and GNU headers with bodies', () => {
  const got = parse(sample);
  assert.deepEqual(got.map((p) => [p.h.name, p.h.type]), [
    ['dir/', 'dir'], ['dir/file', 'file'], [longName, 'file'], ['gnu-long', 'symlink'], ['g'.repeat(150), 'file'],
    ['big-ids', 'file'], ['dev', 'char'], ['attrs', 'file'], ['hard', 'hardlink'],
  ]);
  assert.equal(got[0]!.h.mode, 0o1777);
  assert.equal(got[0]!.h.uid, 1000);
  assert.equal(got[0]!.h.mtime, 1_600_000_000);
  assert.equal(got[1]!.h.mode, 0o4755);
  assert.equal(got[1]!.body.toString(), 'hello');
  assert.equal(got[2]!.body.toString(), 'x'.repeat(1000));
  assert.equal(got[3]!.h.linkname, `/${'t'.repeat(200)}`);
  assert.equal(got[4]!.body.toString(), 'gnu body');
  assert.equal(got[5]!.h.uid, 2 ** 40, 'base-256 uid');
  assert.equal(got[5]!.h.mtime, 1.5, 'pax fractional mtime');
  assert.deepEqual([got[6]!.h.devmajor, got[6]!.h.devminor], [1, 3]);
  assert.deepEqual(got[7]!.h.xattrs?.get('security.capability'), Buffer.from([1, 0, 0, 2]));
  assert.equal(got[7]!.h.xattrs?.get('user.k')?.toString(), 'v');
  assert.equal(got[8]!.h.linkname, 'dir/file');
});

test('gives the same result whatever the chunking', () => {
  const whole = parse(sample).map((p) => [p.h.name, p.h.linkname, p.h.size, p.body.toString('hex')]);
  for (const chunk of [1, 7, 511, 512, 513, 4096]) {
    assert.deepEqual(parse(sample, chunk).map((p) => [p.h.name, p.h.linkname, p.h.size, p.body.toString('hex')]), whole, `chunk ${chunk}`);
  }
});

test('parses archives written by GNU tar (gnu and posix formats)', (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const src = join(dir, 'src');
  mkdirSync(join(src, 'a'.repeat(110), 'b'.repeat(110)), { recursive: true });
  writeFileSync(join(src, 'a'.repeat(110), 'b'.repeat(110), 'c'.repeat(100)), 'deep');
  symlinkSync('/bin/busybox', join(src, 'sh'));
  for (const format of ['gnu', 'posix'] as const) {
    const got = parse(gnuTar(src, format));
    const deep = got.find((p) => p.h.name.endsWith('c'.repeat(100)));
    assert.equal(deep?.body.toString(), 'deep', format);
    assert.equal(deep?.h.name, `./${'a'.repeat(110)}/${'b'.repeat(110)}/${'c'.repeat(100)}`);
    assert.equal(got.find((p) => p.h.name === './sh')?.h.linkname, '/bin/busybox');
  }
});

test('ignores global pax headers and accepts a missing end marker', () => {
  const g = buildTar([{ name: 'x', body: 'keep' }], { end: false });
  // Turn a pax header for "path=evil" into a global one: it must not rename the next entry.
  const pax = buildTar([{ name: 'p'.repeat(101), body: '' }], { end: false });
  pax[156] = 'g'.charCodeAt(0);
  fixChecksum(pax, 0);
  const got = parse(Buffer.concat([pax, g]));
  assert.deepEqual(got.map((p) => p.h.name), ['p'.repeat(100), 'x']);
});

test('rejects corrupt and truncated streams with LAYER_FORMAT', () => {
  const bad = Buffer.from(sample);
  bad[0] = bad[0]! ^ 1;
  assert.throws(() => parse(bad), (e) => isImageError(e, 'LAYER_FORMAT') && /checksum/.test(e.message));
  assert.throws(() => parse(sample.subarray(0, 700)), (e) => isImageError(e, 'LAYER_FORMAT') && /truncated/.test(e.message));
  const lone = Buffer.concat([Buffer.alloc(512), buildTar([{ name: 'x', body: '' }])]);
  assert.throws(() => parse(lone), (e) => isImageError(e, 'LAYER_FORMAT') && /lone zero block/.test(e.message));
  const sparse = buildTar([{ name: 'x', body: '' }]);
  sparse[156] = 'S'.charCodeAt(0);
  fixChecksum(sparse, 0);
  assert.throws(() => parse(sparse), (e) => isImageError(e, 'LAYER_FORMAT') && /sparse/.test(e.message));
  const octal = buildTar([{ name: 'x', body: '' }]);
  octal.write('9', 124);
  fixChecksum(octal, 0);
  assert.throws(() => parse(octal), (e) => isImageError(e, 'LAYER_FORMAT') && /not octal/.test(e.message));
});

test('stops at two zero blocks and ignores trailing bytes', () => {
  const tar = Buffer.concat([buildTar([{ name: 'a', body: '1' }]), Buffer.from('garbage after the end')]);
  assert.deepEqual(parse(tar).map((p) => p.h.name), ['a']);
  assert.equal(END_OF_ARCHIVE.length, 1024);
});

function fixChecksum(b: Buffer, o: number): void {
  b.fill(0x20, o + 148, o + 156);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += b[o + i]!;
  b.write(`${sum.toString(8).padStart(6, '0')}\0 `, o + 148, 'latin1');
}
