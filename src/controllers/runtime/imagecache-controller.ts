// The ImageCache controller (issue 5 section 4): node agents pull and pin a cache's images and
// each reports its own entry under status.nodes; this controller turns those reports into ECI's
// status (phase, progress, times, events), records the events, and deletes a cache once its
// retention period (or the 24 h after a failure) is over, which releases its pins on every node.
// It writes only ECI's fields, by merge patch on the status subresource, so the agents' entries
// and this controller never conflict.
import { EventRecorder, isNotFound, refFor } from '../../client/index.ts';
import type { Informer, ResourceClient } from '../../client/index.ts';
import { imageCacheKind, nodeKind } from '../../api/kinds/index.ts';
import { IMAGE_CACHE_POOL_ANNOTATION } from '../../api/image-cache-status.ts';
import type { ImageCacheSpec, ImageCacheStatus } from '../../api/image-cache-status.ts';
import { POOL_LABEL } from '../../api/bursting.ts';
import type { KubeObject, Node } from '../common/types.ts';
import { decideCache } from '../imagecache/status.ts';
import { Controller } from './controller.ts';
import type { ControllerOptions, SyncResult } from './controller.ts';
import type { InformerFactory } from './informer-factory.ts';

/** Looked at again at least this often, so expiry happens on time without a change to wake it. */
const RECHECK_MS = 60 * 60 * 1000;

export function isNodeReady(node: Node): boolean {
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true && node.spec?.unschedulable !== true;
}

/** The Ready nodes a cache is for: every one, or those of the pool its annotation names. */
export function cacheTargets(cache: KubeObject, nodes: readonly Node[]): string[] {
  const pool = cache.metadata.annotations?.[IMAGE_CACHE_POOL_ANNOTATION];
  return nodes.filter((n) => isNodeReady(n) && (pool === undefined || n.metadata.labels?.[POOL_LABEL] === pool)).map((n) => n.metadata.name ?? '').sort();
}

export class ImageCacheController {
  readonly controller: Controller;
  readonly #caches: Informer<KubeObject>;
  readonly #nodes: Informer<Node>;
  readonly #client: ResourceClient<KubeObject>;
  readonly #recorder: EventRecorder;
  readonly #now: () => Date;

  constructor(factory: InformerFactory, options: Pick<ControllerOptions, 'onError' | 'workers'> & { now?: () => Date } = {}) {
    this.#now = options.now ?? (() => new Date());
    this.#caches = factory.informer<KubeObject>(imageCacheKind);
    this.#nodes = factory.informer<Node>(nodeKind);
    this.#client = factory.client.resource<KubeObject>(refFor(imageCacheKind));
    this.#recorder = new EventRecorder(factory.client, 'imagecache-controller', { onError: (e) => options.onError?.(e, { controller: 'imagecache' }) });
    this.controller = new Controller({
      name: 'imagecache',
      informers: [this.#caches, this.#nodes as Informer<KubeObject>],
      sync: (key) => this.#sync(key),
      ...options,
    });
    this.#caches.addHandler({ add: (c) => this.controller.enqueue(c), update: (_o, c) => this.controller.enqueue(c) });
    const all = () => {
      for (const c of this.#caches.list()) this.controller.enqueue(c);
    };
    this.#nodes.addHandler({ add: all, update: (old, n) => {
      if (isNodeReady(old) !== isNodeReady(n) || old.metadata.labels?.[POOL_LABEL] !== n.metadata.labels?.[POOL_LABEL]) all();
    }, delete: all });
  }

  async #sync(name: string): Promise<SyncResult | void> {
    const cache = this.#caches.get('', name);
    if (cache === undefined || cache.metadata.deletionTimestamp !== undefined) return;
    const now = this.#now();
    const old = (cache['status'] ?? {}) as ImageCacheStatus;
    const decision = decideCache({
      uid: cache.metadata.uid ?? '',
      generation: cache.metadata.generation ?? 1,
      creationTimestamp: cache.metadata.creationTimestamp ?? now.toISOString(),
      spec: (cache['spec'] ?? { images: [] }) as ImageCacheSpec,
      status: old,
    }, cacheTargets(cache, this.#nodes.list()), now);
    for (const e of decision.events) await this.#recorder.event(cache, e.type, e.reason, e.message);
    if (decision.expired) {
      await this.#recorder.event(cache, 'Normal', 'ImageCacheExpired', `Image cache expired at ${decision.status.expireDateTime ?? ''}; deleting it and releasing its images`);
      await this.#client.delete(name, { preconditions: { uid: cache.metadata.uid ?? '' } }).catch((e: unknown) => {
        if (!isNotFound(e)) throw e;
      });
      return;
    }
    const patch = ecisFields(old, decision.status);
    if (Object.keys(patch).length > 0) await this.#client.patch(name, { status: patch }, 'merge', { subresource: 'status' });
    const expireAt = decision.status.expireDateTime === undefined ? Infinity : Date.parse(decision.status.expireDateTime) - now.getTime();
    return { requeueAfterMs: Math.max(1000, Math.min(RECHECK_MS, expireAt)) };
  }
}

/** The merge patch of the controller's own fields (nodes belong to the agents); null removes a field. */
function ecisFields(old: ImageCacheStatus, next: ImageCacheStatus): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  const keys = ['phase', 'progress', 'imageCacheId', 'startTime', 'lastUpdatedTime', 'expireDateTime', 'failedTime', 'events', 'size', 'observedGeneration'] as const;
  for (const k of keys) {
    if (JSON.stringify(old[k]) === JSON.stringify(next[k])) continue;
    patch[k] = next[k] ?? null;
  }
  // lastUpdatedTime alone is not a change worth a write.
  if (Object.keys(patch).length === 1 && 'lastUpdatedTime' in patch) return {};
  return patch;
}
