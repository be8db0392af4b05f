// Entries Node.js cannot create: device nodes, fifos (no mknod binding) and extended attributes
// (no xattr binding). Instead of one mknod/setfattr process per entry, they are written to a small
// tar file and applied by one run of the system tar, which creates nodes, owners, modes, mtimes and,
// for GNU tar, xattrs (--xattrs). Paths handed over were validated and their parents are real
// directories created by this extraction, so the system tar never meets a symlink on the way.

import { closeSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { END_OF_ARCHIVE, encodeHeader, padding } from './tar-writer.ts';
import type { TarWriteEntry } from './tar-writer.ts';

export interface SystemTar {
  path: string;
  /** GNU tar understands --xattrs; busybox tar does not. */
  gnu: boolean;
}

let cached: SystemTar | null | undefined;

/** Finds the system tar once per thread. */
export function findSystemTar(): SystemTar | null {
  if (cached !== undefined) return cached;
  for (const path of ['/usr/bin/tar', '/bin/tar', '/usr/local/bin/tar']) {
    const r = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 10_000 });
    if (r.error === undefined && r.status === 0) {
      cached = { path, gnu: r.stdout.includes('GNU tar') };
      return cached;
    }
  }
  cached = null;
  return cached;
}

export class SpecialBatch {
  readonly #root: string;
  readonly #file: string;
  readonly #tar: SystemTar;
  #fd = -1;
  #paths = new Set<string>();
  #xattrs = false;
  #fileLeft = 0;
  #fileSize = 0;
  /** Messages from runs of the system tar that reported problems. */
  readonly failures: string[] = [];

  /** `file` is a scratch path outside `root` where the batch archive is assembled. */
  constructor(root: string, file: string, tar: SystemTar) {
    this.#root = root;
    this.#file = file;
    this.#tar = tar;
  }

  get size(): number {
    return this.#paths.size;
  }

  get canSetXattrs(): boolean {
    return this.#tar.gnu;
  }

  /** Whether `rel` or anything below it waits in the batch. */
  touches(rel: string): boolean {
    if (this.#paths.size === 0) return false;
    if (rel === '' || this.#paths.has(rel)) return true;
    const prefix = `${rel}/`;
    for (const p of this.#paths) if (p.startsWith(prefix)) return true;
    return false;
  }

  add(entry: TarWriteEntry): void {
    if (this.#fileLeft !== 0) throw new Error('SpecialBatch: previous file body incomplete');
    if (entry.xattrs !== undefined && entry.xattrs.size > 0) this.#xattrs = true;
    this.#write(encodeHeader(entry));
    this.#paths.add(entry.name);
    if (entry.type === 'file' && (entry.size ?? 0) > 0) {
      this.#fileLeft = entry.size ?? 0;
      this.#fileSize = this.#fileLeft;
    }
  }

  /** Body bytes of the file entry last added. */
  write(buf: Buffer, start: number, end: number): void {
    this.#writeRange(buf, start, end);
    this.#fileLeft -= end - start;
    if (this.#fileLeft === 0) this.#write(padding(this.#fileSize));
  }

  /** Applies everything batched so far. Returns false (and records why) if the system tar failed. */
  flush(): boolean {
    if (this.#fd === -1) return true;
    this.#write(END_OF_ARCHIVE);
    closeSync(this.#fd);
    this.#fd = -1;
    this.#paths.clear();
    const args = ['-x', '-f', this.#file, '-C', this.#root, '--numeric-owner'];
    if (this.#xattrs && this.#tar.gnu) args.push('--xattrs', '--xattrs-include=*');
    const r = spawnSync(this.#tar.path, args, { encoding: 'utf8', timeout: 300_000, stdio: ['ignore', 'ignore', 'pipe'] });
    unlinkSync(this.#file);
    this.#xattrs = false;
    if (r.error !== undefined || r.status !== 0) {
      this.failures.push(`${this.#tar.path} exited ${r.status ?? r.error?.message}: ${(r.stderr ?? '').trim().slice(0, 500)}`);
      return false;
    }
    return true;
  }

  /** Drops the scratch file without applying it (on failure). */
  discard(): void {
    if (this.#fd === -1) return;
    closeSync(this.#fd);
    this.#fd = -1;
    try {
      unlinkSync(this.#file);
    } catch {
      // already gone
    }
  }

  #write(b: Buffer): void {
    this.#writeRange(b, 0, b.length);
  }

  #writeRange(b: Buffer, start: number, end: number): void {
    if (this.#fd === -1) this.#fd = openSync(this.#file, 'w', 0o600);
    while (start < end) start += writeSync(this.#fd, b, start, end - start);
  }
}
