// The data directory's stores: `DIR/content` (OCI layout) and `DIR/snapshots` (unpacked layers).
import { join } from 'node:path';
import { ContentStore } from '../image/content/index.ts';
import type { SnapshotStore } from '../image/unpack/index.ts';

export function openContent(dataDir: string): Promise<ContentStore> {
  return ContentStore.open(join(dataDir, 'content'));
}

/** Runs `fn` with the snapshot store, then stops its unpack workers so the process can exit. */
export async function withSnapshots<T>(dataDir: string, fn: (s: SnapshotStore) => Promise<T>): Promise<T> {
  // Imported here: only --unpack and prune need the unpacker and its workers.
  const { SnapshotStore } = await import('../image/unpack/index.ts');
  const snapshots = await SnapshotStore.open(join(dataDir, 'snapshots'));
  try {
    return await fn(snapshots);
  } finally {
    await snapshots.close();
  }
}
