// Path rules for layer entries. A name is made relative (a leading "/" is stripped, as every
// runtime does), "." and empty components are dropped, and any ".." component is refused outright:
// resolving it lexically would hide a malicious layer instead of reporting it.
// Whiteout names: https://github.com/opencontainers/image-spec/blob/main/layer.md#whiteouts

import { ErrorCode, ImageError } from '../errors.ts';
import { printable } from './tar-reader.ts';

export const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE_WHITEOUT = '.wh..wh..opq';
/** AUFS metadata names (.wh..wh.plnk, .wh..wh.aufs); the spec says to ignore them. */
export const WHITEOUT_META_PREFIX = '.wh..wh.';

/**
 * Returns the normalized relative path ('' for the layer root) or throws UNSAFE_LAYER.
 * `field` says which header field held the name ("name" or "hard link target").
 */
export function normalizeEntryPath(raw: string, layer: string, field: string): string {
  // Fast path: already clean relative names ("usr/bin/x", "etc/") are the common case.
  if (raw.length > 0 && raw.charCodeAt(0) !== 0x2f && !raw.includes('.') && !raw.includes('//')) {
    return raw.endsWith('/') ? raw.slice(0, -1) : raw;
  }
  const out: string[] = [];
  for (const part of raw.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      throw new ImageError(
        ErrorCode.UnsafeLayer,
        `layer ${layer}: entry ${field} '${printable(raw)}' contains a '..' component, which could write outside the root; ` +
          'the layer is refused (rebuild the image without such entries)',
      );
    }
    out.push(part);
  }
  return out.join('/');
}

export function parentOf(rel: string): string {
  const i = rel.lastIndexOf('/');
  return i === -1 ? '' : rel.slice(0, i);
}

export function baseOf(rel: string): string {
  return rel.slice(rel.lastIndexOf('/') + 1);
}

export function joinRel(parent: string, name: string): string {
  return parent === '' ? name : `${parent}/${name}`;
}

export type WhiteoutKind =
  | { kind: 'none' }
  | { kind: 'whiteout'; target: string }
  | { kind: 'opaque'; dir: string }
  | { kind: 'meta' };

/** Classifies a normalized path by its last component. */
export function classifyWhiteout(rel: string): WhiteoutKind {
  const base = baseOf(rel);
  if (!base.startsWith(WHITEOUT_PREFIX)) {
    return rel.includes(`/${WHITEOUT_META_PREFIX}`) || rel.startsWith(WHITEOUT_META_PREFIX) ? { kind: 'meta' } : { kind: 'none' };
  }
  if (base === OPAQUE_WHITEOUT) return { kind: 'opaque', dir: parentOf(rel) };
  if (base.startsWith(WHITEOUT_META_PREFIX)) return { kind: 'meta' };
  const name = base.slice(WHITEOUT_PREFIX.length);
  if (name === '' || name === '.' || name === '..') return { kind: 'meta' };
  return { kind: 'whiteout', target: joinRel(parentOf(rel), name) };
}

const NON_ASCII = /[\u0080-\uffff]/;

/**
 * Absolute fs path for a relative latin1 byte-string path under `root`. ASCII paths stay strings;
 * others become Buffers holding the exact bytes from the archive.
 */
export function absPath(root: string, rootBuf: Buffer, rel: string): string | Buffer {
  if (rel === '') return root;
  if (!NON_ASCII.test(rel)) return `${root}/${rel}`;
  return Buffer.concat([rootBuf, Buffer.from(`/${rel}`, 'latin1')]);
}

/** A latin1 byte string as the bytes to hand to the kernel (symlink targets). */
export function rawBytes(s: string): string | Buffer {
  return NON_ASCII.test(s) ? Buffer.from(s, 'latin1') : s;
}

/** Human-readable form of a latin1 byte-string path for messages and metadata consumers. */
export function displayPath(rel: string): string {
  if (!NON_ASCII.test(rel)) return rel;
  const bytes = Buffer.from(rel, 'latin1');
  return printable(bytes.toString('utf8'));
}
