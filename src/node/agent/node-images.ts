// node.status.images as the kubelet reports them: each image once, named by its repo digest and
// its tags, with its size, largest first, at most 50 (nodeStatusMaxImages). The scheduler's
// ImageLocality and the console's Images page read them.
// https://github.com/kubernetes/kubernetes/blob/v1.32.4/pkg/kubelet/nodestatus/setters.go (Images)
import { parseReference } from '../../image/index.ts';
import type { ContentStore } from '../../image/index.ts';
import type { PodRecord } from './pod-record.ts';

export const MAX_NODE_IMAGES = 50;

export interface NodeImage {
  names: string[];
  sizeBytes: number;
}

export async function nodeImages(store: ContentStore): Promise<NodeImage[]> {
  const byDigest = new Map<string, { names: Set<string>; size: number }>();
  for (const entry of await store.list()) {
    if (entry.ref === undefined) continue;
    const digest = entry.descriptor.digest;
    let repoDigest: string;
    try {
      const ref = parseReference(entry.ref);
      repoDigest = `${ref.registry}/${ref.repository}@${digest}`;
    } catch {
      continue;
    }
    const item = byDigest.get(digest) ?? { names: new Set<string>(), size: (await store.getRecord(digest))?.size ?? entry.descriptor.size };
    item.names.add(repoDigest);
    if (!entry.ref.includes('@')) item.names.add(entry.ref);
    byDigest.set(digest, item);
  }
  return [...byDigest.values()]
    .map((i) => ({ names: [...i.names], sizeBytes: i.size }))
    .sort((a, b) => b.sizeBytes - a.sizeBytes)
    .slice(0, MAX_NODE_IMAGES);
}

/** Images of the node's containers, as digests and canonical references (the image GC keeps them). */
export function imagesInUse(records: Iterable<PodRecord>): Set<string> {
  const out = new Set<string>();
  for (const rec of records) {
    for (const t of rec.containers.values()) {
      const c = t.current;
      if (c === undefined) continue;
      const at = c.imageID.lastIndexOf('@');
      if (at !== -1) out.add(c.imageID.slice(at + 1));
      try {
        if (c.image !== undefined && c.image !== '') out.add(parseReference(c.image).toString());
      } catch { /* the digest covers it */ }
    }
  }
  return out;
}
