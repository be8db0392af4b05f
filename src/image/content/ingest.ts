// Writing one blob: bytes go to a temp file in ingest/ while being hashed; commit checks size and
// digest, then fsyncs, makes the file read-only and renames it into blobs/<alg>/<hex>, then fsyncs
// the directory (the order containerd's local store uses). A blob therefore appears under blobs/
// only complete and verified, whenever the process dies. The writer holds the blob's lock file
// from creation until it is committed or aborted, which is what other writers wait on.

import { mkdir, open, rename, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ErrorCode, ImageError } from '../errors.ts';
import { blobRelativePath, type StoreDigest } from './digest-path.ts';
import { fsyncDir, tempName, unlinkIfExists } from './fs-atomic.ts';
import type { LayoutPaths } from './layout.ts';
import { createHash, type Hash } from 'node:crypto';
import { hashWorkerRunning, WorkerHashWriter } from './hash-writer.ts';
import { EarlyWriteback } from './writeback.ts';
import type { FileLock } from './lock.ts';
import type { CommittedBlob } from './types.ts';
import { abortedError } from './wait.ts';

/** Base name of a blob's lock and temp files in ingest/: `<alg>-<hex>`. */
export function ingestBase(digest: StoreDigest): string {
  return `${digest.algorithm}-${digest.hex}`;
}

export function blobLockPath(paths: LayoutPaths, digest: StoreDigest): string {
  return join(paths.ingest, `${ingestBase(digest)}.lock`);
}

export interface BlobWriterInit {
  paths: LayoutPaths;
  digest: StoreDigest;
  size: number | undefined;
  lock: FileLock;
  signal?: AbortSignal | undefined;
  /** Called once, after the writer committed or aborted and released its lock. */
  onClose: () => void;
}

type State = 'open' | 'committed' | 'aborted';

// Below this a blob is hashed in this thread (see BlobWriter).
const WORKER_MIN_BYTES = 1 << 20;

/**
 * Writes one blob. Call `commit()` or `abort()` exactly once when done (use try/finally): until
 * then the blob's lock is held and other writers of the same digest wait. Any error from `write`
 * or `commit` aborts the writer (the temp file is removed and the lock released).
 */
export class BlobWriter {
  readonly existing = false as const;
  readonly digest: string;
  /** The expected size, when the descriptor gave one. */
  readonly size: number | undefined;
  readonly #init: BlobWriterInit;
  readonly #handle: FileHandle;
  readonly #tempPath: string;
  // Large blobs are hashed and written in a worker thread; small ones (configs, manifests,
  // tiny layers) here, where that costs less than a round trip to the worker or its start.
  readonly #hash: WorkerHashWriter | undefined;
  readonly #localHash: Hash | undefined;
  // On the local path; the worker writes back its streams itself.
  readonly #writeback: EarlyWriteback | undefined;
  #offset = 0;
  // Followers (see follow()) waiting for more bytes or the end.
  #waiters: (() => void)[] = [];
  #state: State = 'open';
  #queue: Promise<unknown> = Promise.resolve();
  #onAbort: (() => void) | undefined;

  private constructor(init: BlobWriterInit, handle: FileHandle, tempPath: string) {
    this.#init = init;
    this.digest = init.digest.digest;
    this.size = init.size;
    this.#handle = handle;
    this.#tempPath = tempPath;
    // The worker only when it already runs (a large pull started it, or a server keeps it): its
    // start costs ~50 ms of CPU, more than hashing a typical layer here.
    if ((init.size ?? 0) >= WORKER_MIN_BYTES && hashWorkerRunning()) this.#hash = new WorkerHashWriter(init.digest.algorithm);
    else {
      this.#localHash = createHash(init.digest.algorithm);
      this.#writeback = new EarlyWriteback(() => handle.datasync());
    }
    const signal = init.signal;
    if (signal !== undefined) {
      this.#onAbort = () => void this.abort().catch(() => {});
      signal.addEventListener('abort', this.#onAbort, { once: true });
    }
  }

  static async create(init: BlobWriterInit): Promise<BlobWriter> {
    const tempPath = tempName(init.paths.ingest, ingestBase(init.digest), 'part');
    const handle = await open(tempPath, 'wx', 0o644);
    const writer = new BlobWriter(init, handle, tempPath);
    // A signal that fired before the listener was added never fires again.
    if (init.signal?.aborted) {
      await writer.abort();
      throw abortedError(init.signal, `blob ${writer.digest}`);
    }
    return writer;
  }

  /** Bytes written so far: resume a broken download from here (HTTP `Range: bytes=<offset>-`). */
  get offset(): number {
    return this.#offset;
  }

  write(chunk: Uint8Array): Promise<void> {
    return this.#run(async () => {
      const size = this.size;
      if (size !== undefined && this.#offset + chunk.byteLength > size) {
        throw new ImageError(
          ErrorCode.SizeLimit,
          `blob ${this.digest}: more than the expected ${size} bytes (${this.#offset + chunk.byteLength} received)`,
        );
      }
      if (this.#hash !== undefined) {
        await this.#hash.write(this.#handle.fd, chunk);
      } else {
        this.#localHash?.update(chunk);
        let done = 0;
        while (done < chunk.byteLength) done += (await this.#handle.write(chunk, done, chunk.byteLength - done, null)).bytesWritten;
        this.#writeback?.wrote(chunk.byteLength);
      }
      this.#offset += chunk.byteLength;
      this.#wake();
    });
  }

