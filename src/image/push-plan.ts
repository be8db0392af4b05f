// What pushing a stored image means: the manifest (or index) the reference names and everything it
// references, read from the content store, with manifests ordered children first so that a
// registry never sees a manifest naming something it does not hold yet
// (https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pushing-manifests).
import { ErrorCode, ImageError } from './errors.ts';
import { INDEX_DIGEST_ANNOTATION } from './pull.ts';
import type { PushStore } from './push-types.ts';
import { formatPlatform, MAX_MANIFEST_BYTES, parseManifest, type Descriptor } from './registry/manifest.ts';
import { MediaType } from './oci-types.ts';

// Indexes of indexes exist (attestations, nested platforms); deeper than this is a loop or abuse.
const MAX_DEPTH = 4;

export interface PlannedManifest {
  descriptor: Descriptor;
  bytes: Buffer;
}

export interface PushPlan {
  /** What the destination reference will name. */
  top: Descriptor;
  /** Every manifest, children before the index that lists them; the top one last. */
  manifests: PlannedManifest[];
  /** Config and layer blobs, each once. Foreign layers not held locally are marked. */
  blobs: (Descriptor & { foreign?: boolean })[];
  /** Whether the top is an index although the reference named one platform's image. */
  widened: boolean;
}

export async function planPush(store: PushStore, source: string, allPlatforms: boolean): Promise<PushPlan> {
  const tagged = await store.resolve(source);
  if (tagged === undefined) {
    throw new ImageError(ErrorCode.ImageNotStored, `${source} is not in the content store${store.root ? ` at ${store.root}` : ''}: pull it first (ferry pull ${source})`);
  }
  let top: Descriptor = { mediaType: tagged.mediaType, digest: tagged.digest, size: tagged.size };
  const indexDigest = tagged.annotations?.[INDEX_DIGEST_ANNOTATION];
  let widened = false;
  if (allPlatforms && indexDigest !== undefined && indexDigest !== tagged.digest) {
    if (!(await store.has(indexDigest))) {
      throw new ImageError(ErrorCode.ImageNotStored, `${source} was pulled from the multi-platform index ${indexDigest}, which is no longer in the content store: pull ${source} again, or push without --all-platforms`);
    }
    const bytes = await store.readBlob(indexDigest, { maxBytes: MAX_MANIFEST_BYTES });
    const parsed = parseManifest(bytes, undefined, `${source}@${indexDigest}`);
    top = { mediaType: parsed.mediaType, digest: indexDigest, size: bytes.length };
    widened = true;
  }

  const manifests: PlannedManifest[] = [];
  const blobs = new Map<string, Descriptor & { foreign?: boolean }>();
  const seen = new Set<string>();
  const visit = async (desc: Descriptor, depth: number, where: string): Promise<void> => {
    if (seen.has(desc.digest)) return;
    seen.add(desc.digest);
    if (depth > MAX_DEPTH) throw new ImageError(ErrorCode.UnsupportedManifest, `${where}: indexes nested deeper than ${MAX_DEPTH} levels are not pushed`);
    const bytes = await store.readBlob(desc.digest, { maxBytes: MAX_MANIFEST_BYTES });
    const m = parseManifest(bytes, desc.mediaType, where);
    if (m.kind === 'index') {
      const missing = await missingChildren(store, m.manifests);
      if (missing.length > 0) throw incomplete(source, desc.digest, missing, m.manifests.length, widened);
      for (const child of m.manifests) await visit(child, depth + 1, `${source}@${child.digest}`);
    } else {
      for (const d of [m.config, ...m.layers]) {
        if (blobs.has(d.digest)) continue;
        const stored = await store.has(d.digest);
        // A non-distributable layer (with urls) stays where its URLs say, as docker push leaves it.
        if (!stored && (d.urls?.length ?? 0) > 0) blobs.set(d.digest, { ...d, foreign: true });
        else if (!stored) throw new ImageError(ErrorCode.ImageNotStored, `${where}: blob ${d.digest} is missing from the content store: pull ${source} again`);
        else blobs.set(d.digest, { mediaType: d.mediaType, digest: d.digest, size: d.size });
      }
    }
    // The media type the manifest declares is what the registry must be told it is.
    manifests.push({ descriptor: { mediaType: m.mediaType || desc.mediaType, digest: desc.digest, size: bytes.length }, bytes });
  };
  await visit(top, 0, source);
  const last = manifests.at(-1) as PlannedManifest;
  return { top: last.descriptor, manifests, blobs: [...blobs.values()], widened };
}

async function missingChildren(store: PushStore, children: Descriptor[]): Promise<Descriptor[]> {
  const missing: Descriptor[] = [];
  for (const c of children) if (!(await store.has(c.digest))) missing.push(c);
  return missing;
}

function incomplete(source: string, index: string, missing: Descriptor[], total: number, widened: boolean): ImageError {
  const names = missing.map((d) => (d.platform ? formatPlatform(d.platform) : d.digest));
  const fix = names.every((n) => n.includes('/'))
    ? `pull them first (ferry pull --platform ${names[0]} ${source}, and so on)${widened ? ', or push without --all-platforms to push only the stored platform' : ''}`
    : `pull ${source} again`;
  return new ImageError(
    ErrorCode.ImageNotStored,
    `${source}: ${missing.length} of the ${total} images of index ${index} are not in the content store (${names.join(', ')}): a registry would refuse an index without them; ${fix}`,
  );
}

/** Media types the push plan treats as indexes, for callers that label output. */
export function isIndexType(mediaType: string): boolean {
  return mediaType === MediaType.OciIndex || mediaType === MediaType.DockerManifestList;
}
