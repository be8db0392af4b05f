// Pulling one image: resolve the reference (trying each matching credential in turn, as the
// kubelet does), pick the platform, fetch config and layers (bounded parallelism, each blob
// verified and stored once), tag it in the content store, record who pulled it, and optionally
// unpack each layer into its snapshot as soon as it is stored.
import { chainIds } from './chain-id.ts';
import { credentialFingerprint, type Credential } from './credential.ts';
import { ErrorCode, ImageError, isImageError } from './errors.ts';
import type { BlobWriter, PullEvent, PullSnapshots, PullStore } from './pull-types.ts';
import { parseReference, type Reference } from './reference.ts';
import { RegistryClient, type FetchedManifest } from './registry/client.ts';
import { resolveEndpoints, type RegistrySettings } from './registry/hosts.ts';
import { hostPlatform, MAX_MANIFEST_BYTES, parseManifest, selectPlatform, type Descriptor, type ImageManifest, type Platform } from './registry/manifest.ts';
import { boundedAll } from './bounded.ts';
import { tryCredentials } from './credential-attempts.ts';

export interface PullOptions {
  store: PullStore;
  /** When given, every layer is unpacked into its snapshot. */
  snapshots?: PullSnapshots | undefined;
  /** Credentials that match the image, in the order to try them (Keyring.lookup). Empty: anonymous. */
  credentials?: Credential[] | undefined;
  settings?: RegistrySettings | undefined;
  platform?: Platform | undefined;
  /** `IfNotPresent`: use a stored image without asking the registry. `Always` (default): ask for the current digest. */
  policy?: 'Always' | 'IfNotPresent' | undefined;
  maxConcurrentDownloads?: number | undefined;
  signal?: AbortSignal | undefined;
  onEvent?: ((e: PullEvent) => void) | undefined;
}

export interface PullResult {
  /** Canonical reference, e.g. docker.io/library/nginx:latest. */
  reference: string;
  /** Digest the reference resolved to (an index for multi-platform images): the repo digest. */
  digest: string;
  /** Digest of the platform's image manifest. */
  manifestDigest: string;
  config: Descriptor;
  layers: Descriptor[];
  diffIds: string[];
  /** Compressed bytes: manifest, config and layers. */
  size: number;
  platform: Platform | undefined;
  /** True when nothing was downloaded. */
  cached: boolean;
  credentialFingerprint: string;
  /** Registries reached over plain HTTP or without TLS verification for this pull. */
  insecure: string[];
  /** Snapshot of the top layer (its chain ID) when unpacked; lower dirs top first. */
  chainId?: string | undefined;
  lowerDirs?: string[] | undefined;
}

// containerd CRI's default: enough to fill a link, few enough not to thrash a small disk.
export const DEFAULT_MAX_CONCURRENT_DOWNLOADS = 3;
const MAX_CONFIG_BYTES = 8 * 1024 * 1024;
export const INDEX_DIGEST_ANNOTATION = 'io.ferry.image.index.digest';

