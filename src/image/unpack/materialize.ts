// Merged rootfs without overlayfs: layers are copied bottom-up into one directory, each layer's
// whiteouts and opaque directories applied to what is below it before its own files are copied,
// as overlayfs would show them (a directory over a non-directory replaces it; a non-directory
// replaces whatever was there). Hard links inside one layer stay links. Device nodes, fifos and
// recorded xattrs go through the system tar (special-batch.ts). Every path in the target is
// resolved with lstat and never through a symlink.

import {
  chmodSync, chownSync, closeSync, linkSync, lstatSync, mkdirSync, openSync, readSync, readdirSync, rmSync, utimesSync,
} from 'node:fs';
import type { Stats } from 'node:fs';
import { absPath, joinRel } from './entry-path.ts';
import { copyNode } from './lower-links.ts';
import { findSystemTar, SpecialBatch } from './special-batch.ts';
import type { TarWriteEntry } from './tar-writer.ts';

export interface MaterializeLayer {
  fsDir: string;
  whiteouts: string[];
  opaqueDirs: string[];
  xattrs: Record<string, Record<string, string>>;
}

export interface MaterializeJob {
  /** Bottom layer first. */
  layers: MaterializeLayer[];
  /** Existing empty directory. */
  target: string;
  /** Scratch file path outside `target`. */
  scratchFile: string;
}

export interface MaterializeResult {
  entries: number;
  notes: string[];
}

interface DirMeta { st: Stats; xattrs: Map<string, Buffer> | undefined }

export function materializeLayers(job: MaterializeJob): MaterializeResult {
  const m = new Materializer(job);
  for (const layer of job.layers) m.apply(layer);
  return m.finish();
}

class Materializer {
  readonly #target: string;
  readonly #targetBuf: Buffer;
  readonly #root = process.geteuid?.() === 0;
  readonly #batch: SpecialBatch | null;
  readonly #dirs = new Map<string, DirMeta>();
  readonly #notes = new Set<string>();
  #entries = 0;

  constructor(job: MaterializeJob) {
    this.#target = job.target;
    this.#targetBuf = Buffer.from(job.target);
    const tar = findSystemTar();
    this.#batch = tar === null ? null : new SpecialBatch(job.target, job.scratchFile, tar);
  }

