// The node's part of an ImageCache (issue 5 section 4): every cache meant for this node (all of
// them, or those whose ferry.io/node-pool annotation names this node's pool) has its images pulled
// with the cache's own pull secrets (`namespace:name`) and registry annotations, unpacked, and
// pinned; the node reports its progress in its own entry of status.nodes (a merge patch, so the
// nodes never conflict), and the ImageCache controller sums the entries up. A deleted cache's
// pins are released; the images stay until the node's image garbage collector wants the space.
import { Keyring, parseReference, pull } from '../../image/index.ts';
import type { ContentStore, SnapshotStore } from '../../image/index.ts';
import { EventRecorder, Informer, WorkQueue } from '../../client/index.ts';
import type { KubeClient } from '../../client/index.ts';
import { IMAGE_CACHE_POOL_ANNOTATION } from '../../api/image-cache-status.ts';
import type { ImageCacheSpec, ImageCacheStatus, NodeCacheResult } from '../../api/image-cache-status.ts';
import type { KubeObject } from '../../api/object.ts';
import { formatTime } from '../../api/time.ts';
import type { ImagePins } from './image-pins.ts';
import type { Semaphore } from './semaphore.ts';
import { addSecret } from './pull-secrets.ts';
import { Reason } from './kubelet-messages.ts';
import { IMAGE_CACHES, SECRETS } from './refs.ts';
import { registrySettings } from './registry-settings.ts';

/** A registry that is down or rate-limits is tried again; other failures fail the cache. */
const RETRY_MS = 30_000;

export interface ImageCacheWorkerOptions {
  client: KubeClient;
  nodeName: string;
  /** This node's pool (label ferry.io/node-pool), if any. */
  pool: () => string | undefined;
  store: ContentStore;
  snapshots: SnapshotStore;
  semaphore: Semaphore;
  pins: ImagePins;
  certsDir: string | undefined;
  /** The admin's policy, as for pods (registry-settings.ts). */
  allowedInsecure: readonly string[] | undefined;
  now: () => Date;
  onError: (error: unknown) => void;
}

export class ImageCacheWorker {
  readonly #o: ImageCacheWorkerOptions;
  readonly #queue = new WorkQueue<string>();
  readonly #recorder: EventRecorder;
  #informer: Informer<KubeObject> | undefined;
  #worker: Promise<void> | undefined;

  constructor(options: ImageCacheWorkerOptions) {
    this.#o = options;
    this.#recorder = new EventRecorder(options.client, 'ferry-node', { host: options.nodeName, onError: options.onError });
  }

  async start(): Promise<void> {
    const informer = new Informer<KubeObject>(this.#o.client, IMAGE_CACHES, { onError: this.#o.onError });
    this.#informer = informer;
    informer.addHandler({
      add: (c) => this.#queue.add(c.metadata.name ?? ''),
      update: (_o, c) => this.#queue.add(c.metadata.name ?? ''),
      delete: (c) => void this.#o.pins.remove(c.metadata.uid ?? '').catch(this.#o.onError),
    });
    informer.start();
    await informer.waitForSync();
    // Pins of caches deleted while the agent was down.
    const live = new Set(informer.list().map((c) => c.metadata.uid));
    for (const uid of this.#o.pins.caches()) if (!live.has(uid)) await this.#o.pins.remove(uid);
    this.#worker = this.#work();
  }

  async stop(): Promise<void> {
    this.#informer?.stop();
    this.#queue.shutDown();
    await this.#worker;
  }

  async #work(): Promise<void> {
    for (;;) {
      const name = await this.#queue.get();
      if (name === undefined) return;
      try {
        const again = await this.#sync(name);
        if (again !== undefined) this.#queue.addAfter(name, again);
      } catch (err) {
        this.#o.onError(err);
        this.#queue.addAfter(name, RETRY_MS);
      } finally {
        this.#queue.done(name);
      }
    }
  }

  #meant(cache: KubeObject): boolean {
    const pool = cache.metadata.annotations?.[IMAGE_CACHE_POOL_ANNOTATION];
    return pool === undefined || pool === this.#o.pool();
  }

