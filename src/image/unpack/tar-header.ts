// Tar header blocks: the entry types and the fixed ustar/GNU/v7 fields read out of one 512-byte
// block. The streaming state machine is in tar-reader.ts, pax and GNU extended records in
// tar-extended.ts.
// Formats: https://pubs.opengroup.org/onlinepubs/9799919799/utilities/pax.html#tag_20_94_13
//          https://www.gnu.org/software/tar/manual/html_node/Standard.html
//
// Names are decoded as latin1, one char per byte, so non-UTF-8 names survive byte for byte;
// callers turn them back into bytes with Buffer.from(name, 'latin1').

import type { ImageError } from '../errors.ts';

export const BLOCK = 512;
/** Cap on a pax or GNU long-name record: PATH_MAX is 4096, xattrs are at most 64 KiB each. */
export const MAX_META_RECORD_BYTES = 4 * 1024 * 1024;

export type EntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';

export interface TarHeader {
  /** Path as a latin1 byte string, as stored (pax path > GNU long name > ustar prefix/name). */
  name: string;
  linkname: string;
  type: EntryType;
  mode: number;
  uid: number;
  gid: number;
  /** Body bytes that follow (0 for header-only types). */
  size: number;
  /** Seconds since the epoch, fractional when a pax mtime says so. */
  mtime: number;
  devmajor: number;
  devminor: number;
  /** SCHILY.xattr.* records, key as latin1 string, value as raw bytes. */
  xattrs: Map<string, Buffer> | undefined;
  /** Offset of the header block in the uncompressed stream, for error messages. */
  offset: number;
}

export interface TarSink {
  onEntry(header: TarHeader): void;
  /** Body bytes of the current entry; `buf` is only valid during the call. */
  onData(buf: Buffer, start: number, end: number): void;
  onEntryEnd(): void;
}

/** Makes the error for a malformed stream; the reader prefixes the stream's name. */
export type FormatError = (detail: string) => ImageError;

export const TYPES: Record<string, EntryType | undefined> = {
  '0': 'file', '\0': 'file', '7': 'file', '1': 'hardlink', '2': 'symlink',
  '3': 'char', '4': 'block', '5': 'dir', '6': 'fifo', D: 'dir',
};

export function isZeroBlock(b: Buffer, o: number): boolean {
  // Checksum bytes are never zero in a real header, so test them first.
  if (b[o + 148] !== 0) return false;
  for (let i = 0; i < BLOCK; i++) if (b[o + i] !== 0) return false;
  return true;
}

/** `offset` is where the header block starts in the stream, for the message. */
export function verifyChecksum(b: Buffer, o: number, offset: number, error: FormatError): void {
  const stored = readNumber(b, o + 148, 8, 'checksum', offset, error);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const c = i >= 148 && i < 156 ? 0x20 : b[o + i]!;
    unsigned += c;
    signed += c > 127 ? c - 256 : c;
  }
  if (stored !== unsigned && stored !== signed) {
    throw error(`header checksum mismatch at byte ${offset} (not a tar stream, or corrupt)`);
  }
}

/** Octal (NUL/space padded) or GNU base-256 (high bit of the first byte set). */
export function readNumber(b: Buffer, off: number, len: number, field: string, offset: number, error: FormatError): number {
  const first = b[off]!;
  if (first & 0x80) {
    const negative = first === 0xff;
    let v = negative ? -1 : first & 0x7f;
    for (let i = 1; i < len; i++) v = v * 256 + (negative ? b[off + i]! - 255 : b[off + i]!);
    if (!Number.isSafeInteger(v)) throw error(`base-256 ${field} at byte ${offset} is out of range`);
    return v;
  }
  let i = off;
  const end = off + len;
  while (i < end && (b[i] === 0x20 || b[i] === 0)) i++;
  let v = 0;
  for (; i < end; i++) {
    const c = b[i]!;
    if (c === 0x20 || c === 0) break;
    if (c < 0x30 || c > 0x37) throw error(`${field} field at byte ${offset} is not octal`);
    v = v * 8 + (c - 0x30);
  }
  return v;
}

/** The name field, joined to the ustar prefix field when there is one. */
export function ustarName(b: Buffer, o: number): string {
  const name = cstr(b, o, 100);
  // The prefix field exists only in POSIX ustar ("ustar\0"); GNU headers use those bytes for other data.
  if (b[o + 257] === 0x75 && b.toString('latin1', o + 257, o + 263) === 'ustar\0' && b[o + 345] !== 0) {
    return `${cstr(b, o + 345, 155)}/${name}`;
  }
  return name;
}

export function cstr(b: Buffer, off: number, len: number): string {
  const nul = b.indexOf(0, off);
  return b.toString('latin1', off, nul === -1 || nul > off + len ? off + len : nul);
}

/** Renders a value for an error message without control characters. */
export function printable(s: string): string {
  const clipped = s.length > 200 ? `${s.slice(0, 200)}...` : s;
  // eslint-disable-next-line no-control-regex
  return clipped.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