export async function pull(image: string | Reference, options: PullOptions): Promise<PullResult> {
  const ref = typeof image === 'string' ? parseReference(image) : image;
  const name = ref.toString();
  const { store, signal } = options;
  const emit = options.onEvent ?? (() => {});

  if (options.policy === 'IfNotPresent') {
    const present = await presentImage(store, name, options.credentials);
    if (present !== undefined) {
      const result = await finish(present, ref, options, true);
      emit({ type: 'done', reference: name, digest: result.digest, cached: true });
      return result;
    }
  }

  const endpoints = await resolveEndpoints(ref.registry, options.settings);
  const { client, top } = await resolveWithCredentials(ref, options, endpoints);
  const fingerprint = credentialFingerprint(client.credential);

  const topManifest = parseManifest(top.bytes, top.descriptor.mediaType, name);
  let platformManifest: FetchedManifest = top;
  let manifest: ImageManifest;
  let platform: Platform | undefined;
  if (topManifest.kind === 'index') {
    platform = options.platform ?? hostPlatform();
    const chosen = selectPlatform(topManifest, platform, name);
    platformManifest = await client.manifest(chosen.digest, signal);
    const inner = parseManifest(platformManifest.bytes, chosen.mediaType, `${name}@${chosen.digest}`);
    if (inner.kind !== 'manifest') throw new ImageError(ErrorCode.UnsupportedManifest, `${name}: an index inside an index is not supported`);
    manifest = inner;
  } else {
    manifest = topManifest;
  }
  emit({ type: 'resolved', reference: name, digest: top.descriptor.digest, ...(platform ? { platform } : {}) });

  const manifestDesc: Descriptor = { ...platformManifest.descriptor, mediaType: manifest.mediaType };
  const alreadyTagged = await store.resolve(name);
  let downloaded = false;
  const fetchBlob = async (desc: Descriptor, onProgress?: (done: number) => void, blobSignal = signal): Promise<boolean> => {
    const w = await store.writer(desc, { signal: blobSignal });
    if (w.existing === true) return false;
    await download(client, desc, w, blobSignal, onProgress);
    downloaded = true;
    return true;
  };

  store.warmUp?.({ bytes: manifest.config.size + manifest.layers.reduce((n, l) => n + l.size, 0) });
  options.snapshots?.warmUp?.(manifest.layers);
  // The config downloads beside the layers (its diff IDs are first needed to unpack); the
  // manifest, already in hand, is stored meanwhile. A failure of either stops the layers.
  const stop = new AbortController();
  const layerSignal = signal === undefined ? stop.signal : AbortSignal.any([signal, stop.signal]);
  const side = <T>(p: Promise<T>): Promise<T> => {
    p.catch((err: unknown) => stop.abort(err));
    return p;
  };
  const layerIds = side(fetchBlob(manifest.config).then(async () => {
    const diffIds = await readDiffIds(store, manifest.config.digest);
    if (diffIds.length !== manifest.layers.length) {
      throw new ImageError(ErrorCode.RegistryProtocol, `${name}: the image config lists ${diffIds.length} layer diff IDs but the manifest has ${manifest.layers.length} layers; the image is malformed`);
    }
    return { diffIds, chain: chainIds(diffIds) };
  }));
  const manifestStored = side(storeManifests(store, platformManifest, manifestDesc, topManifest.kind === 'index' ? { ...top.descriptor, mediaType: topManifest.mediaType, bytes: top.bytes } : undefined));

  const unpack = async (i: number): Promise<void> => {
    const snaps = options.snapshots;
    if (snaps === undefined) return;
    const { diffIds, chain } = await layerIds;
    const layer = manifest.layers[i] as Descriptor;
    if (await snaps.has(chain[i] as string)) return;
    emit({ type: 'layer', digest: layer.digest, status: 'Extracting', bytes: 0, total: layer.size });
    await snaps.unpackLayer({
      blobPath: store.blobPath(layer.digest),
      mediaType: layer.mediaType,
      diffId: diffIds[i] as string,
      layerDigest: layer.digest,
      chainId: chain[i] as string,
      parentChainId: chain[i - 1],
      signal,
    });
  };

  const max = options.maxConcurrentDownloads ?? DEFAULT_MAX_CONCURRENT_DOWNLOADS;
  try {
    await boundedAll(manifest.layers.map((layer, i) => async () => {
      const status = (s: PullEvent & { type: 'layer' }): void => emit(s);
      const fresh = await fetchBlob(layer, (done) => status({ type: 'layer', digest: layer.digest, status: 'Downloading', bytes: done, total: layer.size }), layerSignal);
      status({ type: 'layer', digest: layer.digest, status: fresh ? 'Download complete' : 'Already exists', bytes: layer.size, total: layer.size });
      return { i, fresh };
    }), max, layerSignal, async ({ i }) => {
      await unpack(i);
      const layer = manifest.layers[i] as Descriptor;
      if (options.snapshots !== undefined) emit({ type: 'layer', digest: layer.digest, status: 'Pull complete', bytes: layer.size, total: layer.size });
    });
  } catch (err) {
    // The config's or manifest's own error, when theirs stopped the layers.
    await Promise.all([layerIds, manifestStored]);
    throw err;
  }
  const [{ diffIds }] = await Promise.all([layerIds, manifestStored]);

  const tagChanged = alreadyTagged?.digest !== manifestDesc.digest;
  const insecure = top.insecure || platformManifest.insecure ? [ref.registry] : [];
  const record = tagChanged || downloaded ? undefined : await store.getRecord(manifestDesc.digest);
  const known = record?.credentialFingerprints[name]?.includes(fingerprint) === true && insecure.every((h) => record.insecureSources.includes(h));
  if (known) {
    // Nothing new to write: an unchanged image re-checked with a credential already on record.
    await store.touch(manifestDesc.digest);
  } else {
    const annotations: Record<string, string> = topManifest.kind === 'index' ? { [INDEX_DIGEST_ANNOTATION]: top.descriptor.digest } : {};
    const size = manifestDesc.size + manifest.config.size + manifest.layers.reduce((n, l) => n + l.size, 0);
    // Separate files with separate locks: written side by side.
    await Promise.all([
      store.tag(name, { ...manifestDesc, ...(platform ? { platform } : {}) }, annotations),
      store.recordPull(manifestDesc.digest, { ref: name, size, layers: manifest.layers.map((l) => l.digest), credentialFingerprint: fingerprint, insecureSources: insecure }),
    ]);
  }
  const result = await finish(
    { manifestDigest: manifestDesc.digest, digest: top.descriptor.digest, manifest, diffIds, platform, fingerprint, insecure },
    ref,
    options,
    !downloaded && !tagChanged,
  );
  emit({ type: 'done', reference: name, digest: result.digest, cached: result.cached });
  return result;
}

