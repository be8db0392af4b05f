// What one extraction has created so far, path by path. The extraction root starts empty, so this
// map is the whole truth about it: parents are resolved here and never on disk, which is what
// keeps a symlink made by the layer from ever being followed (see extract.ts).

import { mkdirSync, rmSync, unlinkSync } from 'node:fs';
import { ErrorCode, ImageError } from '../errors.ts';
import { absPath, displayPath, parentOf } from './entry-path.ts';
import type { LowerHardlink } from './types.ts';

export type Kind = 'dir' | 'file' | 'symlink' | 'special' | 'whiteout' | 'lowerlink' | 'absent';
/** A directory and the metadata to apply once its contents are written. */
export interface DirNode {
  kind: 'dir';
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  /** Created for a child without an entry of its own (0755, like containers/storage). */
  implicit: boolean;
  /** Mode it has on disk now. */
  diskMode: number;
  opaque: boolean;
  xattrs?: Map<string, Buffer> | undefined;
}
/** A hard link whose target is in a lower layer; nothing on disk yet. */
export interface LinkNode { kind: 'lowerlink'; target: string }
export interface LeafNode { kind: Exclude<Kind, 'dir' | 'lowerlink'> }
export type Node = DirNode | LinkNode | LeafNode;

export const FILE: LeafNode = { kind: 'file' };
export const SYMLINK: LeafNode = { kind: 'symlink' };
/** Device node, fifo, or file with xattrs: written by the system tar (special-batch.ts). */
export const SPECIAL: LeafNode = { kind: 'special' };
/** overlayfs whiteout (0/0 character device), written by the system tar. */
export const WHITEOUT: LeafNode = { kind: 'whiteout' };
/** An entry that could not be created here (device node as non-root); nothing on disk. */
export const ABSENT: LeafNode = { kind: 'absent' };

export interface LayerTreeOptions {
  root: string;
  layer: string;
  umask: number;
  isRoot: boolean;
  euid: number;
  egid: number;
  rootMode: number;
  /** Called before `rel` (and everything below it) is deleted from disk. */
  beforeRemove: (rel: string) => void;
  /** The entry being extracted, for messages. */
  currentEntry: () => string;
}

export class LayerTree {
  readonly #o: LayerTreeOptions;
  readonly #rootBuf: Buffer;
  readonly #nodes = new Map<string, Node>();
  #lastParent: string | null = null;

  constructor(o: LayerTreeOptions) {
    this.#o = o;
    this.#rootBuf = Buffer.from(o.root);
    this.#nodes.set('', { kind: 'dir', mode: 0o755, uid: o.euid, gid: o.egid, mtime: 0, implicit: true, diskMode: o.rootMode, opaque: false });
  }

  get(rel: string): Node | undefined {
    return this.#nodes.get(rel);
  }

  set(rel: string, node: Node): void {
    this.#nodes.set(rel, node);
  }

  abs(rel: string): string | Buffer {
    return absPath(this.#o.root, this.#rootBuf, rel);
  }

  /** Makes sure the parent of `rel` is a directory of this layer; cached for runs of siblings. */
  ensureParent(rel: string): void {
    const parent = parentOf(rel);
    if (parent === this.#lastParent) return;
    this.ensureDir(parent);
    this.#lastParent = parent;
  }

  /** Makes sure `dir` is a directory made by this layer, creating missing ones. */
  ensureDir(dir: string): DirNode {
    const node = this.#nodes.get(dir);
    if (node?.kind === 'dir') return node;
    if (node?.kind === 'symlink') {
      throw new ImageError(ErrorCode.UnsafeLayer, `layer ${this.#o.layer}: entry '${this.#o.currentEntry()}' would be written through ` +
        `symlink '${displayPath(dir)}' created by the same layer; the layer is refused (rebuild the image without it)`);
    }
    if (node !== undefined && node.kind !== 'whiteout') {
      throw new ImageError(ErrorCode.LayerFormat, `layer ${this.#o.layer}: entry '${this.#o.currentEntry()}' needs ` +
        `'${displayPath(dir)}' to be a directory, but the layer made it a ${node.kind}`);
    }
    this.ensureDir(parentOf(dir));
    if (node !== undefined) this.remove(dir, node);
    return this.mkdir(dir, 0o755);
  }

  mkdir(rel: string, mode: number): DirNode {
    // Non-root needs owner rwx to fill the directory; the real mode is applied at the end.
    const create = this.#o.isRoot ? mode : mode | 0o700;
    mkdirSync(this.abs(rel), create);
    const node: DirNode = {
      kind: 'dir', mode: 0o755, uid: this.#o.euid, gid: this.#o.egid, mtime: 0, implicit: true, diskMode: create & ~this.#o.umask, opaque: false,
    };
    this.#nodes.set(rel, node);
    return node;
  }

  /** Deletes whatever this layer has at `rel`. */
  replace(rel: string): void {
    const existing = this.#nodes.get(rel);
    if (existing !== undefined) this.remove(rel, existing);
  }

  remove(rel: string, node: Node): void {
    this.#o.beforeRemove(rel);
    const p = this.abs(rel);
    if (node.kind === 'dir') {
      rmSync(p, { recursive: true, force: true });
      const prefix = `${rel}/`;
      for (const k of this.#nodes.keys()) if (k.startsWith(prefix)) this.#nodes.delete(k);
    } else if (node.kind !== 'lowerlink' && node.kind !== 'absent') {
      try {
        unlinkSync(p);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err; // a special entry whose creation failed
      }
    }
    this.#nodes.delete(rel);
    this.#lastParent = null;
  }

  /** Resolves a hard-link target; undefined means it lies in a lower layer. */
  linkTarget(target: string, rel: string): Node | undefined {
    let i = target.indexOf('/');
    while (i !== -1) {
      const n = this.#nodes.get(target.slice(0, i));
      if (n === undefined) return undefined;
      if (n.kind === 'symlink') {
        throw new ImageError(ErrorCode.UnsafeLayer, `layer ${this.#o.layer}: hard link '${displayPath(rel)}' points at ` +
          `'${displayPath(target)}' through symlink '${displayPath(target.slice(0, i))}'; the layer is refused`);
      }
      if (n.kind !== 'dir') {
        throw new ImageError(ErrorCode.LayerFormat, `layer ${this.#o.layer}: hard link '${displayPath(rel)}' points at ` +
          `'${displayPath(target)}', whose parent this layer made a ${n.kind}`);
      }
      i = target.indexOf('/', i + 1);
    }
    return this.#nodes.get(target);
  }

  /** Directories, children before parents (so a parent's mtime is set after its children change it). */
  dirs(): [string, DirNode][] {
    const out = [...this.#nodes].filter((e): e is [string, DirNode] => e[1].kind === 'dir');
    return out.sort((a, b) => b[0].length - a[0].length);
  }

  lowerLinks(): LowerHardlink[] {
    const out: LowerHardlink[] = [];
    for (const [rel, n] of this.#nodes) if (n.kind === 'lowerlink') out.push({ path: rel, target: n.target });
    return out;
  }
}
