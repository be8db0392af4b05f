// The data directory's stores: `DIR/content` (OCI layout) and `DIR/snapshots` (unpacked layers).
import { join } from 'node:path';
import { ContentStore } from '../image/content/index.ts';
import { SnapshotStore } from '../image/unpack/index.ts';

export interface Stores {
  store: ContentStore;
  snapshots: SnapshotStore;
}

export async function openStores(dataDir: string): Promise<Stores> {
  const store = await ContentStore.open(join(dataDir, 'content'));
  const snapshots = await SnapshotStore.open(join(dataDir, 'snapshots'));
  return { store, snapshots };
}
