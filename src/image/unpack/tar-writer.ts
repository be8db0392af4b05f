// Minimal tar header encoder: ustar headers, preceded by a pax 'x' record (or GNU 'L'/'K'
// records) when a field does not fit. Used to hand special entries to the system tar
// (special-batch.ts) and by the tests to build archives.

import { BLOCK } from './tar-reader.ts';
import type { EntryType } from './tar-reader.ts';

export interface TarWriteEntry {
  /** latin1 byte string (see tar-reader.ts). */
  name: string;
  type: EntryType;
  mode?: number;
  uid?: number;
  gid?: number;
  size?: number;
  mtime?: number;
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  xattrs?: ReadonlyMap<string, Buffer>;
  /** How to store names longer than 100 bytes: pax records (default) or GNU L/K records. */
  longNames?: 'pax' | 'gnu';
}

const FLAGS: Record<EntryType, string> = {
  file: '0', hardlink: '1', symlink: '2', char: '3', block: '4', dir: '5', fifo: '6',
};

export const END_OF_ARCHIVE: Buffer = Buffer.alloc(2 * BLOCK);

/** The header block(s) for one entry; the caller writes `size` body bytes and `padding(size)` after. */
export function encodeHeader(e: TarWriteEntry): Buffer {
  const parts: Buffer[] = [];
  const pax: [string, Buffer][] = [];
  const size = e.type === 'file' ? (e.size ?? 0) : 0;
  const mtime = e.mtime ?? 0;
  const linkname = e.linkname ?? '';
  let name = e.name;
  let link = linkname;
  if (Buffer.byteLength(name, 'latin1') > 100) {
    if (e.longNames === 'gnu') parts.push(gnuLong('L', name));
    else pax.push(['path', Buffer.from(name, 'latin1')]);
    name = name.slice(0, 100);
  }
  if (Buffer.byteLength(link, 'latin1') > 100) {
    if (e.longNames === 'gnu') parts.push(gnuLong('K', link));
    else pax.push(['linkpath', Buffer.from(link, 'latin1')]);
    link = link.slice(0, 100);
  }
  if (size > 0o77777777777) pax.push(['size', Buffer.from(String(size))]);
  if (!Number.isInteger(mtime) || mtime < 0 || mtime > 0o77777777777) pax.push(['mtime', Buffer.from(String(mtime))]);
  for (const [k, v] of e.xattrs ?? []) pax.push([`SCHILY.xattr.${k}`, v]);
  if (pax.length > 0) parts.push(paxHeader(pax));
  parts.push(ustar({ ...e, name, linkname: link, size, mtime: Math.max(0, Math.min(Math.trunc(mtime), 0o77777777777)) }));
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

export function padding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
}

function paxHeader(records: [string, Buffer][]): Buffer {
  const bodies = records.map(([k, v]) => {
    const rest = Buffer.concat([Buffer.from(` ${k}=`, 'latin1'), v, Buffer.from('\n')]);
    // The length prefix counts itself, so grow it until it is stable.
    let len = rest.length + 1;
    while (String(len).length + rest.length !== len) len = String(len).length + rest.length;
    return Buffer.concat([Buffer.from(String(len)), rest]);
  });
  const body = Buffer.concat(bodies);
  return Buffer.concat([ustar({ name: 'PaxHeader', type: 'file', size: body.length }, 'x'), body, padding(body.length)]);
}

function gnuLong(flag: 'L' | 'K', value: string): Buffer {
  const body = Buffer.concat([Buffer.from(value, 'latin1'), Buffer.alloc(1)]);
  return Buffer.concat([ustar({ name: '././@LongLink', type: 'file', size: body.length }, flag), body, padding(body.length)]);
}

function ustar(e: TarWriteEntry, flag = FLAGS[e.type]): Buffer {
  const b = Buffer.alloc(BLOCK);
  b.write(e.name, 0, 100, 'latin1');
  octal(b, 100, 8, e.mode ?? (e.type === 'dir' ? 0o755 : 0o644));
  octal(b, 108, 8, e.uid ?? 0);
  octal(b, 116, 8, e.gid ?? 0);
  octal(b, 124, 12, e.size ?? 0);
  octal(b, 136, 12, e.mtime ?? 0);
  b.write(flag, 156, 1, 'latin1');
  b.write(e.linkname ?? '', 157, 100, 'latin1');
  b.write('ustar\x0000', 257, 8, 'latin1');
  octal(b, 329, 8, e.devmajor ?? 0);
  octal(b, 337, 8, e.devminor ?? 0);
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += b[i]!;
  b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
  return b;
}

function octal(b: Buffer, off: number, len: number, value: number): void {
  if (value >= 8 ** (len - 1) || value < 0) {
    // GNU base-256 for values that do not fit in octal digits.
    let v = BigInt(value);
    for (let i = off + len - 1; i > off; i--) {
      b[i] = Number(v & 0xffn);
      v >>= 8n;
    }
    b[off] = value < 0 ? 0xff : 0x80;
    return;
  }
  b.write(value.toString(8).padStart(len - 1, '0'), off, len - 1, 'latin1');
}
