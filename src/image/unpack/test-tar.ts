// Test helpers: build tar layers in memory (tar-writer.ts) or with GNU tar, compressed as asked.

import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync, zstdCompressSync } from 'node:zlib';
import { END_OF_ARCHIVE, encodeHeader, padding } from './tar-writer.ts';
import type { TarWriteEntry } from './tar-writer.ts';
import type { Compression } from './types.ts';

export interface TestEntry extends Omit<TarWriteEntry, 'type'> {
  type?: TarWriteEntry['type'];
  body?: string | Buffer;
}

export function buildTar(entries: TestEntry[], opts: { end?: boolean } = {}): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const body = typeof e.body === 'string' ? Buffer.from(e.body) : e.body;
    const type = e.type ?? (e.name.endsWith('/') ? 'dir' : 'file');
    parts.push(encodeHeader({ mtime: 1_700_000_000, ...e, type, size: body?.length ?? e.size ?? 0 }));
    if (body !== undefined && body.length > 0) parts.push(body, padding(body.length));
  }
  if (opts.end !== false) parts.push(END_OF_ARCHIVE);
  return Buffer.concat(parts);
}

export const MEDIA_TYPES: Record<Compression, string> = {
  gzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  zstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  none: 'application/vnd.oci.image.layer.v1.tar',
};

export interface TestLayer {
  blobPath: string;
  mediaType: string;
  diffId: string;
  layerDigest: string;
}

let counter = 0;

export function writeLayer(dir: string, tar: Buffer, compression: Compression = 'gzip'): TestLayer {
  const blob = compression === 'gzip' ? gzipSync(tar) : compression === 'zstd' ? zstdCompressSync(tar) : tar;
  const blobPath = join(dir, `layer-${counter++}.blob`);
  writeFileSync(blobPath, blob);
  return {
    blobPath,
    mediaType: MEDIA_TYPES[compression],
    diffId: `sha256:${createHash('sha256').update(tar).digest('hex')}`,
    layerDigest: `sha256:${createHash('sha256').update(blob).digest('hex')}`,
  };
}

/** Archives `srcDir` with GNU tar (real-world headers: GNU long names, ./ prefixes, numeric owners). */
export function gnuTar(srcDir: string, format: 'gnu' | 'posix' = 'gnu'): Buffer {
  return execFileSync('tar', ['-c', '-f', '-', `--format=${format}`, '--numeric-owner', '-C', srcDir, '.'], { maxBuffer: 1 << 30 });
}

export function tempDir(prefix = 'ferry-unpack-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Every path below `dir`, relative, sorted. */
export function listTree(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).sort();
}
