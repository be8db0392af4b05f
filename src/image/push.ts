// Pushing a stored image to a registry: every blob the destination lacks is mounted from another
// repository of that registry when possible and uploaded otherwise, then the manifests go up
// children first, by digest, and the top one under the destination's tag. Bytes are the stored
// ones, so every digest is kept. Credentials are tried in the kubelet's order, as for pull.
// https://github.com/opencontainers/distribution-spec/blob/main/spec.md#push
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { boundedAll } from './bounded.ts';
import type { Credential } from './credential.ts';
import { ErrorCode, ImageError } from './errors.ts';
import { planPush, type PushPlan } from './push-plan.ts';
import type { PushCounts, PushEvent, PushOptions, PushResult } from './push-types.ts';
import { parseReference, type Reference } from './reference.ts';
import { resolveEndpoints, type RegistryEndpoint } from './registry/hosts.ts';
import { clientOptionsFor } from './registry/client.ts';
import { RegistryPushClient } from './registry/upload.ts';
import { tryCredentials } from './credential-attempts.ts';

// Like docker push: enough to fill a link, few enough for a registry's upload limits.
export const DEFAULT_MAX_CONCURRENT_UPLOADS = 3;
// Fresh upload sessions per blob; each request in one is already retried (retry.ts).
const UPLOAD_ATTEMPTS = 3;

export async function push(source: string | Reference, destination: string | Reference, options: PushOptions): Promise<PushResult> {
  const src = typeof source === 'string' ? parseReference(source) : source;
  const dest = typeof destination === 'string' ? parseReference(destination) : destination;
  const plan = await planPush(options.store, src.toString(), options.allPlatforms === true);
  if (dest.digest !== undefined && dest.digest !== plan.top.digest) {
    throw new ImageError(
      ErrorCode.InvalidArgument,
      `cannot push ${src.toString()} as ${dest.toString()}: the stored image has digest ${plan.top.digest}, and a push keeps digests${plan.widened ? '' : '; if that digest is the multi-platform index, push with --all-platforms'}`,
    );
  }
  const emit = options.onEvent ?? (() => {});
  emit({ type: 'resolved', source: src.toString(), reference: dest.toString(), digest: plan.top.digest, mediaType: plan.top.mediaType });
  const endpoints = await resolveEndpoints(dest.registry, options.settings);
  const mountFrom = [...new Set([...(src.registry === dest.registry ? [src.repository] : []), ...(options.mountFrom ?? [])])].filter((r) => r !== dest.repository);

  // Blobs a refused credential already pushed are found by the next attempt's HEAD.
  return tryCredentials(options.credentials, async (credential) => {
    const result = await pushWith(credential, plan, src, dest, endpoints, mountFrom, options);
    emit({ type: 'done', reference: result.reference, digest: result.digest, blobs: result.blobs });
    return result;
  }, { action: 'pushing', image: dest.toString(), registry: dest.registry, deniedWhenAllDenied: true });
}

async function pushWith(
  credential: Credential | undefined,
  plan: PushPlan,
  src: Reference,
  dest: Reference,
  endpoints: RegistryEndpoint[],
  mountFrom: string[],
  options: PushOptions,
): Promise<PushResult> {
  const { signal, store } = options;
  const emit = options.onEvent ?? (() => {});
  const client = new RegistryPushClient({
    ...clientOptionsFor(dest, endpoints, credential, options.settings?.certsDir),
    retry: options.retry,
    chunkSize: options.chunkSize,
  });
  const blobs: PushCounts = { pushed: 0, mounted: 0, skipped: 0 };
  let uploadedBytes = 0;

  const pushBlob = async (desc: PushPlan['blobs'][number]): Promise<void> => {
    const event = (status: Extract<PushEvent, { type: 'blob' }>['status'], bytes: number, from?: string): void =>
      emit({ type: 'blob', digest: desc.digest, status, bytes, total: desc.size, ...(from === undefined ? {} : { from }) });
    if (desc.foreign === true) {
      event('Foreign layer skipped', 0);
      return;
    }
    event('Preparing', 0);
    if (await client.hasBlob(desc.digest, signal)) {
      blobs.skipped++;
      event('Layer already exists', desc.size);
      return;
    }
    let location: string | undefined;
    for (const from of mountFrom) {
      const outcome = await client.mountBlob(desc.digest, from, signal);
      if (outcome.mounted) {
        blobs.mounted++;
        event('Mounted', desc.size, from);
        return;
      }
      // The registry opened an upload instead (spec: "the registry MAY ... fall back"): use it.
      location = outcome.location;
    }
    const path = store.blobPath(desc.digest);
    const onDisk = (await stat(path)).size;
    if (onDisk !== desc.size) {
      throw new ImageError(ErrorCode.DigestMismatch, `pushing ${dest.toString()}: stored blob ${desc.digest} has ${onDisk} bytes but the manifest says ${desc.size}: the content store is damaged; pull ${src.toString()} again`);
    }
    event('Pushing', 0);
    const open = (start: number, end: number): Readable => {
      const stream = createReadStream(path, { start, end });
      let sent = start;
      // Bytes read from disk into the request: close enough to bytes sent, and it restarts with a retry.
      stream.on('data', (chunk) => {
        sent += chunk.length;
        event('Pushing', sent);
      });
      return stream;
    };
    for (let attempt = 1; ; attempt++) {
      try {
        await client.uploadBlob(desc, open, location, signal);
        break;
      } catch (err) {
        // A session the registry lost (BLOB_UPLOAD_UNKNOWN) or a failure that outlasted the
        // request retries: start the blob over in a new session.
        if (!(err instanceof ImageError) || !err.temporary || attempt >= UPLOAD_ATTEMPTS || signal?.aborted) throw err;
        location = undefined;
      }
    }
    uploadedBytes += desc.size;
    blobs.pushed++;
    event('Pushed', desc.size);
  };
  const max = options.maxConcurrentUploads ?? DEFAULT_MAX_CONCURRENT_UPLOADS;
  await boundedAll(plan.blobs.map((b) => () => pushBlob(b)), max, signal, async () => {});

  const manifests = { pushed: 0, skipped: 0 };
  // `reg/app` means `reg/app:latest`, as for pull; `reg/app@sha256:...` sets no tag.
  const tag = dest.tag ?? (dest.digest === undefined ? 'latest' : undefined);
  for (const m of plan.manifests) {
    const { digest, mediaType } = m.descriptor;
    const isTop = m === plan.manifests.at(-1);
    if (await client.hasManifest(digest, signal)) {
      manifests.skipped++;
      emit({ type: 'manifest', digest, reference: digest, status: 'Already exists' });
    } else {
      await client.putManifest(digest, m.bytes, mediaType, digest, signal);
      uploadedBytes += m.bytes.length;
      manifests.pushed++;
      emit({ type: 'manifest', digest, reference: digest, status: 'Pushed' });
    }
    if (isTop && tag !== undefined) {
      await client.putManifest(tag, m.bytes, mediaType, digest, signal);
      emit({ type: 'manifest', digest, reference: tag, status: 'Pushed' });
    }
  }
  const size = plan.blobs.reduce((n, b) => n + b.size, 0) + plan.manifests.reduce((n, m) => n + m.bytes.length, 0);
  return {
    source: src.toString(),
    reference: dest.toString(),
    digest: plan.top.digest,
    mediaType: plan.top.mediaType,
    size,
    uploadedBytes,
    blobs,
    manifests,
  };
}
