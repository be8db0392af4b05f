// Garbage collection: mark every blob reachable from index.json, sweep the rest, then drop the
// records of images no longer reachable and the stale files of ingest/.
//
// Safety rule: the sweep runs holding the index.json lock (so no tag can be added between mark
// and sweep, and `tag` re-checks under that lock that the image's blobs still exist), and never
// removes a blob or record changed less than `gracePeriodMs` before the collection started.
// A blob's ctime is its commit time (commit chmods, then renames it into place, both of which set
// ctime), so blobs a concurrent writer is committing, and the layers of a pull that has not tagged
// its image yet, are kept as long as that pull takes less than the grace period.

import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isStoreAlgorithm, isValidHex, tryParseStoreDigest } from './digest-path.ts';
import { childrenOf } from './children.ts';
import { lstatIfExists, unlinkIfExists } from './fs-atomic.ts';
import { cleanIngest } from './ingest-cleanup.ts';
import { storeInternals, type ContentStore } from './store.ts';
import type { Descriptor } from './types.ts';
import { throwIfAborted } from './wait.ts';

/** Longer than any pull should take: a pull's blobs are unreferenced until it tags the image. */
export const DEFAULT_GC_GRACE_MS = 60 * 60_000;

// File times come from the kernel's coarse clock, which may lag Date.now() by a tick or so.
const FS_CLOCK_SLACK_MS = 50;

export interface GcOptions {
  /** Keep unreferenced blobs and records changed this recently (default DEFAULT_GC_GRACE_MS). */
  gracePeriodMs?: number;
  /** Minimum age of abandoned ingest temp files to remove (default STALE_INGEST_MS). */
  ingestMinAgeMs?: number;
  signal?: AbortSignal;
}

export interface GcResult {
  removedBlobs: number;
  freedBytes: number;
  removedRecords: number;
  removedIngestFiles: number;
}

async function mark(store: ContentStore, roots: Descriptor[]): Promise<Set<string>> {
  const marked = new Set<string>();
  const pending = [...roots];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const digest = tryParseStoreDigest(next.digest);
    if (digest === undefined || marked.has(digest.digest)) continue;
    marked.add(digest.digest);
    pending.push(...(await childrenOf(store, next, { subject: true })));
  }
  return marked;
}

async function sweepBlobs(blobsDir: string, marked: Set<string>, cutoff: number, result: GcResult): Promise<void> {
  for (const algorithm of await readdir(blobsDir)) {
    // Directories of algorithms the store does not write are left alone: not ours to judge.
    if (!isStoreAlgorithm(algorithm)) continue;
    const dir = join(blobsDir, algorithm);
    for (const hex of await readdir(dir)) {
      if (!isValidHex(algorithm, hex) || marked.has(`${algorithm}:${hex}`)) continue;
      const path = join(dir, hex);
      const stats = await lstatIfExists(path);
      if (stats === undefined) continue;
      if (!stats.isFile() || Math.max(stats.ctimeMs, stats.mtimeMs) >= cutoff) continue;
      if (await unlinkIfExists(path)) {
        result.removedBlobs += 1;
        result.freedBytes += stats.size;
      }
    }
  }
}

export async function collectGarbage(store: ContentStore, options: GcOptions = {}): Promise<GcResult> {
  const { paths, index, records } = storeInternals(store);
  const signal = options.signal;
  const cutoff = Date.now() - Math.max(options.gracePeriodMs ?? DEFAULT_GC_GRACE_MS, 0) - FS_CLOCK_SLACK_MS;
  const result: GcResult = { removedBlobs: 0, freedBytes: 0, removedRecords: 0, removedIngestFiles: 0 };
  await index.locked({ signal }, async () => {
    const marked = await mark(store, (await index.read()).manifests);
    throwIfAborted(signal, 'garbage collection');
    await sweepBlobs(paths.blobs, marked, cutoff, result);
    for (const digest of await records.recordDigests()) {
      if (marked.has(digest.digest)) continue;
      if (await records.removeRecord(digest.digest, { unusedSince: cutoff })) result.removedRecords += 1;
    }
  });
  const ingest = await cleanIngest(paths, options.ingestMinAgeMs === undefined ? {} : { minAgeMs: options.ingestMinAgeMs });
  result.removedIngestFiles = ingest.removedFiles;
  return result;
}