  apply(layer: MaterializeLayer): void {
    for (const d of layer.opaqueDirs) {
      const st = this.#resolve(d);
      if (st?.isDirectory() !== true) continue;
      const p = this.#abs(d);
      for (const name of readdirSync(p, { encoding: 'buffer' })) this.#delete(joinRel(d, name.toString('latin1')));
    }
    for (const w of layer.whiteouts) if (this.#resolve(w) !== null) this.#delete(w);
    const ctx = { layer, src: layer.fsDir, srcBuf: Buffer.from(layer.fsDir), whiteouts: new Set(layer.whiteouts), inodes: new Map<string, string | Buffer>() };
    this.#copyDir(ctx, '');
    this.#flush();
  }

  finish(): MaterializeResult {
    if (this.#batch !== null && this.#root && this.#batch.canSetXattrs) {
      for (const [rel, d] of this.#dirs) {
        if (d.xattrs === undefined || this.#resolve(rel)?.isDirectory() !== true) continue;
        this.#batch.add({ name: rel === '' ? '.' : rel, type: 'dir', mode: d.st.mode & 0o7777, uid: d.st.uid, gid: d.st.gid, mtime: d.st.mtimeMs / 1000, xattrs: d.xattrs });
      }
      this.#flush();
    }
    const dirs = [...this.#dirs].sort((a, b) => b[0].length - a[0].length);
    for (const [rel, { st }] of dirs) {
      if (this.#resolve(rel)?.isDirectory() !== true) continue;
      const p = this.#abs(rel);
      if (this.#root) chownSync(p, st.uid, st.gid);
      chmodSync(p, st.mode & 0o7777);
      utimesSync(p, st.atimeMs / 1000, st.mtimeMs / 1000);
    }
    return { entries: this.#entries, notes: [...this.#notes] };
  }

  #copyDir(ctx: { layer: MaterializeLayer; src: string; srcBuf: Buffer; whiteouts: Set<string>; inodes: Map<string, string | Buffer> }, rel: string): void {
    const srcDir = absPath(ctx.src, ctx.srcBuf, rel);
    const st = lstatSync(srcDir);
    this.#dirs.set(rel, { st, xattrs: xattrMap(ctx.layer.xattrs[rel]) ?? this.#dirs.get(rel)?.xattrs });
    for (const ent of readdirSync(srcDir, { encoding: 'buffer', withFileTypes: true })) {
      const child = joinRel(rel, ent.name.toString('latin1'));
      const s = absPath(ctx.src, ctx.srcBuf, child);
      const cst = lstatSync(s);
      if (cst.isCharacterDevice() && cst.rdev === 0 && ctx.whiteouts.has(child)) continue; // overlay whiteout marker
      this.#entries++;
      const existing = this.#resolve(child);
      if (cst.isDirectory()) {
        if (existing?.isDirectory() !== true) {
          if (existing !== null) this.#delete(child);
          mkdirSync(this.#abs(child), 0o700);
        }
        this.#copyDir(ctx, child);
        continue;
      }
      if (existing !== null) this.#delete(child);
      this.#copyLeaf(ctx, child, s, cst);
    }
  }

  #copyLeaf(ctx: { layer: MaterializeLayer; inodes: Map<string, string | Buffer> }, rel: string, src: string | Buffer, st: Stats): void {
    const dst = this.#abs(rel);
    const key = `${st.dev}:${st.ino}`;
    const xattrs = xattrMap(ctx.layer.xattrs[rel]);
    const base: TarWriteEntry = { name: rel, type: 'file', mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: st.mtimeMs / 1000, xattrs };
    if (st.isFile() || st.isSymbolicLink()) {
      const first = st.nlink > 1 ? ctx.inodes.get(key) : undefined;
      if (first !== undefined && this.#batch?.touches(String(first)) !== true) {
        linkSync(first, dst);
      } else if (st.isFile() && xattrs !== undefined && this.#root && this.#batch?.canSetXattrs === true) {
        this.#batchFile(base, src, st.size);
      } else {
        copyNode(src, st, dst, this.#root);
        if (xattrs !== undefined) this.#notes.add('extended attributes were not applied (needs root and GNU tar)');
      }
      if (st.nlink > 1 && first === undefined) ctx.inodes.set(key, dst);
      return;
    }
    const type = st.isCharacterDevice() ? 'char' : st.isBlockDevice() ? 'block' : st.isFIFO() ? 'fifo' : null;
    if (type === null) return; // sockets are not layer content
    if (this.#batch === null || (!this.#root && type !== 'fifo')) {
      this.#notes.add('device nodes were skipped (needs root and a system tar)');
      return;
    }
    const rdev = st.rdev;
    this.#batch.add({ ...base, type, devmajor: Math.floor(rdev / 256) & 0xfff, devminor: (rdev & 0xff) | ((Math.floor(rdev / 4096)) & ~0xff) });
  }

  #batchFile(e: TarWriteEntry, src: string | Buffer, size: number): void {
    const batch = this.#batch!;
    batch.add({ ...e, size });
    const fd = openSync(src, 'r');
    try {
      const buf = Buffer.allocUnsafe(1024 * 1024);
      let left = size;
      while (left > 0) {
        const n = readSync(fd, buf, 0, Math.min(buf.length, left), null);
        if (n === 0) throw new Error(`materialize: ${String(src)} shrank while being copied`);
        batch.write(buf, 0, n);
        left -= n;
      }
    } finally {
      closeSync(fd);
    }
  }

  /** lstat of `rel` in the target, or null when absent or hidden behind a non-directory. */
  #resolve(rel: string): Stats | null {
    if (rel === '') return lstatSync(this.#target);
    let i = rel.indexOf('/');
    while (i !== -1) {
      const st = lstatNull(this.#abs(rel.slice(0, i)));
      if (st === null || !st.isDirectory()) return null;
      i = rel.indexOf('/', i + 1);
    }
    return lstatNull(this.#abs(rel));
  }

  #delete(rel: string): void {
    if (this.#batch?.touches(rel) === true) this.#flush();
    rmSync(this.#abs(rel), { recursive: true, force: true });
    const prefix = `${rel}/`;
    for (const k of this.#dirs.keys()) if (k === rel || k.startsWith(prefix)) this.#dirs.delete(k);
  }

  #flush(): void {
    if (this.#batch !== null && !this.#batch.flush()) {
      for (const f of this.#batch.failures) this.#notes.add(`system tar could not create special entries: ${f}`);
    }
  }

  #abs(rel: string): string | Buffer {
    return absPath(this.#target, this.#targetBuf, rel);
  }
}

function xattrMap(rec: Record<string, string> | undefined): Map<string, Buffer> | undefined {
  if (rec === undefined) return undefined;
  return new Map(Object.entries(rec).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
}

function lstatNull(p: string | Buffer): Stats | null {
  try {
    return lstatSync(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
