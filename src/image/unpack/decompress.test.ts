import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, zstdCompressSync } from 'node:zlib';
import { isImageError } from '../errors.ts';
import { extractLayer } from './extract-layer.ts';
import { chooseCompression, compressionFromMediaType, openLayerStream, sniffCompression } from './decompress.ts';
import { buildTar, tempDir } from './test-tar.ts';

const dir = tempDir();
test.after(() => rmSync(dir, { recursive: true, force: true }));
const tar = buildTar(Array.from({ length: 200 }, (_, i) => ({ name: `f${i}`, body: `file ${i} `.repeat(50) })));
const diffId = `sha256:${createHash('sha256').update(tar).digest('hex')}`;

test('media types map to compressions; unknown and encrypted types are not layers', () => {
  const cases: [string, string | undefined][] = [
    ['application/vnd.oci.image.layer.v1.tar', 'none'],
    ['application/vnd.oci.image.layer.v1.tar+gzip', 'gzip'],
    ['application/vnd.oci.image.layer.v1.tar+zstd', 'zstd'],
    ['application/vnd.oci.image.layer.nondistributable.v1.tar+gzip', 'gzip'],
    ['application/vnd.docker.image.rootfs.diff.tar.gzip', 'gzip'],
    ['application/vnd.docker.image.rootfs.foreign.diff.tar.gzip', 'gzip'],
    ['application/vnd.oci.image.layer.v1.tar+gzip+encrypted', undefined],
    ['application/vnd.cncf.helm.chart.content.v1.tar+gzip', undefined],
  ];
  for (const [mt, want] of cases) assert.equal(compressionFromMediaType(mt), want, mt);
  assert.throws(() => chooseCompression('application/json', tar, 'sha256:x'), (e) => isImageError(e, 'LAYER_FORMAT') && /application\/json/.test(e.message));
  assert.throws(() => chooseCompression('', Buffer.from('PK\x03\x04zip'), 'sha256:x'), (e) => isImageError(e, 'LAYER_FORMAT') && /504b0304/.test(e.message));
});

test('magic bytes win over a wrong media type', () => {
  assert.equal(sniffCompression(gzipSync(tar).subarray(0, 512)), 'gzip');
  assert.equal(sniffCompression(zstdCompressSync(tar).subarray(0, 512)), 'zstd');
  assert.equal(sniffCompression(tar.subarray(0, 512)), 'none');
  assert.equal(chooseCompression('application/vnd.oci.image.layer.v1.tar+gzip', tar.subarray(0, 512), 'sha256:x'), 'none');
  assert.equal(chooseCompression('application/vnd.oci.image.layer.v1.tar', zstdCompressSync(tar), 'sha256:x'), 'zstd');
  assert.equal(chooseCompression('application/vnd.docker.image.rootfs.diff.tar.gzip', Buffer.alloc(0), 'sha256:x'), 'none', 'empty blob');
});

for (const [name, blob, mt] of [
  ['gzip', gzipSync(tar), 'application/vnd.oci.image.layer.v1.tar+gzip'],
  ['multi-member gzip', Buffer.concat([gzipSync(tar.subarray(0, 5000)), gzipSync(tar.subarray(5000))]), 'application/vnd.oci.image.layer.v1.tar+gzip'],
  ['zstd labelled gzip', zstdCompressSync(tar), 'application/vnd.oci.image.layer.v1.tar+gzip'],
  ['plain tar labelled gzip', tar, 'application/vnd.docker.image.rootfs.diff.tar.gzip'],
] as const) {
  test(`streams and hashes ${name}`, async () => {
    const p = join(dir, `${name}.blob`);
    writeFileSync(p, blob);
    const s = await openLayerStream(p, { mediaType: mt, layerDigest: 'sha256:test' });
    const parts: Buffer[] = [];
    for await (const c of s.chunks) parts.push(Buffer.from(c));
    assert.deepEqual(Buffer.concat(parts), tar);
    assert.deepEqual(s.result(), { diffId, compressedBytes: blob.length, uncompressedBytes: tar.length });
  });
}

test('corrupt compressed data and the byte limit fail with ImageErrors from extraction', async () => {
  const gz = gzipSync(tar);
  gz.fill(0x55, 100, 200);
  const p = join(dir, 'corrupt.blob');
  writeFileSync(p, gz);
  const job = { blobPath: p, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', layerDigest: 'sha256:corrupt', target: join(dir, 'out'), scratchFile: join(dir, 's.tar') };
  mkdirSync(job.target);
  await assert.rejects(extractLayer(job), (e: unknown) => isImageError(e, 'LAYER_FORMAT') && /sha256:corrupt: the compressed stream is corrupt/.test(e.message));
  writeFileSync(p, gzipSync(tar));
  mkdirSync(join(dir, 'out2'));
  await assert.rejects(extractLayer({ ...job, target: join(dir, 'out2'), limits: { maxUncompressedBytes: 1000 } }),
    (e: unknown) => isImageError(e, 'SIZE_LIMIT') && /more than 1000 bytes/.test(e.message));
});