interface Present {
  manifestDigest: string;
  digest: string;
  manifest: ImageManifest;
  diffIds: string[];
  platform: Platform | undefined;
  fingerprint: string;
  insecure: string[];
}

/** A stored image whose blobs are all present; `undefined` means pull. */
async function presentImage(store: PullStore, name: string, credentials: Credential[] | undefined): Promise<Present | undefined> {
  const desc = await store.resolve(name);
  if (desc === undefined) return undefined;
  try {
    const manifest = parseManifest(await store.readBlob(desc.digest, { maxBytes: MAX_MANIFEST_BYTES }), desc.mediaType, name);
    if (manifest.kind !== 'manifest') return undefined;
    for (const d of [manifest.config, ...manifest.layers]) if (!(await store.has(d.digest))) return undefined;
    await store.touch(desc.digest);
    return {
      manifestDigest: desc.digest,
      digest: desc.annotations?.[INDEX_DIGEST_ANNOTATION] ?? desc.digest,
      manifest,
      diffIds: await readDiffIds(store, manifest.config.digest),
      platform: desc.platform,
      fingerprint: credentialFingerprint(credentials?.[0]),
      insecure: [],
    };
  } catch (err) {
    if (isImageError(err)) return undefined;
    throw err;
  }
}

async function finish(p: Present, ref: Reference, options: PullOptions, cached: boolean): Promise<PullResult> {
  const top = chainIds(p.diffIds).at(-1);
  const result: PullResult = {
    reference: ref.toString(),
    digest: p.digest,
    manifestDigest: p.manifestDigest,
    config: p.manifest.config,
    layers: p.manifest.layers,
    diffIds: p.diffIds,
    size: p.manifest.config.size + p.manifest.layers.reduce((n, l) => n + l.size, 0),
    platform: p.platform,
    cached,
    credentialFingerprint: p.fingerprint,
    insecure: p.insecure,
  };
  if (options.snapshots !== undefined && top !== undefined) {
    result.chainId = top;
    result.lowerDirs = await options.snapshots.lowerDirs(top);
  }
  return result;
}

/** Stores the platform's manifest and, for a multi-platform image, the index above it. */
async function storeManifests(store: PullStore, manifest: FetchedManifest, desc: Descriptor, index: (Descriptor & { bytes: Uint8Array }) | undefined): Promise<void> {
  if (!(await store.has(desc.digest))) await store.writeBlob(manifest.bytes, { digest: desc.digest, mediaType: desc.mediaType });
  if (index !== undefined && !(await store.has(index.digest))) {
    await store.writeBlob(index.bytes, { digest: index.digest, mediaType: index.mediaType });
  }
}

async function resolveWithCredentials(
  ref: Reference,
  options: PullOptions,
  endpoints: Awaited<ReturnType<typeof resolveEndpoints>>,
): Promise<{ client: RegistryClient; top: FetchedManifest }> {
  return tryCredentials(options.credentials, async (credential) => {
    const client = new RegistryClient({
      registry: ref.registry,
      repository: ref.repository,
      image: ref.toString(),
      endpoints: endpoints.map((e) => ({ ...e, tls: { ...e.tls } })),
      credential,
      certsDir: options.settings?.certsDir,
    });
    const top = await client.manifest(ref.digest ?? ref.tag ?? 'latest', options.signal);
    return { client, top };
  }, { action: 'pulling', image: ref.toString(), registry: ref.registry });
}

async function download(client: RegistryClient, desc: Descriptor, w: BlobWriter, signal: AbortSignal | undefined, onProgress?: (done: number) => void): Promise<void> {
  try {
    let done = w.offset;
    await client.blob(desc, w, signal, (n) => {
      done += n;
      onProgress?.(done);
    });
    await w.commit();
  } catch (err) {
    await w.abort().catch(() => {});
    throw err;
  }
}

/** The layer diff IDs an image config lists (`rootfs.diff_ids`); empty when it lists none. */
export async function readDiffIds(store: Pick<PullStore, 'readBlob'>, configDigest: string): Promise<string[]> {
  const config = JSON.parse((await store.readBlob(configDigest, { maxBytes: MAX_CONFIG_BYTES })).toString('utf8')) as { rootfs?: { diff_ids?: unknown } };
  const ids = config.rootfs?.diff_ids;
  return Array.isArray(ids) ? ids.filter((d): d is string => typeof d === 'string') : [];
}
