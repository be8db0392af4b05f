// Writes tar entries into a fresh directory with synchronous fs calls (it runs in a worker thread,
// where a blocking syscall is cheaper than a libuv round trip per file).
//
// Safety model: the root was created empty by the caller, so everything below it was made by this
// extraction and is tracked in a LayerTree. Parent directories are resolved against that map, never on
// disk, so a symlink made by the layer is never followed: an entry below one is refused.
// Names with ".." are refused (entry-path.ts); files are opened with O_EXCL|O_NOFOLLOW.
//
// Whiteouts and opaque directories are kept in overlayfs form by overlay-marks.ts; directory
// metadata is applied at the end (dir-meta.ts).
//
// Hard links whose target is not in this layer point into a lower layer; a per-layer snapshot
// cannot link across layers, so they are returned in `lowerHardlinks` and the snapshot store
// fills them in as copies (lower-links.ts), the same result as an overlayfs copy-up.

import {
  chmodSync, closeSync, constants, fchmodSync, fchownSync, futimesSync, lchownSync, linkSync,
  lstatSync, lutimesSync, openSync, symlinkSync, writeSync,
} from 'node:fs';
import { ErrorCode, ImageError } from '../errors.ts';
import { applyDirMeta, queueDirXattrs } from './dir-meta.ts';
import { classifyWhiteout, displayPath, normalizeEntryPath, rawBytes } from './entry-path.ts';
import { ABSENT, FILE, LayerTree, SPECIAL, SYMLINK } from './layer-tree.ts';
import type { DirNode } from './layer-tree.ts';
import { OverlayMarks } from './overlay-marks.ts';
import { SpecialBatch } from './special-batch.ts';
import type { SystemTar } from './special-batch.ts';
import type { TarHeader, TarSink } from './tar-reader.ts';
import type { ExtractStats } from './types.ts';

const OPEN_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

export interface ExtractorOptions {
  /** Existing empty directory the layer is written into. */
  root: string;
  /** Scratch file path outside `root` for the special-entry batch. */
  scratchFile: string;
  /** Layer digest, for messages. */
  layer: string;
  maxEntries: number;
  umask: number;
  /** Effective uid/gid; ownership is applied only when uid is 0. */
  euid: number;
  egid: number;
  systemTar: SystemTar | null;
}

export class Extractor implements TarSink {
  readonly #o: ExtractorOptions;
  readonly #root: boolean;
  readonly #tree: LayerTree;
  readonly #xattrs = new Map<string, Map<string, Buffer>>();
  readonly #notes = new Set<string>();
  readonly #batch: SpecialBatch | null;
  readonly #overlay: OverlayMarks;
  #fd = -1;
  #toBatch = false;
  #cur: TarHeader | null = null;
  #curRel = '';
  readonly stats = { entries: 0, files: 0, fileBytes: 0, dirs: 0, symlinks: 0, hardlinks: 0, specials: 0 };

  constructor(o: ExtractorOptions) {
    this.#o = o;
    this.#root = o.euid === 0;
    this.#batch = o.systemTar === null ? null : new SpecialBatch(o.root, o.scratchFile, o.systemTar);
    // New entries must not inherit a setgid group from the root; clear it (the root entry's mode is applied last).
    const st = lstatSync(o.root);
    if ((st.mode & 0o7000) !== 0) chmodSync(o.root, st.mode & 0o777);
    this.#tree = new LayerTree({
      root: o.root, layer: o.layer, umask: o.umask, isRoot: this.#root, euid: o.euid, egid: o.egid, rootMode: st.mode & 0o777,
      beforeRemove: (rel) => {
        if (this.#batch?.touches(rel) === true) this.#flushBatch();
        for (const k of this.#xattrs.keys()) if (k === rel || k.startsWith(`${rel}/`)) this.#xattrs.delete(k);
      },
      currentEntry: () => this.currentEntry,
    });
    this.#overlay = new OverlayMarks(this.#tree, this.#batch, this.#root);
  }

  /** The entry being written, for error messages. */
  get currentEntry(): string {
    return this.#cur === null ? '' : displayPath(this.#cur.name);
  }