  /**
   * The blob's bytes as they are written, read back from the file, so a consumer can start on a
   * blob before the download ends (pull.ts unpacks layers so) without holding the download back.
   * The iteration ends only once the blob is committed, that is verified, and throws when the
   * writer aborts: a consumer must not make anything it derives final before the end. Nothing is
   * opened until the iteration starts.
   */
  async *follow(chunkBytes = 1 << 20): AsyncGenerator<Uint8Array> {
    const file = await this.#openForReading();
    try {
      let pos = 0;
      for (;;) {
        if (pos < this.#offset) {
          const buf = Buffer.allocUnsafe(Math.min(chunkBytes, this.#offset - pos));
          const { bytesRead } = await file.read(buf, 0, buf.byteLength, pos);
          if (bytesRead === 0) throw new Error(`blob ${this.digest}: the file is shorter than the bytes written to it`);
          pos += bytesRead;
          yield buf.subarray(0, bytesRead);
        } else if (this.#state === 'committed') {
          return;
        } else {
          this.#throwIfAborted();
          await new Promise<void>((resolve) => this.#waiters.push(resolve));
        }
      }
    } finally {
      await file.close();
    }
  }

  async #openForReading(): Promise<FileHandle> {
    for (;;) {
      this.#throwIfAborted();
      if (this.#state === 'committed') return open(join(this.#init.paths.root, blobRelativePath(this.#init.digest)), 'r');
      try {
        return await open(this.#tempPath, 'r');
      } catch (err) {
        // Renamed by commit or removed by abort while it was being opened: look again at once if
        // the state already says which (its wake-up has passed), else when it does.
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        if (this.#state === 'open') await new Promise<void>((resolve) => this.#waiters.push(resolve));
      }
    }
  }

  #throwIfAborted(): void {
    if (this.#state !== 'aborted') return;
    const signal = this.#init.signal;
    if (signal?.aborted) throw abortedError(signal, `blob ${this.digest}`);
    throw new ImageError(ErrorCode.Aborted, `blob ${this.digest}: the download failed`);
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  commit(): Promise<CommittedBlob> {
    return this.#run(async () => {
      const { digest, paths } = this.#init;
      const size = this.size;
      if (size !== undefined && this.#offset !== size) {
        throw new ImageError(
          ErrorCode.DigestMismatch,
          `blob ${this.digest}: received ${this.#offset} bytes, expected ${size}`,
          // A short body is usually a dropped connection: fetching again may succeed.
          { temporary: this.#offset < size },
        );
      }
      const hex = this.#hash !== undefined ? await this.#hash.digestHex() : (this.#localHash?.digest('hex') ?? '');
      const actual = `${digest.algorithm}:${hex}`;
      if (actual !== this.digest) {
        throw new ImageError(
          ErrorCode.DigestMismatch,
          `blob ${this.digest}: content has digest ${actual} (${this.#offset} bytes), expected ${this.digest}`,
        );
      }
      // Read-only before it becomes visible: a stored blob is never opened for writing again.
      await this.#handle.chmod(0o444);
      await this.#writeback?.settled();
      await this.#handle.sync();
      await this.#handle.close();
      const target = join(paths.root, blobRelativePath(digest));
      await mkdir(dirname(target), { recursive: true });
      await rename(this.#tempPath, target);
      this.#state = 'committed';
      this.#wake();
      // Past the rename the blob is in place and cannot be taken back. A failed directory fsync
      // or lock release only costs durability across a power loss (the blob may vanish, never
      // appear corrupt) or a stale lock file (waiters check for the blob first), so the commit
      // is not reported as failed.
      await fsyncDir(dirname(target)).catch(() => {});
      await this.#close().catch(() => {});
      return { digest: this.digest, size: this.#offset };
    });
  }

  /** Discards the temp file and releases the lock. Idempotent; a no-op after commit. */
  abort(): Promise<void> {
    const result = this.#queue.then(() => this.#discard());
    this.#queue = result.catch(() => {});
    return result;
  }

  #run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(async () => {
      this.#assertOpen();
      try {
        return await fn();
      } catch (err) {
        if (this.#state === 'open') await this.#discard().catch(() => {});
        throw err;
      }
    });
    this.#queue = result.catch(() => {});
    return result;
  }

  #assertOpen(): void {
    if (this.#state === 'committed') {
      throw new ImageError(ErrorCode.InvalidArgument, `blob ${this.digest}: writer already committed`);
    }
    if (this.#state === 'aborted') {
      const signal = this.#init.signal;
      if (signal?.aborted) throw abortedError(signal, `blob ${this.digest}`);
      throw new ImageError(ErrorCode.Aborted, `blob ${this.digest}: writer was aborted`);
    }
  }

  async #discard(): Promise<void> {
    if (this.#state !== 'open') return;
    this.#state = 'aborted';
    this.#wake();
    await this.#hash?.drop();
    await this.#writeback?.settled();
    try {
      await this.#handle.close().catch(() => {});
      await unlinkIfExists(this.#tempPath);
    } finally {
      await this.#close();
    }
  }

  async #close(): Promise<void> {
    if (this.#onAbort !== undefined) this.#init.signal?.removeEventListener('abort', this.#onAbort);
    try {
      await this.#init.lock.release();
    } finally {
      this.#init.onClose();
    }
  }
}