  /** Returns a delay to look again after, for a failure worth retrying. */
  async #sync(name: string): Promise<number | undefined> {
    const cache = this.#informer?.get('', name);
    if (cache === undefined) return undefined;
    const uid = cache.metadata.uid ?? '';
    if (cache.metadata.deletionTimestamp !== undefined || !this.#meant(cache)) {
      await this.#o.pins.remove(uid);
      return undefined;
    }
    const generation = cache.metadata.generation ?? 1;
    const spec = (cache['spec'] ?? { images: [] }) as ImageCacheSpec;
    const mine = ((cache['status'] ?? {}) as ImageCacheStatus).nodes?.[this.#o.nodeName];
    const pinned = this.#o.pins.get(uid);
    const allPinned = pinned?.generation === generation && spec.images.every((i) => pinned.images[i] !== undefined);
    if (mine?.generation === generation && (mine.phase === 'Failed' || (mine.phase === 'Ready' && allPinned))) return undefined;

    const result: NodeCacheResult = { phase: 'Pulling', generation, images: {}, lastUpdatedTime: formatTime(this.#o.now()) };
    await this.#report(name, result);
    const keyring = await this.#keyring(spec.imagePullSecrets ?? []);
    const settings = registrySettings(cache.metadata.annotations, {
      certsDir: this.#o.certsDir, allowedInsecure: this.#o.allowedInsecure, onError: this.#o.onError,
      onRefused: (message) => void this.#recorder.event(cache, 'Warning', Reason.InsecureRegistryRefused, message),
    });
    const digests: Record<string, string> = {};
    for (const image of spec.images) {
      const release = await this.#o.semaphore.acquire();
      try {
        const ref = parseReference(image);
        const pulled = await pull(ref, { store: this.#o.store, snapshots: this.#o.snapshots, credentials: keyring.lookup(ref), settings, policy: 'IfNotPresent' });
        result.images[image] = { digest: pulled.digest, size: pulled.size };
        digests[image] = pulled.digest;
      } catch (err) {
        const message = (err as Error).message;
        const temporary = (err as { temporary?: boolean }).temporary === true;
        void this.#recorder.event(cache, 'Warning', 'FailedPull', `node ${this.#o.nodeName}: ${message}`);
        if (temporary) return RETRY_MS;
        await this.#report(name, { ...result, phase: 'Failed', message, lastUpdatedTime: formatTime(this.#o.now()) });
        return undefined;
      } finally {
        release();
      }
      await this.#report(name, { ...result, lastUpdatedTime: formatTime(this.#o.now()) });
    }
    await this.#o.pins.set(uid, { name, generation, images: digests });
    await this.#report(name, { ...result, phase: 'Ready', lastUpdatedTime: formatTime(this.#o.now()) });
    return undefined;
  }

  async #report(name: string, result: NodeCacheResult): Promise<void> {
    // images is replaced whole: a merge patch would keep images of an older spec.
    const patch = { status: { nodes: { [this.#o.nodeName]: null } } };
    const set = { status: { nodes: { [this.#o.nodeName]: result } } };
    const client = this.#o.client.resource(IMAGE_CACHES);
    if (Object.keys(result.images).length === 0) await client.patch(name, patch, 'merge', { subresource: 'status' });
    await client.patch(name, set, 'merge', { subresource: 'status' });
  }

  /** The cache's `namespace:name` secrets; one that cannot be read is skipped, as a pod's would be. */
  async #keyring(refs: string[]): Promise<Keyring> {
    const keyring = new Keyring();
    for (const entry of refs) {
      const [namespace, name] = entry.split(':') as [string, string];
      let secret: KubeObject;
      try {
        secret = await this.#o.client.resource(SECRETS, namespace).get(name);
      } catch {
        continue;
      }
      addSecret(keyring, secret, `secret ${namespace}/${name}`);
    }
    return keyring;
  }
}
