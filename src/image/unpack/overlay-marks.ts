// Whiteouts and opaque directories of one layer.
//
// Overlay representation (https://docs.kernel.org/filesystems/overlayfs.html#whiteouts-and-opaque-directories):
// when root, a whiteout becomes a 0/0 character device and an opaque directory gets
// trusted.overlay.opaque=y, both through the system tar (special-batch.ts). Both are always
// recorded in the result so a merged rootfs can be built without overlayfs.

import { parentOf } from './entry-path.ts';
import { WHITEOUT } from './layer-tree.ts';
import type { DirNode, LayerTree } from './layer-tree.ts';
import type { SpecialBatch } from './special-batch.ts';

export class OverlayMarks {
  readonly whiteouts = new Set<string>();
  readonly opaque = new Set<string>();
  /** Becomes ExtractStats.overlayReady: false once a mark could not be put on disk in overlayfs form. */
  ready = true;
  readonly #tree: LayerTree;
  readonly #batch: SpecialBatch | null;
  readonly #root: boolean;

  constructor(tree: LayerTree, batch: SpecialBatch | null, isRoot: boolean) {
    this.#tree = tree;
    this.#batch = batch;
    this.#root = isRoot;
  }

  /** `target` is deleted from the layers below (OCI `.wh.<name>`). */
  whiteout(target: string): void {
    this.#tree.ensureDir(parentOf(target));
    this.whiteouts.add(target);
    const existing = this.#tree.get(target);
    if (existing !== undefined) {
      // Already made by this layer: a directory must hide the lower one entirely; anything else already does.
      if (existing.kind === 'dir') this.markOpaque(target);
      return;
    }
    if (!this.#root || this.#batch === null) {
      this.ready = false;
      return;
    }
    this.#batch.add({ name: target, type: 'char', mode: 0, devmajor: 0, devminor: 0 });
    this.#tree.set(target, WHITEOUT);
  }

  /** `dir` hides the contents of the lower directories of the same name. */
  markOpaque(dir: string): void {
    this.#tree.ensureDir(dir);
    (this.#tree.get(dir) as DirNode).opaque = true;
    this.opaque.add(dir);
    if (!this.#root || this.#batch === null || !this.#batch.canSetXattrs) this.ready = false;
  }
}
