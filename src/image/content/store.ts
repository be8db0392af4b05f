// ContentStore: an OCI image layout on disk that Ferry pulls into and skopeo/umoci can read.
// Blobs are content-addressed and immutable; each appears only complete and verified (see
// ingest.ts). Writers of one digest are deduplicated: in this process through a map of in-flight
// writes, across processes through the lock file ingest/<alg>-<hex>.lock. Exactly one writer
// downloads; the others wait until the blob exists (they get `{ existing: true }`) or until the
// writer aborts or dies (then one of them takes over).
// https://github.com/opencontainers/image-spec/blob/v1.1.0/image-layout.md

import { createHash } from 'node:crypto';
import { open, stat, type FileHandle } from 'node:fs/promises';
import type { ReadStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ErrorCode, ImageError } from '../errors.ts';
import { warmUpHashWorker } from './hash-writer.ts';
import { missingImageBlob } from './children.ts';
import { blobRelativePath, parseStoreDigest, type StoreDigest } from './digest-path.ts';
import { errorCode } from './fs-atomic.ts';
import { cleanIngest } from './ingest-cleanup.ts';
import { BlobWriter, blobLockPath } from './ingest.ts';
import { IndexFile, putEntry, removeEntry, taggedEntry, validateRefName, type IndexEntry } from './index-file.ts';
import { ensureLayout, layoutPaths, type LayoutPaths } from './layout.ts';
import { LOCK_POLL_MS, tryAcquireLock } from './lock.ts';
import { RecordStore, type ImageRecord, type RecordPullOptions } from './records.ts';
import { REF_NAME_ANNOTATION, type BlobDescriptor, type Descriptor, type ExistingBlob } from './types.ts';
import { sleep, throwIfAborted, waitSettled } from './wait.ts';

/** Default cap of readBlob: registries need not accept manifests above 4 MiB (distribution spec). */
export const DEFAULT_READ_LIMIT = 4 * 1024 * 1024;

export interface SignalOption {
  signal?: AbortSignal | undefined;
}

export interface StoreInternals {
  paths: LayoutPaths;
  index: IndexFile;
  records: RecordStore;
}

// A pull downloading this much starts the hashing worker (see warmUp).
const OFFLOAD_MIN_BYTES = 128 << 20;
const internals = new WeakMap<ContentStore, StoreInternals>();

/** Access for gc.ts; not part of the public API. */
export function storeInternals(store: ContentStore): StoreInternals {
  const found = internals.get(store);
  if (found === undefined) throw new TypeError('not a ContentStore');
  return found;
}

function notFound(digest: StoreDigest): ImageError {
  return new ImageError(ErrorCode.NotFound, `blob ${digest.digest}: not in the content store`);
}

export class ContentStore {
  /** Absolute path of the layout (`<data-dir>/content`). */
  readonly root: string;
  readonly #paths: LayoutPaths;
  readonly #index: IndexFile;
  readonly #records: RecordStore;
  // Settles when this process's writer of a digest commits or aborts; waiters then look again.
  readonly #inflight = new Map<string, Promise<void>>();

  private constructor(paths: LayoutPaths) {
    this.root = paths.root;
    this.#paths = paths;
    this.#index = new IndexFile(paths);
    this.#records = new RecordStore(paths);
    internals.set(this, { paths, index: this.#index, records: this.#records });
  }

  /**
   * Opens the layout at `root`, creating it if missing (an empty directory or none) and
   * validating `oci-layout` otherwise. Removes stale temp files crashed processes left behind.
   */
  static async open(root: string): Promise<ContentStore> {
    const paths = layoutPaths(resolve(root));
    await ensureLayout(paths);
    await cleanIngest(paths);
    return new ContentStore(paths);
  }

  /**
   * Starts the hashing worker for a pull that will download `bytes`, when that is enough to pay
   * for the worker's start (~50 ms of CPU on another thread). Large blobs are hashed and written
   * there while the calling thread parses HTTP; below this they are hashed here.
   */
  warmUp(download: { bytes: number }): void {
    if (download.bytes >= OFFLOAD_MIN_BYTES) warmUpHashWorker();
  }

  /** Absolute path of a blob's file (which may not exist). Throws INVALID_ARGUMENT on a bad digest. */
  blobPath(digest: string): string {
    return join(this.root, blobRelativePath(parseStoreDigest(digest)));
  }

  async stat(digest: string): Promise<{ size: number } | undefined> {
    const parsed = parseStoreDigest(digest);
    return this.#stat(parsed);
  }

  async has(digest: string): Promise<boolean> {
    return (await this.stat(digest)) !== undefined;
  }

  async #stat(digest: StoreDigest): Promise<{ size: number } | undefined> {
    try {
      const stats = await stat(join(this.root, blobRelativePath(digest)));
      return stats.isFile() ? { size: stats.size } : undefined;
    } catch (err) {
      if (errorCode(err) === 'ENOENT') return undefined;
      throw err;
    }
  }

  async #open(digest: StoreDigest): Promise<FileHandle> {
    try {
      return await open(join(this.root, blobRelativePath(digest)), 'r');
    } catch (err) {
      if (errorCode(err) === 'ENOENT') throw notFound(digest);
      throw err;
    }
  }

