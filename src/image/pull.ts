// Pulling one image: resolve the reference (trying each matching credential in turn, as the
// kubelet does), pick the platform, fetch config and layers (bounded parallelism, each blob
// verified and stored once), tag it in the content store, record who pulled it, and optionally
// unpack each layer into its snapshot (pull-blobs.ts).
import { chainIds } from './chain-id.ts';
import { credentialFingerprint, type Credential } from './credential.ts';
import { ErrorCode, ImageError, isImageError } from './errors.ts';
import type { PullEvent, PullSnapshots, PullStore } from './pull-types.ts';
import { parseReference, type Reference } from './reference.ts';
import { clientOptionsFor, RegistryClient, type FetchedManifest } from './registry/client.ts';
import { resolveEndpoints, type RegistrySettings } from './registry/hosts.ts';
import { hostPlatform, MAX_MANIFEST_BYTES, parseManifest, selectPlatform, type Descriptor, type ImageManifest, type Platform } from './registry/manifest.ts';
import { tryCredentials } from './credential-attempts.ts';
import { readDiffIds } from './config-blob.ts';
import { fetchImageBlobs } from './pull-blobs.ts';

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

  // One unpack worker boots while the manifest is fetched (its start is ~90 ms on the way to the
  // first layer); pull-blobs.ts starts any more the layers need.
  options.snapshots?.warmUp?.();
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
  const { diffIds, downloaded } = await fetchImageBlobs({
    name,
    client,
    store,
    snapshots: options.snapshots,
    manifest,
    manifestBytes: platformManifest.bytes,
    manifestDesc,
    index: topManifest.kind === 'index' ? { ...top.descriptor, mediaType: topManifest.mediaType, bytes: top.bytes } : undefined,
    signal,
    maxConcurrentDownloads: options.maxConcurrentDownloads ?? DEFAULT_MAX_CONCURRENT_DOWNLOADS,
    emit,
  });

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



async function resolveWithCredentials(
  ref: Reference,
  options: PullOptions,
  endpoints: Awaited<ReturnType<typeof resolveEndpoints>>,
): Promise<{ client: RegistryClient; top: FetchedManifest }> {
  return tryCredentials(options.credentials, async (credential) => {
    const client = new RegistryClient(clientOptionsFor(ref, endpoints, credential, options.settings?.certsDir));
    const top = await client.manifest(ref.digest ?? ref.tag ?? 'latest', options.signal);
    return { client, top };
  }, { action: 'pulling', image: ref.toString(), registry: ref.registry });
}


