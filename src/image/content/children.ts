// What a manifest refers to, read from the stored blob by media type: an image manifest its
// config and layers, an index its manifests, each optionally its `subject`. Shared by garbage
// collection (mark) and `tag` (which checks that an image's blobs are all present).
// https://github.com/opencontainers/image-spec/blob/v1.1.0/manifest.md
// https://github.com/opencontainers/image-spec/blob/v1.1.0/image-index.md

import { isImageError } from '../errors.ts';
import { tryParseStoreDigest } from './digest-path.ts';
import type { ContentStore } from './store.ts';
import { MediaType, type Descriptor } from './types.ts';

// Manifests are small; the cap only bounds memory against a damaged store. A manifest above it
// is treated as a leaf, like any blob that does not parse.
const MANIFEST_PARSE_LIMIT = 16 * 1024 * 1024;

export const IMAGE_MANIFESTS: ReadonlySet<string> = new Set([MediaType.OciManifest, MediaType.DockerManifest]);
export const IMAGE_INDEXES: ReadonlySet<string> = new Set([MediaType.OciIndex, MediaType.DockerManifestList]);
const SCHEMA1: ReadonlySet<string> = new Set([MediaType.DockerSchema1, MediaType.DockerSchema1Signed]);

function descriptors(value: unknown): Descriptor[] {
  if (Array.isArray(value)) return value.filter((item): item is Descriptor => typeof item === 'object' && item !== null);
  return typeof value === 'object' && value !== null ? [value as Descriptor] : [];
}

export interface ChildrenOptions {
  /** Include the `subject` (the manifest an artifact refers to; not part of the image). */
  subject?: boolean;
}

/**
 * The descriptors a stored manifest or index refers to. Blobs of other media types, absent
 * blobs and blobs that do not parse have none.
 */
export async function childrenOf(store: ContentStore, descriptor: Descriptor, options: ChildrenOptions = {}): Promise<Descriptor[]> {
  const mediaType = descriptor.mediaType;
  if (!IMAGE_MANIFESTS.has(mediaType) && !IMAGE_INDEXES.has(mediaType) && !SCHEMA1.has(mediaType)) return [];
  let doc: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse((await store.readBlob(descriptor.digest, { maxBytes: MANIFEST_PARSE_LIMIT })).toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null) return [];
    doc = parsed as Record<string, unknown>;
  } catch (err) {
    if (err instanceof SyntaxError || isImageError(err)) return [];
    throw err;
  }
  const subject = options.subject === true ? descriptors(doc.subject) : [];
  if (IMAGE_MANIFESTS.has(mediaType)) return [...descriptors(doc.config), ...descriptors(doc.layers), ...subject];
  if (IMAGE_INDEXES.has(mediaType)) return [...descriptors(doc.manifests), ...subject];
  // Docker schema 1 names its layers by blobSum only.
  return descriptors(doc.fsLayers).map((layer) => ({
    mediaType: 'application/octet-stream',
    digest: String((layer as { blobSum?: unknown }).blobSum),
    size: 0,
  }));
}

/**
 * For an image manifest, the first config or layer blob that is not stored, if any. `tag` refuses
 * such an image, so that one whose blobs a concurrent garbage collection removed is never
 * published. Foreign layers (with `urls`) are never stored; children of an index may
 * legitimately be absent (one platform pulled) and are not checked.
 */
export async function missingImageBlob(store: ContentStore, manifest: Descriptor): Promise<string | undefined> {
  if (!IMAGE_MANIFESTS.has(manifest.mediaType)) return undefined;
  for (const child of await childrenOf(store, manifest)) {
    if (Array.isArray(child.urls) && child.urls.length > 0) continue;
    const digest = tryParseStoreDigest(child.digest);
    if (digest === undefined || (await store.stat(digest.digest)) === undefined) return String(child.digest);
  }
  return undefined;
}
