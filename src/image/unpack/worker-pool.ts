// Worker threads for layer extraction, one layer per worker at a time, size = cores by default.
// Each job is split in two stages that overlap: the calling thread reads the blob, decompresses it
// (node:zlib on the libuv pool, 1 MiB chunks) and computes the diffID, and the worker writes the
// files with synchronous fs calls. Flow control: at most MAX_INFLIGHT_CHUNKS unacknowledged chunks
// per job. Idle workers are unref'd so a CLI exits without close().

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ErrorCode, ImageError } from '../errors.ts';
import type { ErrorCode as ErrorCodeType } from '../errors.ts';
import { openLayerStream } from './decompress.ts';
import { toLayerError } from './extract-layer.ts';
import type { MaterializeJob, MaterializeResult } from './materialize.ts';
import type { ExtractLayerJob, ExtractLayerResult, ExtractStats, StageTimings } from './types.ts';

/** Decompressed chunks (up to 1 MiB each) queued for one worker: enough to keep it busy, bounded memory. */
export const MAX_INFLIGHT_CHUNKS = 4;

export type WorkerRequest =
  | { id: number; kind: 'begin'; job: ExtractLayerJob; hash: boolean }
  | { id: number; kind: 'chunk'; data: Uint8Array }
  | { id: number; kind: 'end' }
  | { id: number; kind: 'abort' }
  | { id: number; kind: 'materialize'; job: MaterializeJob };

export interface SerializedError { message: string; imageCode: string | undefined; code: string | undefined }

export type WorkerResponse =
  | { id: number; kind: 'ack' }
  | { id: number; kind: 'done'; value: unknown }
  | { id: number; kind: 'error'; error: SerializedError };

interface Slot {
  worker: Worker;
  busy: boolean;
  onMessage: ((res: WorkerResponse) => void) | null;
  onExit: ((err: unknown) => void) | null;
}

const WORKER_URL = new URL('./extract-worker.ts', import.meta.url);

export class WorkerPool {
  readonly size: number;
  readonly #slots: Slot[] = [];
  readonly #waiters: { resolve: (s: Slot) => void; reject: (e: unknown) => void }[] = [];
  #nextId = 1;
  #closed = false;
  #extracting = 0;

  constructor(options: { size?: number } = {}) {
    this.size = Math.max(1, options.size ?? availableParallelism());
  }

  /** Extracts a layer; `source`, when given, supplies the blob's bytes instead of `job.blobPath`. */
  async extract(job: ExtractLayerJob, signal?: AbortSignal, source?: AsyncIterable<Uint8Array>): Promise<ExtractLayerResult> {
    const slot = await this.#acquire(signal);
    try {
      return await this.#extract(slot, job, signal, source);
    } finally {
      this.#release(slot);
    }
  }

  async materialize(job: MaterializeJob, signal?: AbortSignal): Promise<MaterializeResult> {
    const slot = await this.#acquire(signal);
    try {
      const id = this.#nextId++;
      const done = this.#expect(slot, id, () => {});
      slot.worker.postMessage({ id, kind: 'materialize', job } satisfies WorkerRequest);
      return (await done) as MaterializeResult;
    } finally {
      this.#release(slot);
    }
  }

