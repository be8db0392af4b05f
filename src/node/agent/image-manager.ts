// Ensures a container's image is on the node, unpacked, per its imagePullPolicy, with the pod's
// credentials and registry settings; pull backoff per pod and image; the kubelet's events.
// https://github.com/kubernetes/kubernetes/blob/v1.32.4/pkg/kubelet/images/image_manager.go (EnsureImageExists)
import { ANONYMOUS_FINGERPRINT, chainIds, credentialFingerprint, hostListMatches, parseReference, pull } from '../../image/index.ts';
import type { ContentStore, Credential, PullResult, RegistrySettings, SnapshotStore } from '../../image/index.ts';
import type { EventRecorder, ObjectReference } from '../../client/index.ts';
import type { Backoff } from './backoff.ts';
import { AgentError, AgentErrorCode } from './errors.ts';
import { msg, Reason } from './kubelet-messages.ts';
import type { PodContainer } from './pod-types.ts';
import type { Semaphore } from './semaphore.ts';

export interface ImageManagerOptions {
  store: ContentStore;
  snapshots: SnapshotStore;
  semaphore: Semaphore;
  backoff: Backoff;
  recorder: EventRecorder;
}

export interface EnsureImageRequest {
  podUid: string;
  container: PodContainer;
  /** Reference for the container's events (fieldPath spec.containers{name}). */
  ref: ObjectReference;
  credentials: Credential[];
  settings: RegistrySettings;
}

export interface EnsuredImage {
  pull: PullResult;
  /** `<registry>/<repository>@<digest>`: containerStatuses[].imageID. */
  imageID: string;
}

export class ImageManager {
  readonly #o: ImageManagerOptions;
  /** The last pull error per backoff key, for the ImagePullBackOff waiting message. */
  readonly #lastError = new Map<string, string>();

  constructor(options: ImageManagerOptions) {
    this.#o = options;
  }

  forgetPod(podUid: string): void {
    this.#o.backoff.resetPrefix(`${podUid}/`);
    for (const k of this.#lastError.keys()) if (k.startsWith(`${podUid}/`)) this.#lastError.delete(k);
  }

  /** Milliseconds left in the pull backoff of this pod and image. */
  backoffRemaining(podUid: string, image: string): number {
    return this.#o.backoff.remaining(`${podUid}/${image}`);
  }

  async ensure(req: EnsureImageRequest): Promise<EnsuredImage> {
    const image = req.container.image ?? '';
    const ref = parseReference(image);
    const policy = req.container.imagePullPolicy ?? (ref.tag === 'latest' || (ref.tag === undefined && ref.digest === undefined) ? 'Always' : 'IfNotPresent');
    const { store, snapshots, recorder, backoff } = this.#o;
    const event = (type: 'Normal' | 'Warning', reason: string, text: string) => void recorder.event(req.ref, type, reason, text);
    const present = await this.#present(ref.toString(), req.credentials, req.settings);
    const done = (p: PullResult): EnsuredImage => ({ pull: p, imageID: `${ref.registry}/${ref.repository}@${p.digest}` });

    if (present && policy !== 'Always') {
      event('Normal', Reason.Pulled, msg.present(image));
      return done(await pull(ref, { store, snapshots, credentials: req.credentials, settings: req.settings, policy: 'IfNotPresent' }));
    }
    if (policy === 'Never') {
      const text = msg.neverPull(image);
      event('Warning', Reason.ErrImageNeverPull, text);
      throw new AgentError(AgentErrorCode.ImageNeverPull, text);
    }
    const key = `${req.podUid}/${image}`;
    if (backoff.remaining(key) > 0) {
      event('Normal', Reason.BackOff, msg.backOffPull(image));
      const last = this.#lastError.get(key);
      throw new AgentError(AgentErrorCode.ImagePullBackOff, last === undefined ? msg.backOffPull(image) : msg.backOffPullWaiting(image, last));
    }
    event('Normal', Reason.Pulling, msg.pulling(image));
    const asked = performance.now();
    const release = await this.#o.semaphore.acquire();
    const began = performance.now();
    let result: PullResult;
    try {
      result = await pull(ref, { store, snapshots, credentials: req.credentials, settings: req.settings, policy: 'Always' });
    } catch (err) {
      const text = (err as Error).message;
      backoff.next(key);
      this.#lastError.set(key, text);
      event('Warning', Reason.Failed, msg.failedPull(image, text));
      throw new AgentError(AgentErrorCode.ImagePull, text, { cause: err });
    } finally {
      release();
    }
    backoff.reset(key);
    this.#lastError.delete(key);
    const end = performance.now();
    event('Normal', Reason.Pulled, msg.pulled(image, end - began, end - asked, result.size));
    return done(result);
  }

  /**
   * Tagged in the content store, every layer unpacked, and usable by this pod: fetched securely
   * or insecurely only from registries the pod names insecure, and pulled anonymously or with one
   * of the pod's own credentials (ARCHITECTURE.md: an image pulled with credentials is
   * not handed to a pod that could not pull it itself). Otherwise the pod pulls, so the registry
   * checks its credentials.
   */
  async #present(name: string, credentials: Credential[], settings: RegistrySettings): Promise<boolean> {
    const desc = await this.#o.store.resolve(name);
    if (desc === undefined) return false;
    const record = await this.#o.store.getRecord(desc.digest);
    // A tag resolved over plain HTTP or without TLS verification is trusted only by a pod that
    // asked for that insecure access itself (issue 5 section 1: no cache poisoning across pods).
    const asked = [...(settings.plainHttp ?? []), ...(settings.insecure ?? [])];
    if ((record?.insecureSources ?? []).some((host) => !hostListMatches(asked, host))) return false;
    const pulledWith = record?.credentialFingerprints[name] ?? [];
    const mine = new Set([ANONYMOUS_FINGERPRINT, ...credentials.map((c) => credentialFingerprint(c))]);
    if (!pulledWith.some((f) => mine.has(f))) return false;
    try {
      const manifest = JSON.parse((await this.#o.store.readBlob(desc.digest, { maxBytes: 4 << 20 })).toString('utf8')) as { config?: { digest?: string } };
      const configDigest = manifest.config?.digest;
      if (configDigest === undefined) return false;
      const config = JSON.parse((await this.#o.store.readBlob(configDigest, { maxBytes: 8 << 20 })).toString('utf8')) as { rootfs?: { diff_ids?: string[] } };
      const top = chainIds(config.rootfs?.diff_ids ?? []).at(-1);
      return top !== undefined && (await this.#o.snapshots.has(top));
    } catch {
      return false;
    }
  }
}
