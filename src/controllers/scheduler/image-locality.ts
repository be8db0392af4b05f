// Placing pods where their images already are (issue 5 section 4: "the scheduler prefers nodes
// that hold a pod's images"), two ways:
// - kube-scheduler's ImageLocality over node.status.images (what each node reports it holds);
// - ECI's ImageCache annotations over the caches' per-node results: `eci-imc-id` pins a cache
//   (a filter: only nodes where it is Ready), `eci-auto-imc` (default "true") prefers nodes with
//   the best matching Ready cache, where `imc-perfect-match` counts only caches holding every
//   image of the pod and `imc-match-count-request: N` only those matching at least N.
// https://github.com/kubernetes/kubernetes/blob/v1.32.4/pkg/scheduler/framework/plugins/imagelocality/image_locality.go
// https://www.alibabacloud.com/help/en/elastic-container-instance/latest/use-imagecache
import type { ImageCacheSpec, ImageCacheStatus } from '../../api/image-cache-status.ts';
import { parseImageRef } from '../../api/kinds/image-ref.ts';
import type { KubeObject, Node, Pod } from '../common/types.ts';

export const IMC_ID = 'k8s.aliyun.com/eci-imc-id';
export const AUTO_IMC = 'k8s.aliyun.com/eci-auto-imc';
export const PERFECT_MATCH = 'k8s.aliyun.com/imc-perfect-match';
export const MATCH_COUNT = 'k8s.aliyun.com/imc-match-count-request';

const MB = 1024 * 1024;
const MIN_THRESHOLD = 23 * MB;
const MAX_CONTAINER_THRESHOLD = 1000 * MB;

function podImages(pod: Pod): string[] {
  const spec = pod.spec ?? { containers: [] };
  return [...(spec.initContainers ?? []), ...(spec.containers ?? [])].map((c) => c.image ?? '').filter((i) => i !== '');
}

/** docker.io/library/nginx:latest for nginx, as node.status.images names them (the api part's reference grammar). */
export function normalizedImage(image: string): string {
  const parts = parseImageRef(image);
  if (parts === undefined) return image;
  const first = parts.name.split('/')[0] ?? '';
  const domain = parts.name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  const name = domain ? parts.name : `docker.io/${parts.name.includes('/') ? parts.name : `library/${parts.name}`}`;
  if (parts.digest !== undefined) return `${name}${parts.tag === undefined ? '' : `:${parts.tag}`}@${parts.digest}`;
  return `${name}:${parts.tag ?? 'latest'}`;
}

interface NodeImage {
  names?: string[];
  sizeBytes?: number;
}

/** kube-scheduler's ImageLocality: 0-100 by the size of the pod's images already on the node, spread-weighted. */
export function imageLocalityScore(pod: Pod, node: Node, allNodes: readonly Node[]): number {
  const images = podImages(pod).map(normalizedImage);
  if (images.length === 0) return 0;
  const holders = new Map<string, { size: number; nodes: number }>();
  for (const n of allNodes) {
    const seen = new Set<string>();
    for (const img of (n.status?.['images'] ?? []) as NodeImage[]) {
      for (const name of img.names ?? []) {
        if (seen.has(name)) continue;
        seen.add(name);
        const h = holders.get(name) ?? { size: img.sizeBytes ?? 0, nodes: 0 };
        h.nodes += 1;
        holders.set(name, h);
      }
    }
  }
  const mine = new Set(((node.status?.['images'] ?? []) as NodeImage[]).flatMap((i) => i.names ?? []));
  let sum = 0;
  for (const image of images) {
    const h = holders.get(image);
    if (h === undefined || !mine.has(image)) continue;
    sum += h.size * (h.nodes / Math.max(1, allNodes.length));
  }
  const max = MAX_CONTAINER_THRESHOLD * images.length;
  const clamped = Math.min(Math.max(sum, MIN_THRESHOLD), max);
  return Math.floor(((clamped - MIN_THRESHOLD) * 100) / (max - MIN_THRESHOLD));
}

interface CacheView {
  id: string | undefined;
  images: string[];
  status: ImageCacheStatus;
  generation: number;
}

function view(cache: KubeObject): CacheView {
  const status = (cache['status'] ?? {}) as ImageCacheStatus;
  return { id: status.imageCacheId, images: ((cache['spec'] ?? {}) as ImageCacheSpec).images ?? [], status, generation: cache.metadata.generation ?? 1 };
}

function readyOn(cache: CacheView, node: string): boolean {
  const r = cache.status.nodes?.[node];
  return r?.phase === 'Ready' && r.generation === cache.generation;
}

/** The cache a pod pins with eci-imc-id, if any. */
export function pinnedCache(pod: Pod): string | undefined {
  const id = pod.metadata.annotations?.[IMC_ID];
  return id === undefined || id === '' ? undefined : id;
}

/** Whether `node` holds the pod's pinned cache, Ready. */
export function holdsPinnedCache(pod: Pod, node: string, caches: readonly KubeObject[]): boolean {
  const id = pinnedCache(pod);
  if (id === undefined) return true;
  return caches.map(view).some((c) => c.id === id && readyOn(c, node));
}

/** 0-100: the share of the pod's images in the best matching cache Ready on the node. */
export function imageCacheScore(pod: Pod, node: string, caches: readonly KubeObject[]): number {
  const a = pod.metadata.annotations ?? {};
  if (a[AUTO_IMC] === 'false' || pinnedCache(pod) !== undefined) return pinnedCache(pod) === undefined ? 0 : 100;
  const images = new Set(podImages(pod).map(normalizedImage));
  if (images.size === 0) return 0;
  const perfect = a[PERFECT_MATCH] === 'true';
  const wanted = perfect ? images.size : Math.max(1, Number.parseInt(a[MATCH_COUNT] ?? '1', 10) || 1);
  let best = 0;
  for (const c of caches.map(view)) {
    if (!readyOn(c, node)) continue;
    const held = new Set(c.images.map(normalizedImage));
    const matched = [...images].filter((i) => held.has(i)).length;
    if (matched >= wanted) best = Math.max(best, matched);
  }
  return Math.floor((best * 100) / images.size);
}
