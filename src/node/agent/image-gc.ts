// The node's image garbage collector, as the kubelet's image GC manager: when the data
// directory's filesystem is fuller than the high threshold, unused images are removed least
// recently used first until it is below the low threshold; images unused for longer than the
// maximum age go regardless. Never removed: images of containers on the node, images pinned by
// an ImageCache, and images younger than the minimum age. Blobs and snapshots nothing needs then
// go with them.
// https://github.com/kubernetes/kubernetes/blob/v1.32.4/pkg/kubelet/images/image_gc_manager.go
import { statfs } from 'node:fs/promises';
import { collectGarbage, pruneSnapshots } from '../../image/index.ts';
import type { ContentStore, SnapshotStore } from '../../image/index.ts';

export interface ImageGcPolicy {
  /** Start collecting above this share of the filesystem in use (kubelet default 85). */
  highThresholdPercent: number;
  /** Collect down to this share (kubelet default 80). */
  lowThresholdPercent: number;
  /** Never remove an image used or pulled this recently (kubelet default 2 min). */
  minAgeMs: number;
  /** Remove images unused this long whatever the disk says; 0 disables (the kubelet's default). */
  maxAgeMs: number;
}

export const DEFAULT_IMAGE_GC_POLICY: ImageGcPolicy = { highThresholdPercent: 85, lowThresholdPercent: 80, minAgeMs: 2 * 60_000, maxAgeMs: 0 };

export interface ImageGcInput {
  store: ContentStore;
  snapshots: SnapshotStore;
  /** The directory whose filesystem the images fill. */
  dataDir: string;
  /** Images of containers on the node: digests, or references as the store tags them. */
  inUse: Set<string>;
  /** Images pinned by ImageCaches: digests or references. */
  pinned: Set<string>;
  policy?: Partial<ImageGcPolicy>;
  now?: Date;
  /** For tests: the filesystem's usage, bytes. */
  usage?: () => Promise<{ used: number; total: number }>;
}

export interface ImageGcResult {
  /** References removed. */
  removed: string[];
  freedBytes: number;
  removedSnapshots: number;
}

async function fsUsage(dir: string): Promise<{ used: number; total: number }> {
  const s = await statfs(dir);
  const total = s.blocks * s.bsize;
  return { used: total - s.bavail * s.bsize, total };
}

export async function collectImages(input: ImageGcInput): Promise<ImageGcResult> {
  const policy = { ...DEFAULT_IMAGE_GC_POLICY, ...input.policy };
  const now = (input.now ?? new Date()).getTime();
  const usage = await (input.usage ?? (() => fsUsage(input.dataDir)))();
  const entries = await input.store.list();
  const candidates: { ref: string; digest: string; lastUsed: number; size: number }[] = [];
  for (const e of entries) {
    if (e.ref === undefined) continue;
    const digest = e.descriptor.digest;
    if (input.inUse.has(digest) || input.pinned.has(digest) || input.inUse.has(e.ref) || input.pinned.has(e.ref)) continue;
    const record = await input.store.getRecord(digest);
    const lastUsed = Date.parse(record?.lastUsedAt ?? '') || 0;
    if (now - lastUsed < policy.minAgeMs) continue;
    candidates.push({ ref: e.ref, digest, lastUsed, size: record?.size ?? 0 });
  }
  candidates.sort((a, b) => a.lastUsed - b.lastUsed);
  const removed: string[] = [];
  let toFree = usage.total === 0 || (usage.used * 100) / usage.total < policy.highThresholdPercent
    ? 0
    : usage.used - (usage.total * policy.lowThresholdPercent) / 100;
  for (const c of candidates) {
    const tooOld = policy.maxAgeMs > 0 && now - c.lastUsed > policy.maxAgeMs;
    if (!tooOld && toFree <= 0) continue;
    if (await input.store.untag(c.ref)) {
      removed.push(c.ref);
      toFree -= c.size;
    }
  }
  if (removed.length === 0) return { removed, freedBytes: 0, removedSnapshots: 0 };
  const blobs = await collectGarbage(input.store, { gracePeriodMs: policy.minAgeMs });
  const removedSnapshots = await pruneSnapshots(input.store, input.snapshots, { minAgeMs: policy.minAgeMs });
  return { removed, freedBytes: blobs.freedBytes, removedSnapshots };
}
