// Streaming tar parser: POSIX ustar, pax (x records; g records are skipped), GNU (L/K long names,
// base-256 numbers), v7. It is push-based and synchronous so the extractor can issue synchronous
// fs calls per entry without an await per header. Header fields are read straight out of the
// pushed chunks; file bodies are handed on as (buffer, start, end) views, never copied.
// Header fields are decoded in tar-header.ts, pax and GNU extended records in tar-extended.ts.
//
// Names are decoded as latin1, one char per byte, so non-UTF-8 names survive byte for byte;
// callers turn them back into bytes with Buffer.from(name, 'latin1').

import { ErrorCode, ImageError } from '../errors.ts';
import { gnuLongName, hasPending, parsePax } from './tar-extended.ts';
import type { Pending } from './tar-extended.ts';
import { BLOCK, MAX_META_RECORD_BYTES, TYPES, cstr, isZeroBlock, printable, readNumber, ustarName, verifyChecksum } from './tar-header.ts';
import type { FormatError, TarHeader, TarSink } from './tar-header.ts';

export { BLOCK, MAX_META_RECORD_BYTES, printable } from './tar-header.ts';
export type { EntryType, TarHeader, TarSink } from './tar-header.ts';

// Parser states; a const object because enums are not erasable TypeScript.
const S = { header: 0, body: 1, meta: 2, skip: 3, done: 4 } as const;
type State = (typeof S)[keyof typeof S];

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
  readonly #error: FormatError = (detail) => new ImageError(ErrorCode.LayerFormat, `layer ${this.#what}: ${detail}`);

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
    verifyChecksum(b, o, this.#offset, this.#error);
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
    const name = p.path ?? ustarName(b, o);
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
    if (type === 'L') this.#pending.path = gnuLongName(body);
    else if (type === 'K') this.#pending.linkpath = gnuLongName(body);
    else parsePax(body, this.#pending, this.#offset, this.#error);
  }

  #num(b: Buffer, off: number, len: number, field: string): number {
    return readNumber(b, off, len, field, this.#offset, this.#error);
  }
}
