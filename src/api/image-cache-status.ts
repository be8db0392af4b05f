// The shape of an ImageCache's status (eci.alibabacloud.com/v1, seed 003; issue 5 section 4),
// shared by the node agents that fill in their own entry of `nodes`, the controller that sums
// them up into ECI's fields, and the scheduler that places pods on nodes holding their images.
// ECI's fields: phase, progress ("100%"), imageCacheId, startTime, lastUpdatedTime,
// expireDateTime, events. Ferry adds `nodes` (one entry per node, merge-patched by that node's
// agent, so agents never conflict), `size` and `observedGeneration`.

export const IMAGE_CACHE_PHASES = ['Preparing', 'Creating', 'Ready', 'Failed', 'Updating', 'UpdateFailed'] as const;
export type ImageCachePhase = (typeof IMAGE_CACHE_PHASES)[number];

/** Restricts a cache to the nodes of one pool (label ferry.io/node-pool); absent: every Ready node. */
export const IMAGE_CACHE_POOL_ANNOTATION = 'ferry.io/node-pool';

export interface NodeImageResult {
  /** The digest the node pinned. */
  digest: string;
  /** Bytes of the image's blobs (config and layers, as stored). */
  size: number;
}

export interface NodeCacheResult {
  /** Pulling until every image is pinned (Ready) or one fails for good (Failed). */
  phase: 'Pulling' | 'Ready' | 'Failed';
  /** The generation of the spec this entry is about. */
  generation: number;
  message?: string | undefined;
  images: Record<string, NodeImageResult>;
  lastUpdatedTime: string;
}

export interface ImageCacheEvent {
  name: string;
  type: 'Normal' | 'Warning';
  message: string;
  count: number;
  firstTimestamp: string;
  lastTimestamp: string;
}

export interface ImageCacheStatus {
  phase?: ImageCachePhase;
  progress?: string;
  imageCacheId?: string;
  startTime?: string;
  lastUpdatedTime?: string;
  expireDateTime?: string;
  /** When the cache failed (it expires 24 h later). */
  failedTime?: string;
  events?: ImageCacheEvent[];
  nodes?: Record<string, NodeCacheResult>;
  /** Bytes of all the cache's images, each counted once. */
  size?: number;
  observedGeneration?: number;
}

export interface ImageCacheSpec {
  images: string[];
  imagePullSecrets?: string[];
  imageCacheSize?: number;
  retentionDays?: number;
}

/** ECI's default cache size, GiB. */
export const DEFAULT_IMAGE_CACHE_SIZE_GIB = 20;

/** ECI's id format, derived from the object's uid so it is stable and unique. */
export function imageCacheId(uid: string): string {
  return `imc-${uid.replace(/-/g, '').slice(0, 20)}`;
}
