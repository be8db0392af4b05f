// Streaming tar parser: POSIX ustar, pax (x records; g records are skipped), GNU (L/K long names,
// base-256 numbers), v7. It is push-based and synchronous so the extractor can issue synchronous
// fs calls per entry without an await per header. Header fields are read straight out of the
// pushed chunks; file bodies are handed on as (buffer, start, end) views, never copied.
// Formats: https://pubs.opengroup.org/onlinepubs/9799919799/utilities/pax.html#tag_20_94_13
//          https://www.gnu.org/software/tar/manual/html_node/Standard.html
//
// Names are decoded as latin1, one char per byte, so non-UTF-8 names survive byte for byte;
// callers turn them back into bytes with Buffer.from(name, 'latin1').

import { ErrorCode, ImageError } from '../errors.ts';

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

const TYPES: Record<string, EntryType | undefined> = {
  '0': 'file', '\0': 'file', '7': 'file', '1': 'hardlink', '2': 'symlink',
  '3': 'char', '4': 'block', '5': 'dir', '6': 'fifo', D: 'dir',
};

// Parser states; a const object because enums are not erasable TypeScript.
const S = { header: 0, body: 1, meta: 2, skip: 3, done: 4 } as const;
type State = (typeof S)[keyof typeof S];

interface Pending {
  path?: string;
  linkpath?: string;
  size?: number;
  uid?: number;
  gid?: number;
  mtime?: number;
  xattrs?: Map<string, Buffer>;
}

export class TarReader {
  readonly #sink: TarSink;
  readonly #what: string;
  #state: State = S.header;
  #partial = Buffer.allocUnsafe(BLOCK);
  #partialLen = 0;
  #remaining = 0;
  #padding = 0;
  #offset = 0;
  #zeroBlocks = 0;
  #meta: Buffer[] = [];
  #metaType = '';
  #pending: Pending = {};

  /** `what` names the stream in errors, e.g. the layer digest. */
  constructor(sink: TarSink, what: string) {
    this.#sink = sink;
    this.#what = what;
  }

  get done(): boolean {
    return this.#state === S.done;
  }

