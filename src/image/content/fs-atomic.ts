// File primitives that keep the layout consistent across crashes: a file becomes visible under its
// final name only complete and fsynced (write a temp file, fsync, then rename or link it into
// place, then fsync the directory so the new name survives a power loss). Temp files are named
// `<base>.<pid>-<random>.<kind>` so that stale-file cleanup can tell who wrote them.

import { randomBytes } from 'node:crypto';
import { link, lstat, open, rename, unlink } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export type TempKind = 'tmp' | 'part' | 'stale';

const TEMP_NAME = /^(.+)\.(\d+)-([0-9a-f]{12})\.(tmp|part|stale)$/;

export function tempName(dir: string, base: string, kind: TempKind): string {
  return join(dir, `${base}.${process.pid}-${randomBytes(6).toString('hex')}.${kind}`);
}

export interface ParsedTempName {
  base: string;
  pid: number;
  kind: TempKind;
}

export function parseTempName(name: string): ParsedTempName | undefined {
  const match = TEMP_NAME.exec(name);
  if (match === null) return undefined;
  return { base: match[1] ?? '', pid: Number(match[2]), kind: match[4] as TempKind };
}

export function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined;
}

/** Removes a file, treating "already gone" as success. */
export async function unlinkIfExists(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return false;
    throw err;
  }
}

/** Makes renames and new links in `dir` durable (rename(2) alone is atomic but not durable). */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function writeTemp(tmp: string, data: string | Uint8Array, mode: number): Promise<void> {
  const handle = await open(tmp, 'wx', mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Replaces `target` atomically with `data`; readers see the old or the new file, never a mix. */
export async function writeFileAtomic(target: string, data: string | Uint8Array, tmpDir: string): Promise<void> {
  const tmp = tempName(tmpDir, basename(target), 'tmp');
  try {
    await writeTemp(tmp, data, 0o644);
    await rename(tmp, target);
  } catch (err) {
    await unlinkIfExists(tmp);
    throw err;
  }
  await fsyncDir(dirname(target));
}

/**
 * Creates `target` with `data` only if it does not exist. link(2) fails with EEXIST instead of
 * replacing, so of several racing creators exactly one wins and nobody sees a partial file.
 * Returns whether this call created it.
 */
export async function createFileExclusive(
  target: string,
  data: string | Uint8Array,
  tmpDir: string,
  options: { durable?: boolean } = {},
): Promise<boolean> {
  const durable = options.durable ?? true;
  const tmp = tempName(tmpDir, basename(target), 'tmp');
  let created = false;
  try {
    if (durable) {
      await writeTemp(tmp, data, 0o644);
    } else {
      const handle = await open(tmp, 'wx', 0o644);
      try {
        await handle.writeFile(data);
      } finally {
        await handle.close();
      }
    }
    await link(tmp, target);
    created = true;
  } catch (err) {
    if (errorCode(err) !== 'EEXIST') throw err;
  } finally {
    await unlinkIfExists(tmp);
  }
  if (created && durable) await fsyncDir(dirname(target));
  return created;
}

/** lstat, or undefined when the path is gone (a concurrent GC or commit may remove it). */
export async function lstatIfExists(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return undefined;
    throw err;
  }
}