  onEntry(h: TarHeader): void {
    if (++this.stats.entries > this.#o.maxEntries) {
      throw new ImageError(ErrorCode.SizeLimit, `layer ${this.#o.layer} has more than ${this.#o.maxEntries} entries (limit maxEntries); ` +
        'refusing it as a possible decompression bomb (raise the limit if the image is trusted)');
    }
    this.#cur = h;
    if (!this.#root && (h.uid !== this.#o.euid || h.gid !== this.#o.egid)) this.#notes.add('file owners were not applied: not running as root');
    const rel = normalizeEntryPath(h.name, this.#o.layer, 'name');
    this.#curRel = rel;
    const wh = classifyWhiteout(rel);
    if (wh.kind === 'whiteout') return this.#overlay.whiteout(wh.target);
    if (wh.kind === 'opaque') return this.#overlay.markOpaque(wh.dir);
    if (wh.kind === 'meta') {
      this.#notes.add('AUFS metadata entries (.wh..wh.*) were ignored');
      return;
    }
    if (rel === '') {
      if (h.type !== 'dir') throw this.#format(`the layer root '${displayPath(h.name)}' is not a directory`);
      this.#setDirMeta(this.#tree.get('') as DirNode, h);
      return;
    }
    this.#tree.ensureParent(rel);
    switch (h.type) {
      case 'file': return this.#file(rel, h);
      case 'dir': return this.#dir(rel, h);
      case 'symlink': return this.#symlink(rel, h);
      case 'hardlink': return this.#hardlink(rel, h);
      default: return this.#special(rel, h);
    }
  }

  onData(buf: Buffer, start: number, end: number): void {
    if (this.#fd !== -1) {
      while (start < end) start += writeSync(this.#fd, buf, start, end - start);
    } else if (this.#toBatch) {
      this.#batch!.write(buf, start, end);
    }
  }

  onEntryEnd(): void {
    if (this.#fd !== -1) {
      const h = this.#cur!;
      const fd = this.#fd;
      this.#fd = -1;
      try {
        if (this.#root && (h.uid !== this.#o.euid || h.gid !== this.#o.egid)) fchownSync(fd, h.uid, h.gid);
        // open() applied the umask, and chown clears setuid/setgid: fix the mode only then.
        if ((h.mode & 0o7000) !== 0 || (h.mode & this.#o.umask) !== 0) fchmodSync(fd, h.mode);
        futimesSync(fd, h.mtime, h.mtime);
      } finally {
        closeSync(fd);
      }
    }
    this.#toBatch = false;
    this.#cur = null;
  }

  /** Applies deferred work (special entries, directory metadata) and returns what was extracted. */
  finish(): ExtractStats {
    const batch = this.#batch;
    if (batch !== null && this.#root && batch.canSetXattrs) queueDirXattrs(this.#tree, batch);
    this.#flushBatch();
    applyDirMeta(this.#tree, this.#root, this.#o.euid, this.#o.egid);
    const xattrs: Record<string, Record<string, string>> = {};
    for (const [rel, m] of this.#xattrs) xattrs[rel] = Object.fromEntries([...m].map(([k, v]) => [k, v.toString('base64')]));
    return {
      ...this.stats,
      whiteouts: [...this.#overlay.whiteouts],
      opaqueDirs: [...this.#overlay.opaque],
      lowerHardlinks: this.#tree.lowerLinks(),
      xattrs,
      notes: [...this.#notes],
      overlayReady: this.#overlay.ready,
    };
  }

  /** Releases the open file and scratch batch after a failure. */
  abort(): void {
    if (this.#fd !== -1) closeSync(this.#fd);
    this.#fd = -1;
    this.#batch?.discard();
  }

  #file(rel: string, h: TarHeader): void {
    this.#tree.replace(rel);
    this.stats.files++;
    this.#stashXattrs(rel, h);
    if (h.xattrs !== undefined && this.#root && this.#batch?.canSetXattrs === true) {
      // Node cannot set xattrs (file capabilities, SELinux labels): the system tar writes this file.
      this.#batch.add({ name: rel, type: 'file', mode: h.mode, uid: h.uid, gid: h.gid, mtime: h.mtime, size: h.size, xattrs: h.xattrs });
      this.#toBatch = h.size > 0;
      this.#tree.set(rel, SPECIAL);
      this.stats.fileBytes += h.size;
      return;
    }
    this.#fd = openSync(this.#tree.abs(rel), OPEN_FLAGS, h.mode);
    this.#tree.set(rel, FILE);
    this.stats.fileBytes += h.size;
  }

  #dir(rel: string, h: TarHeader): void {
    this.stats.dirs++;
    const existing = this.#tree.get(rel);
    if (existing?.kind === 'dir') {
      this.#setDirMeta(existing, h);
      return;
    }
    const wasWhiteout = existing?.kind === 'whiteout';
    if (existing !== undefined) this.#tree.remove(rel, existing);
    const node = this.#tree.mkdir(rel, h.mode & 0o777);
    this.#setDirMeta(node, h);
    // A whiteout plus a directory of the same name in one layer means "replace": make it opaque.
    if (wasWhiteout) this.#overlay.markOpaque(rel);
  }

  #symlink(rel: string, h: TarHeader): void {
    if (h.linkname === '') throw this.#format(`symlink '${displayPath(rel)}' has an empty target`);
    this.#tree.replace(rel);
    this.stats.symlinks++;
    const p = this.#tree.abs(rel);
    // The target is stored verbatim: absolute targets such as /bin/busybox resolve inside the container.
    symlinkSync(rawBytes(h.linkname), p);
    this.#tree.set(rel, SYMLINK);
    if (this.#root && (h.uid !== this.#o.euid || h.gid !== this.#o.egid)) lchownSync(p, h.uid, h.gid);
    lutimesSync(p, h.mtime, h.mtime);
    this.#stashXattrs(rel, h);
  }

  #hardlink(rel: string, h: TarHeader): void {
    const target = normalizeEntryPath(h.linkname, this.#o.layer, 'hard link target');
    if (target === '') throw this.#format(`hard link '${displayPath(rel)}' points at the layer root`);
    if (target === rel) return;
    if (target.startsWith(`${rel}/`)) throw this.#format(`hard link '${displayPath(rel)}' points below itself`);
    this.stats.hardlinks++;
    const t = this.#tree.linkTarget(target, rel);
    if (t === undefined || t.kind === 'lowerlink') {
      this.#tree.replace(rel);
      this.#tree.set(rel, { kind: 'lowerlink', target: t === undefined ? target : t.target });
      return;
    }
    switch (t.kind) {
      case 'dir':
        throw this.#format(`hard link '${displayPath(rel)}' points at directory '${displayPath(target)}'`);
      case 'whiteout':
        throw this.#format(`hard link '${displayPath(rel)}' points at '${displayPath(target)}', which this layer deletes`);
      case 'absent':
        this.#tree.replace(rel);
        this.#tree.set(rel, ABSENT);
        return;
      case 'special':
        this.#tree.replace(rel);
        if (this.#batch!.touches(target)) {
          this.#batch!.add({ name: rel, type: 'hardlink', linkname: target });
          this.#tree.set(rel, SPECIAL);
          return;
        }
        break;
      default:
        this.#tree.replace(rel);
    }
    linkSync(this.#tree.abs(target), this.#tree.abs(rel));
    this.#tree.set(rel, t);
  }

  #special(rel: string, h: TarHeader): void {
    this.#tree.replace(rel);
    this.stats.specials++;
    this.#stashXattrs(rel, h);
    if (this.#batch === null || (!this.#root && h.type !== 'fifo')) {
      this.#notes.add(this.#batch === null
        ? 'device nodes and fifos were skipped: no system tar found to create them'
        : 'device nodes were skipped: creating them needs root');
      this.#tree.set(rel, ABSENT);
      return;
    }
    this.#batch.add({ name: rel, type: h.type, mode: h.mode, uid: h.uid, gid: h.gid, mtime: h.mtime, devmajor: h.devmajor, devminor: h.devminor, xattrs: this.#root ? h.xattrs : undefined });
    this.#tree.set(rel, SPECIAL);
  }

  #setDirMeta(n: DirNode, h: TarHeader): void {
    n.mode = h.mode;
    n.uid = h.uid;
    n.gid = h.gid;
    n.mtime = h.mtime;
    n.implicit = false;
    if (h.xattrs !== undefined) {
      n.xattrs = h.xattrs;
      this.#stashXattrs(this.#curRel, h);
    }
  }

  #flushBatch(): void {
    if (this.#batch === null || this.#batch.flush()) return;
    this.#overlay.ready = false;
    for (const f of this.#batch.failures) this.#notes.add(`system tar could not create special entries: ${f}`);
  }

  #stashXattrs(rel: string, h: TarHeader): void {
    if (h.xattrs === undefined) return;
    this.#xattrs.set(rel, h.xattrs);
    if (!this.#root || this.#batch === null || !this.#batch.canSetXattrs || h.type === 'symlink') {
      this.#notes.add('extended attributes were recorded in meta.json but not applied (needs root and GNU tar)');
    }
  }

  #format(detail: string): ImageError {
    return new ImageError(ErrorCode.LayerFormat, `layer ${this.#o.layer}: ${detail}`);
  }
}