  push(chunk: Buffer): void {
    const len = chunk.length;
    let pos = 0;
    while (pos < len) {
      switch (this.#state) {
        case S.header: {
          if (this.#partialLen === 0 && len - pos >= BLOCK) {
            this.#header(chunk, pos);
            pos += BLOCK;
            this.#offset += BLOCK;
          } else {
            const n = Math.min(BLOCK - this.#partialLen, len - pos);
            chunk.copy(this.#partial, this.#partialLen, pos, pos + n);
            this.#partialLen += n;
            pos += n;
            if (this.#partialLen === BLOCK) {
              this.#partialLen = 0;
              this.#header(this.#partial, 0);
              this.#offset += BLOCK;
            }
          }
          break;
        }
        case S.body: {
          const n = Math.min(this.#remaining, len - pos);
          if (n > 0) this.#sink.onData(chunk, pos, pos + n);
          pos += n;
          this.#advance(n);
          break;
        }
        case S.meta: {
          const n = Math.min(this.#remaining, len - pos);
          this.#meta.push(Buffer.from(chunk.subarray(pos, pos + n)));
          pos += n;
          this.#advance(n);
          break;
        }
        case S.skip: {
          const n = Math.min(this.#remaining + this.#padding, len - pos);
          pos += n;
          this.#offset += n;
          const fromBody = Math.min(n, this.#remaining);
          this.#remaining -= fromBody;
          this.#padding -= n - fromBody;
          if (this.#remaining === 0 && this.#padding === 0) this.#state = S.header;
          break;
        }
        case S.done:
          // Anything after the end-of-archive marker is ignored, as GNU tar and Go do.
          this.#offset += len - pos;
          return;
      }
    }
  }

  /** Call once the stream has ended; throws if it stopped inside an entry. */
  end(): void {
    if (this.#state === S.done) return;
    if (this.#state !== S.header || this.#partialLen !== 0 || this.#metaType !== '' || hasPending(this.#pending)) {
      throw this.#error(`the tar stream is truncated at byte ${this.#offset}`);
    }
    // A stream that ends on a header boundary without the two zero blocks is accepted, like Go's archive/tar.
    this.#state = S.done;
  }

  #advance(n: number): void {
    this.#remaining -= n;
    this.#offset += n;
    if (this.#remaining > 0) return;
    const state = this.#state;
    this.#state = this.#padding > 0 ? S.skip : S.header;
    if (state === S.body) {
      this.#sink.onEntryEnd();
    } else if (state === S.meta) {
      this.#finishMeta();
    }
  }

  #header(b: Buffer, o: number): void {
    if (isZeroBlock(b, o)) {
      if (hasPending(this.#pending) || this.#metaType !== '') throw this.#error(`a zero block follows an extended header at byte ${this.#offset}`);
      if (++this.#zeroBlocks === 2) this.#state = S.done;
      return;
    }
    if (this.#zeroBlocks > 0) throw this.#error(`a lone zero block is followed by a header at byte ${this.#offset}`);
    this.#verifyChecksum(b, o);
    const flag = String.fromCharCode(b[o + 156]!);
    const size = this.#num(b, o + 124, 12, 'size');
    const padding = (BLOCK - (size % BLOCK)) % BLOCK;

    if (flag === 'x' || flag === 'L' || flag === 'K' || flag === 'g') {
      if (size > MAX_META_RECORD_BYTES) {
        throw this.#error(`a '${flag}' extended header of ${size} bytes at byte ${this.#offset} exceeds ${MAX_META_RECORD_BYTES}`);
      }
      this.#metaType = flag;
      this.#meta = [];
      this.#remaining = size;
      this.#padding = padding;
      this.#state = size > 0 ? S.meta : S.header;
      if (size === 0) this.#finishMeta();
      return;
    }
    if (flag === 'S' || flag === 'M') {
      throw this.#error(`GNU ${flag === 'S' ? 'sparse' : 'multi-volume'} entries are not supported (at byte ${this.#offset})`);
    }
    if (this.#pending.size === -1) throw this.#error(`pax GNU.sparse records are not supported (at byte ${this.#offset})`);
    const type = TYPES[flag];
    if (type === undefined) throw this.#error(`unknown entry type '${printable(flag)}' at byte ${this.#offset}`);

    const p = this.#pending;
    this.#pending = {};
    let name = p.path;
    if (name === undefined) {
      name = cstr(b, o, 100);
      // The prefix field exists only in POSIX ustar ("ustar\0"); GNU headers use those bytes for other data.
      if (b[o + 257] === 0x75 && b.toString('latin1', o + 257, o + 263) === 'ustar\0' && b[o + 345] !== 0) {
        name = `${cstr(b, o + 345, 155)}/${name}`;
      }
    }
    // Header-only types carry no body whatever their size field says (as Go's archive/tar).
    const hasBody = type === 'file' || flag === 'D';
    const bodySize = hasBody ? (p.size ?? size) : 0;
    const header: TarHeader = {
      name,
      linkname: p.linkpath ?? cstr(b, o + 157, 100),
      type,
      mode: this.#num(b, o + 100, 8, 'mode') & 0o7777,
      uid: p.uid ?? this.#num(b, o + 108, 8, 'uid'),
      gid: p.gid ?? this.#num(b, o + 116, 8, 'gid'),
      size: flag === 'D' ? 0 : bodySize,
      mtime: p.mtime ?? this.#num(b, o + 136, 12, 'mtime'),
      devmajor: type === 'char' || type === 'block' ? this.#num(b, o + 329, 8, 'devmajor') : 0,
      devminor: type === 'char' || type === 'block' ? this.#num(b, o + 337, 8, 'devminor') : 0,
      xattrs: p.xattrs,
      offset: this.#offset,
    };
    if (name.includes('\0') || header.linkname.includes('\0')) throw this.#error(`entry at byte ${this.#offset} has a NUL byte in its name`);
    this.#sink.onEntry(header);
    const dataBytes = hasBody ? bodySize : 0;
    this.#remaining = dataBytes;
    this.#padding = (BLOCK - (dataBytes % BLOCK)) % BLOCK;
    if (flag === 'D') {
      this.#state = dataBytes + this.#padding > 0 ? S.skip : S.header;
      this.#sink.onEntryEnd();
    } else if (dataBytes > 0) {
      this.#state = S.body;
    } else {
      this.#state = this.#padding > 0 ? S.skip : S.header;
      this.#sink.onEntryEnd();
    }
  }

  #finishMeta(): void {
    const type = this.#metaType;
    this.#metaType = '';
    const body = this.#meta.length === 1 ? this.#meta[0]! : Buffer.concat(this.#meta);
    this.#meta = [];
    if (type === 'g') return; // Global pax defaults are ignored: every entry field we need comes per entry.
    if (type === 'L' || type === 'K') {
      const end = body.indexOf(0);
      const value = body.toString('latin1', 0, end === -1 ? body.length : end);
      if (type === 'L') this.#pending.path = value;
      else this.#pending.linkpath = value;
      return;
    }
    this.#parsePax(body);
  }

  #parsePax(body: Buffer): void {
    let pos = 0;
    while (pos < body.length) {
      const sp = body.indexOf(0x20, pos);
      const recLen = sp === -1 ? NaN : Number(body.toString('latin1', pos, sp));
      if (!Number.isSafeInteger(recLen) || recLen <= 0 || pos + recLen > body.length || body[pos + recLen - 1] !== 0x0a) {
        if (body.subarray(pos).every((c) => c === 0)) return; // NUL padding after the last record
        throw this.#error(`malformed pax record at byte ${this.#offset}`);
      }
      const eq = body.indexOf(0x3d, sp + 1);
      if (eq === -1 || eq >= pos + recLen) throw this.#error(`malformed pax record at byte ${this.#offset}`);
      const key = body.toString('latin1', sp + 1, eq);
      const value = body.subarray(eq + 1, pos + recLen - 1);
      this.#paxField(key, value);
      pos += recLen;
    }
  }

  #paxField(key: string, value: Buffer): void {
    const p = this.#pending;
    switch (key) {
      case 'path': p.path = value.toString('latin1'); return;
      case 'linkpath': p.linkpath = value.toString('latin1'); return;
      case 'size': p.size = this.#paxInt(key, value); return;
      case 'uid': p.uid = this.#paxInt(key, value); return;
      case 'gid': p.gid = this.#paxInt(key, value); return;
      case 'mtime': {
        const t = Number(value.toString('latin1'));
        if (!Number.isFinite(t)) throw this.#error(`pax mtime '${printable(value.toString('latin1'))}' is not a number`);
        p.mtime = t;
        return;
      }
    }
    if (key.startsWith('SCHILY.xattr.')) {
      (p.xattrs ??= new Map()).set(key.slice(13), Buffer.from(value));
    } else if (key.startsWith('GNU.sparse.')) {
      p.size = -1; // marks the next entry as sparse, which #header rejects with a clear message
    }
  }

  #paxInt(key: string, value: Buffer): number {
    const s = value.toString('latin1');
    const n = Number(s);
    if (!/^\d+$/.test(s) || !Number.isSafeInteger(n)) throw this.#error(`pax ${key} '${printable(s)}' is not a valid number`);
    return n;
  }

  #verifyChecksum(b: Buffer, o: number): void {
    const stored = this.#num(b, o + 148, 8, 'checksum');
    let unsigned = 0;
    let signed = 0;
    for (let i = 0; i < BLOCK; i++) {
      const c = i >= 148 && i < 156 ? 0x20 : b[o + i]!;
      unsigned += c;
      signed += c > 127 ? c - 256 : c;
    }
    if (stored !== unsigned && stored !== signed) {
      throw this.#error(`header checksum mismatch at byte ${this.#offset} (not a tar stream, or corrupt)`);
    }
  }

  /** Octal (NUL/space padded) or GNU base-256 (high bit of the first byte set). */
  #num(b: Buffer, off: number, len: number, field: string): number {
    const first = b[off]!;
    if (first & 0x80) {
      const negative = first === 0xff;
      let v = negative ? -1 : first & 0x7f;
      for (let i = 1; i < len; i++) v = v * 256 + (negative ? b[off + i]! - 255 : b[off + i]!);
      if (!Number.isSafeInteger(v)) throw this.#error(`base-256 ${field} at byte ${this.#offset} is out of range`);
      return v;
    }
    let i = off;
    const end = off + len;
    while (i < end && (b[i] === 0x20 || b[i] === 0)) i++;
    let v = 0;
    for (; i < end; i++) {
      const c = b[i]!;
      if (c === 0x20 || c === 0) break;
      if (c < 0x30 || c > 0x37) throw this.#error(`${field} field at byte ${this.#offset} is not octal`);
      v = v * 8 + (c - 0x30);
    }
    return v;
  }

  #error(detail: string): ImageError {
    return new ImageError(ErrorCode.LayerFormat, `layer ${this.#what}: ${detail}`);
  }
}

function isZeroBlock(b: Buffer, o: number): boolean {
  // Checksum bytes are never zero in a real header, so test them first.
  if (b[o + 148] !== 0) return false;
  for (let i = 0; i < BLOCK; i++) if (b[o + i] !== 0) return false;
  return true;
}

function hasPending(p: Pending): boolean {
  return p.path !== undefined || p.linkpath !== undefined || p.size !== undefined || p.uid !== undefined
    || p.gid !== undefined || p.mtime !== undefined || p.xattrs !== undefined;
}

function cstr(b: Buffer, off: number, len: number): string {
  const nul = b.indexOf(0, off);
  return b.toString('latin1', off, nul === -1 || nul > off + len ? off + len : nul);
}

/** Renders a value for an error message without control characters. */
export function printable(s: string): string {
  const clipped = s.length > 200 ? `${s.slice(0, 200)}...` : s;
  // eslint-disable-next-line no-control-regex
  return clipped.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
