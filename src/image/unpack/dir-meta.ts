// Directory metadata is applied once the whole layer is written: writing into a directory changes
// its mtime, and as non-root its own mode may not let us fill it (layer-tree.ts creates it with
// owner rwx). Directories made only as parents of an entry get 0755.

import { chmodSync, chownSync, utimesSync } from 'node:fs';
import type { LayerTree } from './layer-tree.ts';
import type { SpecialBatch } from './special-batch.ts';

/** Queues directories with xattrs or an opaque mark for the system tar, which can set them (Node cannot). */
export function queueDirXattrs(tree: LayerTree, batch: SpecialBatch): void {
  for (const [rel, n] of tree.dirs()) {
    if (!n.opaque && n.xattrs === undefined) continue;
    const xattrs = new Map(n.xattrs);
    if (n.opaque) xattrs.set('trusted.overlay.opaque', Buffer.from('y'));
    batch.add({ name: rel === '' ? '.' : rel, type: 'dir', mode: n.implicit ? 0o755 : n.mode, uid: n.uid, gid: n.gid, mtime: n.implicit ? Math.floor(Date.now() / 1000) : n.mtime, xattrs });
  }
}

/** Applies owner (as root), mode and mtime to every directory, children before parents. */
export function applyDirMeta(tree: LayerTree, isRoot: boolean, euid: number, egid: number): void {
  for (const [rel, n] of tree.dirs()) {
    const p = tree.abs(rel);
    if (isRoot && !n.implicit && (n.uid !== euid || n.gid !== egid)) chownSync(p, n.uid, n.gid);
    const want = n.implicit ? 0o755 : n.mode;
    if (want !== n.diskMode) chmodSync(p, want);
    if (!n.implicit) utimesSync(p, n.mtime, n.mtime);
  }
}
