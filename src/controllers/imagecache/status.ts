// The ImageCache controller's decision, pure: from the spec, the target nodes and each node's
// report, the ECI status (phase, progress, times, events) and whether the cache has expired.
// Phases as ECI's API has them: Preparing (no node has started), Creating (pulling), Ready,
// Failed (a node failed for good, or the images do not fit imageCacheSize), Updating and
// UpdateFailed (the same after a spec change of a cache that was Ready once).
// https://www.alibabacloud.com/help/en/elastic-container-instance/latest/describeimagecaches
import { DEFAULT_IMAGE_CACHE_SIZE_GIB, imageCacheId } from '../../api/image-cache-status.ts';
import type { ImageCacheEvent, ImageCachePhase, ImageCacheSpec, ImageCacheStatus, NodeCacheResult } from '../../api/image-cache-status.ts';
import { formatTime } from '../common/pod-state.ts';

const GIB = 1024 ** 3;
const DAY_MS = 24 * 3600 * 1000;
/** A failed cache expires 24 h after failing (ECI). */
export const FAILED_RETENTION_MS = DAY_MS;
/** ECI refuses caches smaller than twice their images ("size it at least 2x the image total"). */
export const SIZE_FACTOR = 2;

export interface CacheView {
  uid: string;
  generation: number;
  creationTimestamp: string;
  spec: ImageCacheSpec;
  status: ImageCacheStatus;
}

export interface CacheDecision {
  status: ImageCacheStatus;
  /** Events to record (also appended to status.events, ECI style). */
  events: { type: 'Normal' | 'Warning'; reason: string; message: string }[];
  /** The retention period (or the 24 h after a failure) is over: delete the cache. */
  expired: boolean;
}

function gib(bytes: number): string {
  return `${(bytes / GIB).toFixed(2)} GiB`;
}

/** `targets`: names of the Ready nodes the cache is for. */
export function decideCache(cache: CacheView, targets: string[], now: Date): CacheDecision {
  const old = cache.status;
  const images = cache.spec.images ?? [];
  const reports = Object.entries(old.nodes ?? {}).filter(([name, r]) => targets.includes(name) && r.generation === cache.generation);
  const byNode = new Map<string, NodeCacheResult>(reports);
  const size = totalSize(reports.map(([, r]) => r));
  const limit = (cache.spec.imageCacheSize ?? DEFAULT_IMAGE_CACHE_SIZE_GIB) * GIB;
  const done = images.length * targets.length;
  let pinned = 0;
  for (const name of targets) pinned += images.filter((i) => byNode.get(name)?.images[i] !== undefined).length;
  const failedNode = reports.find(([, r]) => r.phase === 'Failed');
  const everReady = old.phase === 'Ready' || old.phase === 'Updating' || old.phase === 'UpdateFailed';
  // observedGeneration moves when a round ends (Ready, Failed, UpdateFailed), so a spec change shows until then.
  const specChanged = old.observedGeneration !== undefined && old.observedGeneration !== cache.generation;
  const allReady = targets.length > 0 && pinned === done && targets.every((n) => byNode.get(n)?.phase === 'Ready');

  let failure: string | undefined;
  if (size * SIZE_FACTOR > limit) {
    failure = `the images need ${gib(size)} and a cache ${SIZE_FACTOR}x that (${gib(size * SIZE_FACTOR)}), more than imageCacheSize ${cache.spec.imageCacheSize ?? DEFAULT_IMAGE_CACHE_SIZE_GIB} GiB; raise imageCacheSize`;
  } else if (failedNode !== undefined) {
    failure = `node ${failedNode[0]}: ${failedNode[1].message ?? 'pull failed'}`;
  }
  let phase: ImageCachePhase;
  if (old.phase === 'Failed' && !specChanged) phase = 'Failed'; // sticky until the spec changes, then it expires
  else if (failure !== undefined) phase = everReady ? 'UpdateFailed' : 'Failed';
  else if (allReady) phase = 'Ready';
  else if (everReady && (specChanged || old.phase === 'Updating' || old.phase === 'UpdateFailed')) phase = 'Updating';
  else if (everReady) phase = 'Ready'; // usable where it is pinned; progress shows the nodes still pulling
  else phase = reports.length === 0 ? 'Preparing' : 'Creating';

  const nowText = formatTime(now);
  const startTime = old.startTime ?? nowText;
  const failedTime = phase === 'Failed' ? (old.failedTime ?? nowText) : undefined;
  const retention = cache.spec.retentionDays;
  const expireAt = failedTime !== undefined
    ? Date.parse(failedTime) + FAILED_RETENTION_MS
    : retention === undefined ? undefined : Date.parse(cache.creationTimestamp) + retention * DAY_MS;

  const events: CacheDecision['events'] = [];
  if (phase !== old.phase) {
    if (phase === 'Ready') events.push({ type: 'Normal', reason: 'ImageCacheReady', message: `Successfully created image cache: ${images.length} image(s) pinned on ${targets.length} node(s)` });
    else if (phase === 'Failed' || phase === 'UpdateFailed') events.push({ type: 'Warning', reason: 'ImageCacheFailed', message: failure ?? 'failed' });
    else if (phase === 'Creating' || phase === 'Updating') events.push({ type: 'Normal', reason: phase === 'Creating' ? 'ImageCacheCreating' : 'ImageCacheUpdating', message: `Pulling ${images.length} image(s) on ${targets.length} node(s)` });
  }
  const status: ImageCacheStatus = {
    ...old,
    phase,
    progress: `${done === 0 ? 0 : Math.floor((pinned * 100) / done)}%`,
    imageCacheId: old.imageCacheId ?? imageCacheId(cache.uid),
    startTime,
    expireDateTime: expireAt === undefined ? undefined : formatTime(new Date(expireAt)),
    failedTime,
    size,
    observedGeneration: allReady || phase === 'Failed' || phase === 'UpdateFailed' ? cache.generation : old.observedGeneration,
    events: appendEvents(old.events ?? [], events, nowText),
  };
  if (status.expireDateTime === undefined) delete status.expireDateTime;
  if (status.failedTime === undefined) delete status.failedTime;
  if (status.observedGeneration === undefined) delete status.observedGeneration;
  const changed = JSON.stringify({ ...status, lastUpdatedTime: undefined }) !== JSON.stringify({ ...old, lastUpdatedTime: undefined });
  status.lastUpdatedTime = changed ? nowText : (old.lastUpdatedTime ?? nowText);
  return { status, events, expired: expireAt !== undefined && now.getTime() >= expireAt };
}

/** Each image counted once, at the largest size any node reported. */
function totalSize(results: NodeCacheResult[]): number {
  const sizes = new Map<string, number>();
  for (const r of results) for (const [image, info] of Object.entries(r.images)) sizes.set(image, Math.max(sizes.get(image) ?? 0, info.size));
  return [...sizes.values()].reduce((a, b) => a + b, 0);
}

/** ECI keeps events in the status; the same reason and message count up instead of repeating. */
function appendEvents(old: ImageCacheEvent[], add: CacheDecision['events'], now: string): ImageCacheEvent[] {
  const out = old.map((e) => ({ ...e }));
  for (const e of add) {
    const same = out.find((o) => o.name === e.reason && o.message === e.message);
    if (same !== undefined) {
      same.count += 1;
      same.lastTimestamp = now;
    } else {
      out.push({ name: e.reason, type: e.type, message: e.message, count: 1, firstTimestamp: now, lastTimestamp: now });
    }
  }
  return out.slice(-20);
}