  /**
   * Starts up to `count` workers now (default: the pool's size). A worker needs ~100-250 ms to
   * boot and load its modules; a pull calls this when it knows its layers, so the workers are
   * ready when the first layer has been downloaded.
   */
  warmUp(count = this.size): void {
    const want = Math.min(this.size, count);
    while (!this.#closed && this.#slots.length < want) this.#spawn().worker.unref();
  }

  /** Terminates the workers; waiting and running jobs fail. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const w of this.#waiters.splice(0)) w.reject(aborted('the worker pool was closed'));
    await Promise.all(this.#slots.splice(0).map((s) => s.worker.terminate()));
  }

  async #extract(slot: Slot, job: ExtractLayerJob, signal: AbortSignal | undefined, source: AsyncIterable<Uint8Array> | undefined): Promise<ExtractLayerResult> {
    this.#extracting++;
    try {
      return await this.#extractIn(slot, job, signal, source, this.#extracting === 1);
    } finally {
      this.#extracting--;
    }
  }

  /**
   * `hashHere`: the diffID is computed in this thread, which otherwise waits while the worker
   * writes files: taking the hash (~15% of the worker's time) off the critical path. With
   * layers extracting in parallel the worker hashes, or this thread would be the bottleneck.
   */
  async #extractIn(slot: Slot, job: ExtractLayerJob, signal: AbortSignal | undefined, source: AsyncIterable<Uint8Array> | undefined, hashHere: boolean): Promise<ExtractLayerResult> {
    const stream = await openLayerStream(job.blobPath, {
      mediaType: job.mediaType,
      layerDigest: job.layerDigest,
      maxUncompressedBytes: job.limits?.maxUncompressedBytes,
      signal,
      hash: hashHere,
      source,
    }).catch((err: unknown) => { throw toLayerError(err, job.layerDigest, '', false); });
    const id = this.#nextId++;
    let inflight = 0;
    let failed = false;
    let wake: (() => void) | null = null;
    const done = this.#expect(slot, id, () => {
      inflight--;
      wake?.();
    });
    done.catch(() => {
      failed = true;
      wake?.();
    });
    const post = (m: WorkerRequest): void => slot.worker.postMessage(m);
    post({ id, kind: 'begin', job, hash: !hashHere });
    try {
      for await (const chunk of stream.chunks) {
        if (failed) break;
        // A chunk that fills its own buffer (zlib's full output chunks) moves to the worker; part of
        // a buffer zlib goes on filling is copied (structured clone).
        const whole = chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength && chunk.buffer instanceof ArrayBuffer;
        slot.worker.postMessage({ id, kind: 'chunk', data: chunk } satisfies WorkerRequest, whole ? [chunk.buffer] : []);
        inflight++;
        while (inflight >= MAX_INFLIGHT_CHUNKS && !failed) await new Promise<void>((r) => { wake = r; });
      }
    } catch (err) {
      // Decompression failed, hit a limit or was aborted: stop the worker and wait until it has
      // closed its files, so the caller can delete the directory.
      post({ id, kind: 'abort' });
      await done.catch(() => {});
      throw toLayerError(err, job.layerDigest, '', false);
    }
    if (!failed) post({ id, kind: 'end' });
    const value = (await done) as ExtractStats & { timings: StageTimings; diffId: string };
    const streamed = stream.result();
    return { ...value, ...streamed, diffId: hashHere ? streamed.diffId : value.diffId, compression: stream.compression };
  }

  /** Routes one job's responses; resolves with its result, rejects with its error. */
  #expect(slot: Slot, id: number, onAck: () => void): Promise<unknown> {
    return new Promise((resolve, reject) => {
      slot.onMessage = (res) => {
        if (res.id !== id) return;
        if (res.kind === 'ack') onAck();
        else if (res.kind === 'done') resolve(res.value);
        else reject(rebuild(res.error));
      };
      slot.onExit = reject;
    });
  }

  #acquire(signal: AbortSignal | undefined): Promise<Slot> {
    if (this.#closed) return Promise.reject(aborted('the worker pool is closed'));
    if (signal?.aborted === true) return Promise.reject(aborted('the operation was aborted before it started'));
    const idle = this.#slots.find((s) => !s.busy) ?? (this.#slots.length < this.size ? this.#spawn() : undefined);
    if (idle !== undefined) {
      idle.busy = true;
      idle.worker.ref();
      return Promise.resolve(idle);
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve: (s: Slot) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(s);
        },
        reject,
      };
      const onAbort = (): void => {
        const i = this.#waiters.indexOf(waiter);
        if (i !== -1) this.#waiters.splice(i, 1);
        reject(aborted('the operation was aborted while waiting for a worker'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  #release(slot: Slot): void {
    slot.onMessage = null;
    slot.onExit = null;
    if (!this.#slots.includes(slot)) {
      // The worker died; give a waiter a fresh one.
      const w = this.#waiters.shift();
      if (w !== undefined) {
        const s = this.#spawn();
        s.busy = true;
        w.resolve(s);
      }
      return;
    }
    const w = this.#waiters.shift();
    if (w !== undefined) {
      w.resolve(slot);
      return;
    }
    slot.busy = false;
    slot.worker.unref();
  }

  #spawn(): Slot {
    const worker = new Worker(WORKER_URL);
    const slot: Slot = { worker, busy: false, onMessage: null, onExit: null };
    worker.on('message', (res: WorkerResponse) => slot.onMessage?.(res));
    const died = (err: unknown): void => {
      const i = this.#slots.indexOf(slot);
      if (i !== -1) this.#slots.splice(i, 1);
      slot.onExit?.(err);
    };
    worker.on('error', died);
    worker.on('exit', (code) => died(new Error(`unpack worker exited with code ${code}`)));
    this.#slots.push(slot);
    return slot;
  }
}

function aborted(message: string): ImageError {
  return new ImageError(ErrorCode.Aborted, message);
}

function rebuild(e: SerializedError): Error {
  if (e.imageCode !== undefined) return new ImageError(e.imageCode as ErrorCodeType, e.message);
  const err = new Error(e.message) as NodeJS.ErrnoException;
  if (e.code !== undefined) err.code = e.code;
  return err;
}
