// Extended headers that describe the next entry: pax x records (path, linkpath, size, uid, gid,
// mtime, SCHILY.xattr.*) and GNU L/K long names. Their fields override the next ustar header's
// (see tar-reader.ts); g records are skipped there.

import { printable } from './tar-header.ts';
import type { FormatError } from './tar-header.ts';

/** Fields from extended headers, waiting for the entry they apply to. */
export interface Pending {
  path?: string;
  linkpath?: string;
  /** -1 marks a pax GNU.sparse entry, which the reader refuses. */
  size?: number;
  uid?: number;
  gid?: number;
  mtime?: number;
  xattrs?: Map<string, Buffer>;
}

export function hasPending(p: Pending): boolean {
  return p.path !== undefined || p.linkpath !== undefined || p.size !== undefined || p.uid !== undefined
    || p.gid !== undefined || p.mtime !== undefined || p.xattrs !== undefined;
}

/** A GNU L or K record: a NUL-terminated name. */
export function gnuLongName(body: Buffer): string {
  const end = body.indexOf(0);
  return body.toString('latin1', 0, end === -1 ? body.length : end);
}

/** Parses pax records ("<len> <key>=<value>\n") into `p`; `offset` is the stream position, for messages. */
export function parsePax(body: Buffer, p: Pending, offset: number, error: FormatError): void {
  let pos = 0;
  while (pos < body.length) {
    const sp = body.indexOf(0x20, pos);
    const recLen = sp === -1 ? NaN : Number(body.toString('latin1', pos, sp));
    if (!Number.isSafeInteger(recLen) || recLen <= 0 || pos + recLen > body.length || body[pos + recLen - 1] !== 0x0a) {
      if (body.subarray(pos).every((c) => c === 0)) return; // NUL padding after the last record
      throw error(`malformed pax record at byte ${offset}`);
    }
    const eq = body.indexOf(0x3d, sp + 1);
    if (eq === -1 || eq >= pos + recLen) throw error(`malformed pax record at byte ${offset}`);
    const key = body.toString('latin1', sp + 1, eq);
    const value = body.subarray(eq + 1, pos + recLen - 1);
    paxField(p, key, value, error);
    pos += recLen;
  }
}

function paxField(p: Pending, key: string, value: Buffer, error: FormatError): void {
  switch (key) {
    case 'path': p.path = value.toString('latin1'); return;
    case 'linkpath': p.linkpath = value.toString('latin1'); return;
    case 'size': p.size = paxInt(key, value, error); return;
    case 'uid': p.uid = paxInt(key, value, error); return;
    case 'gid': p.gid = paxInt(key, value, error); return;
    case 'mtime': {
      const t = Number(value.toString('latin1'));
      if (!Number.isFinite(t)) throw error(`pax mtime '${printable(value.toString('latin1'))}' is not a number`);
      p.mtime = t;
      return;
    }
  }
  if (key.startsWith('SCHILY.xattr.')) {
    (p.xattrs ??= new Map()).set(key.slice(13), Buffer.from(value));
  } else if (key.startsWith('GNU.sparse.')) {
    p.size = -1; // marks the next entry as sparse, which the reader rejects with a clear message
  }
}

function paxInt(key: string, value: Buffer, error: FormatError): number {
  const s = value.toString('latin1');
  const n = Number(s);
  if (!/^\d+$/.test(s) || !Number.isSafeInteger(n)) throw error(`pax ${key} '${printable(s)}' is not a valid number`);
  return n;
}
