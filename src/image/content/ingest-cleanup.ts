// Removal of what crashed processes left in ingest/. A temp file is stale when it has not been
// written to for STALE_INGEST_MS and its writer is gone: for a blob's `.part` file, when the
// blob's lock is not held by that same live process; for other temp files, when the pid in the
// name is dead. Lock files are broken as soon as their holder is dead (as any waiter would).

import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { errorCode, lstatIfExists, parseTempName, unlinkIfExists } from './fs-atomic.ts';
import type { LayoutPaths } from './layout.ts';
import { breakLockIfStale, readLockState } from './lock.ts';
import { isPidAlive } from './process-owner.ts';

/** A download makes progress far more often than this; an untouched temp file is abandoned. */
export const STALE_INGEST_MS = 10 * 60_000;

export interface IngestCleanupOptions {
  /** Minimum time since a temp file was last written (default STALE_INGEST_MS). */
  minAgeMs?: number;
}

export interface IngestCleanupResult {
  removedFiles: number;
  freedBytes: number;
}

async function partOwnerAlive(paths: LayoutPaths, base: string, pid: number): Promise<boolean> {
  const state = await readLockState(join(paths.ingest, `${base}.lock`));
  return state.kind === 'held' && state.alive && state.owner.pid === pid;
}

export async function cleanIngest(paths: LayoutPaths, options: IngestCleanupOptions = {}): Promise<IngestCleanupResult> {
  const minAgeMs = options.minAgeMs ?? STALE_INGEST_MS;
  const result: IngestCleanupResult = { removedFiles: 0, freedBytes: 0 };
  let names: string[];
  try {
    names = await readdir(paths.ingest);
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return result;
    throw err;
  }
  const now = Date.now();
  for (const name of names) {
    const path = join(paths.ingest, name);
    if (name.endsWith('.lock')) {
      await breakLockIfStale(path);
      continue;
    }
    const temp = parseTempName(name);
    if (temp === undefined) continue;
    const stats = await lstatIfExists(path);
    if (stats === undefined) continue;
    if (!stats.isFile() || now - stats.mtimeMs < minAgeMs) continue;
    const alive = temp.kind === 'part' ? await partOwnerAlive(paths, temp.base, temp.pid) : isPidAlive(temp.pid);
    if (alive) continue;
    if (await unlinkIfExists(path)) {
      result.removedFiles += 1;
      result.freedBytes += stats.size;
    }
  }
  return result;
}
