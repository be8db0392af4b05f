// Hard links from a layer to files of the layers below it. A per-layer snapshot cannot hold a link
// into another snapshot, so each becomes a copy of the lower file (content, mode, owner, mtime):
// what overlayfs shows anyway after a copy-up, except that the two names no longer share an inode
// (writing one later does not change the other). Links of one layer to the same lower file share
// one copy. Lower snapshots are walked with lstat, never following a symlink, and a lower path
// hidden by a whiteout, an opaque directory or a non-directory above it counts as absent.

import {
  chmodSync, copyFileSync, constants, lchownSync, linkSync, lstatSync, lutimesSync, readlinkSync, symlinkSync, utimesSync,
} from 'node:fs';
import type { Stats } from 'node:fs';
import { ErrorCode, ImageError } from '../errors.ts';
import { absPath, displayPath, parentOf } from './entry-path.ts';
import type { LowerHardlink } from './types.ts';

export interface LowerLayerView {
  fsDir: string;
  whiteouts: ReadonlySet<string>;
  opaqueDirs: ReadonlySet<string>;
}

/** Fills in `links` under `fsDir` from `lowers` (top layer first). */
export function resolveLowerHardlinks(fsDir: string, links: readonly LowerHardlink[], lowers: readonly LowerLayerView[], layer: string): void {
  const fsBuf = Buffer.from(fsDir);
  const root = process.geteuid?.() === 0;
  const copies = new Map<string, string | Buffer>();
  for (const link of links) {
    const dst = absPath(fsDir, fsBuf, link.path);
    const first = copies.get(link.target);
    const parent = absPath(fsDir, fsBuf, parentOf(link.path));
    const parentStat = lstatSync(parent);
    if (first !== undefined) {
      linkSync(first, dst);
    } else {
      const found = findInLowers(link.target, lowers);
      if (found === null) {
        throw new ImageError(ErrorCode.LayerFormat, `layer ${layer}: hard link '${displayPath(link.path)}' points at ` +
          `'${displayPath(link.target)}', which is in neither this layer nor the layers below it`);
      }
      if (found.st.isDirectory()) {
        throw new ImageError(ErrorCode.LayerFormat, `layer ${layer}: hard link '${displayPath(link.path)}' points at directory '${displayPath(link.target)}'`);
      }
      copyNode(found.path, found.st, dst, root);
      copies.set(link.target, dst);
    }
    // Adding the copy changed the parent's mtime, which extraction had already set from the layer.
    utimesSync(parent, parentStat.atimeMs / 1000, parentStat.mtimeMs / 1000);
  }
}

function findInLowers(target: string, lowers: readonly LowerLayerView[]): { path: string | Buffer; st: Stats } | null {
  const parts = target.split('/');
  for (const l of lowers) {
    const buf = Buffer.from(l.fsDir);
    let present = true;
    for (let i = 1; i < parts.length && present; i++) {
      const st = lstatOrNull(absPath(l.fsDir, buf, parts.slice(0, i).join('/')));
      if (st === null) present = false;
      else if (!st.isDirectory()) return null; // a non-directory in a higher layer hides everything below it
    }
    if (present) {
      const p = absPath(l.fsDir, buf, target);
      const st = lstatOrNull(p);
      if (st !== null) {
        if (st.isCharacterDevice() && st.rdev === 0 && l.whiteouts.has(target)) return null;
        return { path: p, st };
      }
    }
    for (let i = 0; i <= parts.length; i++) {
      const prefix = parts.slice(0, i).join('/');
      if (i > 0 && l.whiteouts.has(prefix)) return null;
      if (i < parts.length && l.opaqueDirs.has(prefix)) return null;
    }
  }
  return null;
}

/** Copies one non-directory with its metadata (ownership only when root). */
export function copyNode(src: string | Buffer, st: Stats, dst: string | Buffer, root: boolean): void {
  if (st.isSymbolicLink()) {
    symlinkSync(readlinkSync(src, { encoding: 'buffer' }), dst);
    if (root) lchownSync(dst, st.uid, st.gid);
    lutimesSync(dst, st.atimeMs / 1000, st.mtimeMs / 1000);
    return;
  }
  if (!st.isFile()) throw new Error(`copyNode: ${String(src)} is not a regular file or symlink`);
  copyFileSync(src, dst, constants.COPYFILE_FICLONE);
  if (root) lchownSync(dst, st.uid, st.gid);
  chmodSync(dst, st.mode & 0o7777);
  utimesSync(dst, st.atimeMs / 1000, st.mtimeMs / 1000);
}

function lstatOrNull(p: string | Buffer): Stats | null {
  try {
    return lstatSync(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
