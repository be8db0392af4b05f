// Snapshots are kept while an image still tagged in the content store needs them (its layer
// chain); the rest can go. Shared by `ferry prune` and the node agent's image garbage collector.
import { chainIds } from './chain-id.ts';
import type { ContentStore } from './content/index.ts';
import { readDiffIds } from './config-blob.ts';
import type { SnapshotStore } from './unpack/index.ts';

/** Chain IDs of every layer of every tagged image. */
export async function snapshotsInUse(store: ContentStore): Promise<Set<string>> {
  const keep = new Set<string>();
  for (const entry of await store.list()) {
    let manifest: { config?: { digest?: string } };
    try {
      manifest = JSON.parse((await store.readBlob(entry.descriptor.digest, { maxBytes: 4 << 20 })).toString('utf8')) as { config?: { digest?: string } };
    } catch {
      continue;
    }
    if (manifest.config?.digest === undefined || !(await store.has(manifest.config.digest))) continue;
    for (const id of chainIds(await readDiffIds(store, manifest.config.digest))) keep.add(id);
  }
  return keep;
}

/**
 * Removes the snapshots no tagged image uses; returns how many. Snapshots younger than
 * `minAgeMs` stay: a pull unpacks its layers before it tags the image.
 */
export async function pruneSnapshots(store: ContentStore, snapshots: SnapshotStore, options: { minAgeMs?: number } = {}): Promise<number> {
  const keep = await snapshotsInUse(store);
  const cutoff = Date.now() - (options.minAgeMs ?? 0);
  let removed = 0;
  for (const s of await snapshots.list()) {
    if (keep.has(s.chainId) || Date.parse(s.created) > cutoff) continue;
    await snapshots.remove(s.chainId);
    removed++;
  }
  return removed;
}