  /** Reads a small blob (manifest, config) whole. Blobs above `maxBytes` fail with SIZE_LIMIT. */
  async readBlob(digest: string, options: { maxBytes?: number } = {}): Promise<Buffer> {
    const parsed = parseStoreDigest(digest);
    const maxBytes = options.maxBytes ?? DEFAULT_READ_LIMIT;
    const handle = await this.#open(parsed);
    try {
      const { size } = await handle.stat();
      if (size > maxBytes) {
        throw new ImageError(ErrorCode.SizeLimit, `blob ${parsed.digest}: ${size} bytes, above the ${maxBytes}-byte read limit`);
      }
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  }

  /** Streams a blob, optionally from byte `start`. NOT_FOUND if absent. */
  async createReadStream(digest: string, options: { start?: number; signal?: AbortSignal } = {}): Promise<ReadStream> {
    const handle = await this.#open(parseStoreDigest(digest));
    const streamOptions: { start?: number; signal?: AbortSignal } = {};
    if (options.start !== undefined) streamOptions.start = options.start;
    if (options.signal !== undefined) streamOptions.signal = options.signal;
    return handle.createReadStream(streamOptions);
  }

  /**
   * Re-hashes a stored blob. Commit already verified it, so this only catches later damage
   * (disk errors, tampering). NOT_FOUND if absent.
   */
  async verify(digest: string, options: SignalOption = {}): Promise<boolean> {
    const parsed = parseStoreDigest(digest);
    const hash = createHash(parsed.algorithm);
    await pipeline(await this.createReadStream(digest, options.signal ? { signal: options.signal } : {}), hash);
    return `${parsed.algorithm}:${hash.digest('hex')}` === parsed.digest;
  }

  /**
   * Starts writing a blob, or reports that it is already stored. Resolves to
   * `{ existing: true }` when there is nothing to download, otherwise to a BlobWriter the caller
   * must commit or abort. While another writer (this process or another) holds the digest, waits
   * for it; `signal` cancels the wait (ABORTED) and, once writing, aborts the writer.
   */
  async writer(descriptor: BlobDescriptor, options: SignalOption = {}): Promise<BlobWriter | ExistingBlob> {
    const digest = parseStoreDigest(descriptor.digest);
    const size = descriptor.size;
    if (size !== undefined && (!Number.isSafeInteger(size) || size < 0)) {
      throw new ImageError(ErrorCode.InvalidArgument, `blob ${digest.digest}: size must be a non-negative integer`);
    }
    const { signal } = options;
    const what = `waiting for blob ${digest.digest}`;
    for (;;) {
      throwIfAborted(signal, what);
      const existing = await this.#existing(digest, size);
      if (existing !== undefined) return existing;
      const inflight = this.#inflight.get(digest.digest);
      if (inflight !== undefined) {
        await waitSettled(inflight, signal, what);
        continue;
      }
      const slot = Promise.withResolvers<void>();
      this.#inflight.set(digest.digest, slot.promise);
      const free = (): void => {
        if (this.#inflight.get(digest.digest) === slot.promise) this.#inflight.delete(digest.digest);
        slot.resolve();
      };
      try {
        const lock = await tryAcquireLock(blobLockPath(this.#paths, digest));
        if (lock === undefined) {
          free();
          await sleep(LOCK_POLL_MS, signal, what);
          continue;
        }
        try {
          // The previous holder may have committed between our look and our lock.
          const committed = await this.#existing(digest, size);
          if (committed !== undefined) {
            await lock.release();
            free();
            return committed;
          }
          return await BlobWriter.create({ paths: this.#paths, digest, size, lock, signal, onClose: free });
        } catch (err) {
          await lock.release();
          throw err;
        }
      } catch (err) {
        free();
        throw err;
      }
    }
  }

  async #existing(digest: StoreDigest, size: number | undefined): Promise<ExistingBlob | undefined> {
    const found = await this.#stat(digest);
    if (found === undefined) return undefined;
    if (size !== undefined && found.size !== size) {
      // The stored bytes hash to this digest, so the descriptor's size is wrong.
      throw new ImageError(
        ErrorCode.DigestMismatch,
        `blob ${digest.digest}: descriptor says ${size} bytes but the stored blob with this digest has ${found.size}`,
      );
    }
    return { existing: true, digest: digest.digest, size: found.size };
  }

  /**
   * Stores a small blob given whole (manifest, config). With `digest`, the bytes must hash to
   * it (DIGEST_MISMATCH otherwise); without, sha256 is used. Returns its descriptor.
   */
  async writeBlob(bytes: Uint8Array, options: { digest?: string; mediaType: string; signal?: AbortSignal }): Promise<Descriptor> {
    const algorithm = options.digest === undefined ? 'sha256' : parseStoreDigest(options.digest).algorithm;
    const actual = `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
    if (options.digest !== undefined && options.digest !== actual) {
      throw new ImageError(ErrorCode.DigestMismatch, `blob ${options.digest}: content has digest ${actual}`);
    }
    const writer = await this.writer({ digest: actual, size: bytes.byteLength, mediaType: options.mediaType }, options);
    if (!writer.existing) {
      try {
        await writer.write(bytes);
        await writer.commit();
      } finally {
        await writer.abort();
      }
    }
    return { mediaType: options.mediaType, digest: actual, size: bytes.byteLength };
  }

  /**
   * Points `ref` (a full reference such as `docker.io/library/nginx:latest`) at a stored manifest
   * or index, replacing any previous entry for it. The blob, and for an image manifest its config
   * and layers, must be stored (NOT_FOUND otherwise; checked under the index lock, so a concurrent
   * garbage collection cannot slip in between).
   */
  async tag(ref: string, descriptor: Descriptor, annotations?: Record<string, string>, options: SignalOption = {}): Promise<void> {
    validateRefName(ref);
    const entry = taggedEntry(ref, descriptor, annotations);
    const digest = parseStoreDigest(entry.digest);
    await this.#index.update(options, async (doc) => {
      const found = await this.#stat(digest);
      if (found === undefined) throw new ImageError(ErrorCode.NotFound, `cannot tag ${ref}: manifest ${digest.digest} is not in the content store`);
      if (found.size !== entry.size) {
        throw new ImageError(ErrorCode.InvalidArgument, `cannot tag ${ref}: descriptor size ${entry.size} differs from the stored ${found.size} bytes`);
      }
      const missing = await missingImageBlob(this, entry);
      if (missing !== undefined) {
        throw new ImageError(ErrorCode.NotFound, `cannot tag ${ref}: blob ${missing} of manifest ${digest.digest} is not in the content store`);
      }
      const current = doc.manifests.find((existing) => existing.annotations?.[REF_NAME_ANNOTATION] === ref);
      if (current !== undefined && JSON.stringify(current) === JSON.stringify(entry)) return false;
      putEntry(doc, ref, entry);
      return true;
    });
  }

  /** Removes the entry for `ref`; returns whether there was one. Blobs stay until garbage collection. */
  untag(ref: string, options: SignalOption = {}): Promise<boolean> {
    return this.#index.update(options, (doc) => removeEntry(doc, ref));
  }

  /** The descriptor `ref` is tagged to, with its annotations. */
  resolve(ref: string): Promise<Descriptor | undefined> {
    return this.#index.resolve(ref);
  }

  /** Every index.json entry, in file order. */
  list(): Promise<IndexEntry[]> {
    return this.#index.list();
  }

  recordPull(digest: string, options: RecordPullOptions): Promise<ImageRecord> {
    return this.#records.recordPull(digest, options);
  }

  touch(digest: string): Promise<boolean> {
    return this.#records.touch(digest);
  }

  getRecord(digest: string): Promise<ImageRecord | undefined> {
    return this.#records.getRecord(digest);
  }

  listRecords(): Promise<ImageRecord[]> {
    return this.#records.listRecords();
  }

  removeRecord(digest: string, options: SignalOption = {}): Promise<boolean> {
    return this.#records.removeRecord(digest, options.signal ? { signal: options.signal } : {});
  }
}
