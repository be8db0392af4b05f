// The image config (https://github.com/opencontainers/image-spec/blob/main/config.md): its layer
// diff IDs name the snapshots and check each unpacked layer. A pull fetches the config into memory
// and verifies it there, so the layers' unpack waits for one small GET, not for the config's
// fsyncs in the content store, which run meanwhile.
import { createHash } from 'node:crypto';
import { parseDigest } from './digest.ts';
import { ErrorCode, ImageError } from './errors.ts';
import type { BlobWriter, PullStore } from './pull-types.ts';
import type { BlobSink } from './registry/client.ts';
import type { Descriptor } from './registry/manifest.ts';

export const MAX_CONFIG_BYTES = 8 * 1024 * 1024;

/** The layer diff IDs a config lists (`rootfs.diff_ids`); empty when it lists none. */
export function diffIdsOf(config: Uint8Array): string[] {
  const parsed = JSON.parse(Buffer.from(config.buffer, config.byteOffset, config.byteLength).toString('utf8')) as { rootfs?: { diff_ids?: unknown } };
  const ids = parsed.rootfs?.diff_ids;
  return Array.isArray(ids) ? ids.filter((d): d is string => typeof d === 'string') : [];
}

/** The layer diff IDs of a stored config. */
export async function readDiffIds(store: Pick<PullStore, 'readBlob'>, configDigest: string): Promise<string[]> {
  return diffIdsOf(await store.readBlob(configDigest, { maxBytes: MAX_CONFIG_BYTES }));
}

interface BlobSource {
  blob(desc: Descriptor, sink: BlobSink, signal?: AbortSignal): Promise<void>;
}

/**
 * Downloads a small blob into `writer` (the content store's, which holds the blob's lock: a
 * concurrent pull waits instead of downloading it too) and into memory, and verifies the copy in
 * memory. Returns the bytes and the writer's commit, still running (its fsyncs are what the caller
 * does not wait for). The writer is aborted on failure.
 */
export async function fetchVerified(client: BlobSource, desc: Descriptor, writer: BlobWriter, signal?: AbortSignal): Promise<{ bytes: Buffer; committed: Promise<unknown> }> {
  const chunks: Buffer[] = [];
  try {
    if (desc.size > MAX_CONFIG_BYTES) {
      throw new ImageError(ErrorCode.SizeLimit, `blob ${desc.digest} declares ${desc.size} bytes, more than the ${MAX_CONFIG_BYTES} allowed for an image config`);
    }
    await client.blob(desc, {
      get offset() {
        return writer.offset;
      },
      // A copy: the download path reuses its buffers once a write has settled.
      write: async (chunk) => {
        const copy = Buffer.from(chunk);
        chunks.push(copy);
        await writer.write(copy);
      },
    }, signal);
    const bytes = Buffer.concat(chunks);
    const { algorithm } = parseDigest(desc.digest);
    const actual = `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
    if (actual !== desc.digest || bytes.byteLength !== desc.size) {
      throw new ImageError(ErrorCode.DigestMismatch, `blob ${desc.digest}: content has digest ${actual} (${bytes.byteLength} bytes), expected ${desc.digest} (${desc.size} bytes)`);
    }
    return { bytes, committed: writer.commit() };
  } catch (err) {
    await writer.abort().catch(() => {});
    throw err;
  }
}
