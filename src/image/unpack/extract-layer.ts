// One layer blob -> files in a directory: decompress, hash (diffID), parse, write.
// In a worker, the writing thread must not also drive zlib: a zlib stream only advances when its
// thread's event loop runs, so a thread busy with synchronous fs calls would leave zlib idle and
// the stages would not overlap. So the pool decompresses on the caller's side and feeds the
// worker's LayerWriter; extractLayer() runs both halves in one thread (no overlap) for callers
// without a pool.

import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ErrorCode, ImageError } from '../errors.ts';
import { openLayerStream } from './decompress.ts';
import { Extractor } from './extract.ts';
import { findSystemTar } from './special-batch.ts';
import { TarReader } from './tar-reader.ts';
import { DEFAULT_MAX_ENTRIES } from './types.ts';
import type { ExtractLayerJob, ExtractLayerResult, ExtractStats, StageTimings } from './types.ts';

/** errno codes that a layer's content can provoke (names too long, a file where a dir is expected...). */
const CONTENT_ERRNOS = new Set(['ENAMETOOLONG', 'ENOTDIR', 'EISDIR', 'EEXIST', 'ELOOP', 'EINVAL', 'EMLINK', 'ENOENT']);

/**
 * The synchronous half of an extraction: tar chunks in, files out. Used in-process by
 * extractLayer() and by the pool's worker, which is fed chunks decompressed on the caller's side.
 */
export class LayerWriter {
  readonly #job: ExtractLayerJob;
  readonly #ex: Extractor;
  readonly #reader: TarReader;
  readonly #start = performance.now();
  readonly #hash: Hash | null;
  #writeMs = 0;
  #failure: unknown;

  /** With `hash`, the writer also computes the diffID of the chunks it is given. */
  constructor(job: ExtractLayerJob, options: { hash?: boolean } = {}) {
    this.#job = job;
    this.#hash = options.hash === true ? createHash('sha256') : null;
    this.#ex = new Extractor({
      root: job.target,
      scratchFile: job.scratchFile,
      layer: job.layerDigest,
      maxEntries: job.limits?.maxEntries ?? DEFAULT_MAX_ENTRIES,
      umask: currentUmask(),
      euid: process.geteuid?.() ?? -1,
      egid: process.getegid?.() ?? -1,
      systemTar: findSystemTar(),
    });
    this.#reader = new TarReader(this.#ex, job.layerDigest);
  }

  push(chunk: Buffer): void {
    const t = performance.now();
    try {
      this.#hash?.update(chunk);
      this.#reader.push(chunk);
    } catch (err) {
      throw this.fail(err);
    } finally {
      this.#writeMs += performance.now() - t;
    }
  }

  /** Ends the stream and applies deferred metadata. */
  end(): { stats: ExtractStats; timings: StageTimings; diffId: string } {
    try {
      this.#reader.end();
      const t = performance.now();
      const stats = this.#ex.finish();
      const finishMs = performance.now() - t;
      const diffId = this.#hash === null ? '' : `sha256:${this.#hash.digest('hex')}`;
      return { stats, diffId, timings: { totalMs: performance.now() - this.#start, writeMs: this.#writeMs, finishMs } };
    } catch (err) {
      throw this.fail(err);
    }
  }

  /** Releases resources after a failure and returns the error to throw. */
  fail(err: unknown): unknown {
    if (err === this.#failure) return err;
    this.#ex.abort();
    this.#failure = toLayerError(err, this.#job.layerDigest, this.#ex.currentEntry);
    return this.#failure;
  }
}

/** Extracts one layer in the calling thread; `source`, when given, supplies the blob's bytes. */
export async function extractLayer(job: ExtractLayerJob, signal?: AbortSignal, source?: AsyncIterable<Uint8Array>): Promise<ExtractLayerResult> {
  let writer: LayerWriter | undefined;
  try {
    const stream = await openLayerStream(job.blobPath, {
      mediaType: job.mediaType,
      layerDigest: job.layerDigest,
      maxUncompressedBytes: job.limits?.maxUncompressedBytes,
      signal,
      source,
    });
    const w = new LayerWriter(job);
    writer = w;
    for await (const chunk of stream.chunks) w.push(chunk);
    const { stats, timings } = w.end();
    return { ...stats, ...stream.result(), compression: stream.compression, timings };
  } catch (err) {
    if (writer === undefined) throw toLayerError(err, job.layerDigest, '', false);
    throw writer.fail(err);
  }
}

/**
 * Maps low-level failures to ImageError where the layer is at fault; other errors keep their code.
 * `writing` says whether fs errors came from writing entries (the layer's fault) or from reading the blob.
 */
export function toLayerError(err: unknown, layer: string, entry: string, writing = true): unknown {
  if (err instanceof ImageError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e?.name === 'AbortError') return new ImageError(ErrorCode.Aborted, `unpacking layer ${layer} was aborted`, { cause: err });
  const code = typeof e?.code === 'string' ? e.code : '';
  if (code.startsWith('Z_') || code.startsWith('ERR_ZSTD') || code === 'ERR_BUFFER_TOO_LARGE' || code.startsWith('ZSTD_')) {
    return new ImageError(ErrorCode.LayerFormat, `layer ${layer}: the compressed stream is corrupt (${e.message}); ` +
      'pull the layer again', { cause: err });
  }
  const at = entry === '' ? '' : ` at entry '${entry}'`;
  if (writing && CONTENT_ERRNOS.has(code)) {
    return new ImageError(ErrorCode.LayerFormat, `layer ${layer}: cannot write${at}: ${e.message}`, { cause: err });
  }
  if (e instanceof Error) {
    const wrapped = new Error(`unpacking layer ${layer}${at}: ${e.message}`, { cause: err }) as NodeJS.ErrnoException;
    if (code !== '') wrapped.code = code;
    return wrapped;
  }
  return err;
}

let umask: number | undefined;

/** The process umask, read without changing it (process.umask(mask) is not allowed in workers). */
export function currentUmask(): number {
  if (umask !== undefined) return umask;
  try {
    const m = /^Umask:\s*([0-7]+)$/m.exec(readFileSync('/proc/self/status', 'latin1'));
    umask = m === null ? 0o022 : parseInt(m[1]!, 8);
  } catch {
    umask = 0o022;
  }
  return umask;
}
