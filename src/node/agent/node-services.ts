// What a node runs beside its pods (issue 5): the cluster-wide registry CAs kept in its certs
// directory, the ImageCache worker that pulls and pins caches' images, and the image garbage
// collector every five minutes (the kubelet's ImageGCPeriod), which keeps pinned images and
// those of the node's containers.
import { join } from 'node:path';
import type { ContentStore, SnapshotStore } from '../../image/index.ts';
import type { KubeClient } from '../../client/index.ts';
import { ClusterTrust } from './cluster-trust.ts';
import { ImageCacheWorker } from './image-cache-worker.ts';
import { collectImages } from './image-gc.ts';
import type { ImageGcPolicy } from './image-gc.ts';
import { ImagePins } from './image-pins.ts';
import type { Semaphore } from './semaphore.ts';

export const IMAGE_GC_PERIOD_MS = 5 * 60_000;

export interface NodeServicesOptions {
  client: KubeClient;
  nodeName: string;
  dataDir: string;
  certsDir: string | undefined;
  /** Registries pods and ImageCaches may name insecure; undefined: any. */
  allowedInsecure: readonly string[] | undefined;
  store: ContentStore;
  snapshots: SnapshotStore;
  semaphore: Semaphore;
  /** The node's pool label, for caches meant for one pool. */
  pool: string | undefined;
  /** Digests of the images of the node's containers. */
  inUse: () => Set<string>;
  imageGc?: Partial<ImageGcPolicy> & { periodMs?: number | undefined } | undefined;
  now: () => Date;
  onError: (error: unknown) => void;
  /** Something worth the operator's attention that is not an error of the agent (a bad ConfigMap key). */
  onProblem: (message: string) => void;
}

export class NodeServices {
  readonly pins: ImagePins;
  readonly #o: NodeServicesOptions;
  readonly #trust: ClusterTrust | undefined;
  readonly #caches: ImageCacheWorker;
  #gcTimer: NodeJS.Timeout | undefined;
  #gcRunning: Promise<unknown> = Promise.resolve();

  constructor(options: NodeServicesOptions) {
    this.#o = options;
    this.pins = new ImagePins(join(options.dataDir, 'image-pins.json'));
    this.#trust = options.certsDir === undefined ? undefined : new ClusterTrust(options.client, options.certsDir, { onError: options.onError, onProblem: options.onProblem });
    this.#caches = new ImageCacheWorker({
      client: options.client, nodeName: options.nodeName, pool: () => options.pool, store: options.store, snapshots: options.snapshots,
      semaphore: options.semaphore, pins: this.pins, certsDir: options.certsDir, allowedInsecure: options.allowedInsecure, now: options.now, onError: options.onError,
    });
  }

  async start(): Promise<void> {
    await this.#trust?.start();
    await this.#caches.start();
    const period = this.#o.imageGc?.periodMs ?? IMAGE_GC_PERIOD_MS;
    this.#gcTimer = setInterval(() => {
      this.#gcRunning = this.collectImages().catch(this.#o.onError);
    }, period);
    this.#gcTimer.unref();
  }

  /** One image garbage collection now (also run every period); `policy` overrides the node's. */
  collectImages(policy: Partial<ImageGcPolicy> = {}): ReturnType<typeof collectImages> {
    return collectImages({
      store: this.#o.store, snapshots: this.#o.snapshots, dataDir: this.#o.dataDir, inUse: this.#o.inUse(), pinned: this.pins.protectedImages(),
      policy: { ...this.#o.imageGc, ...policy }, now: this.#o.now(),
    });
  }

  async stop(): Promise<void> {
    clearInterval(this.#gcTimer);
    this.#trust?.stop();
    await this.#caches.stop();
    await this.#gcRunning;
  }
}
