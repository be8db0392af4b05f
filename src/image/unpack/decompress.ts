// Layer blob -> uncompressed tar chunks, with the diffID (sha256 of the uncompressed tar) and a
// cap on uncompressed bytes computed on the way. The compression is read from the media type and
// then checked against the magic bytes, which win: registries mislabel layers.
// Media types: https://github.com/opencontainers/image-spec/blob/main/media-types.md
//
// Chunk sizes matter: node:zlib hops to the libuv pool once per output chunk, and with the default
// 16 KiB chunkSize it decodes a Debian layer 3-4x slower than with 1 MiB (pull-baselines.md).

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { Readable, type Transform } from 'node:stream';
import { createGunzip, createZstdDecompress } from 'node:zlib';
import { ErrorCode, ImageError } from '../errors.ts';
import { chunksOf } from './stream-chunks.ts';
import { DEFAULT_MAX_UNCOMPRESSED_BYTES } from './types.ts';
import type { Compression } from './types.ts';

/** Read size for the blob and output chunk size of the decompressor. */
export const IO_CHUNK_BYTES = 1024 * 1024;

const GZIP_MAGIC = [0x1f, 0x8b];
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

/** Compression named by a layer media type; undefined when the type is not a known layer type. */
export function compressionFromMediaType(mediaType: string): Compression | undefined {
  const t = mediaType.split(';')[0]!.trim().toLowerCase();
  if (t.endsWith('+encrypted')) return undefined;
  const oci = /^application\/vnd\.oci\.image\.layer\.(?:nondistributable\.)?v1\.tar(\+gzip|\+zstd)?$/.exec(t);
  if (oci !== null) return oci[1] === '+gzip' ? 'gzip' : oci[1] === '+zstd' ? 'zstd' : 'none';
  const docker = /^application\/vnd\.docker\.image\.rootfs\.(?:foreign\.)?diff\.tar(\.gzip|\.zstd)?$/.exec(t);
  if (docker !== null) return docker[1] === '.gzip' ? 'gzip' : docker[1] === '.zstd' ? 'zstd' : 'none';
  return undefined;
}

/** Compression recognised from the first bytes of a blob; undefined when nothing matches. */
export function sniffCompression(head: Buffer): Compression | undefined {
  if (startsWith(head, GZIP_MAGIC)) return 'gzip';
  if (startsWith(head, ZSTD_MAGIC)) return 'zstd';
  // A tar stream: "ustar" magic, or an empty archive (all zero blocks).
  if (head.length >= 262 && head.toString('latin1', 257, 262) === 'ustar') return 'none';
  if (head.length === 0 || head.every((b) => b === 0)) return 'none';
  return undefined;
}

/** Decides how to decompress a blob from its media type and its first bytes. */
export function chooseCompression(mediaType: string, head: Buffer, layerDigest: string): Compression {
  const declared = mediaType === '' ? undefined : compressionFromMediaType(mediaType);
  if (mediaType !== '' && declared === undefined) {
    throw new ImageError(ErrorCode.LayerFormat, `layer ${layerDigest} has media type '${mediaType}', which is not a ` +
      'supported layer type (tar, tar+gzip, tar+zstd); encrypted and non-tar layers cannot be unpacked');
  }
  const sniffed = sniffCompression(head);
  if (sniffed !== undefined) return sniffed;
  if (declared !== undefined) return declared; // e.g. a v7 tar without magic; the tar parser checks further
  throw new ImageError(ErrorCode.LayerFormat, `layer ${layerDigest} is neither gzip, zstd nor tar (first bytes ` +
    `${head.subarray(0, 8).toString('hex')}); the blob is not a layer`);
}

/** Decompressed bytes zlib may buffer ahead of the consumer, so it keeps decoding while the consumer writes. */
export const READ_AHEAD_BYTES = 4 * IO_CHUNK_BYTES;

export function createDecompressor(c: Compression): Transform | null {
  const options = { chunkSize: IO_CHUNK_BYTES, readableHighWaterMark: READ_AHEAD_BYTES };
  if (c === 'gzip') return createGunzip(options);
  if (c === 'zstd') return createZstdDecompress(options);
  return null;
}

export interface LayerStreamOptions {
  mediaType: string;
  layerDigest: string;
  maxUncompressedBytes?: number | undefined;
  signal?: AbortSignal | undefined;
  /** Compute the diffID here (default). The worker pool hashes in the worker instead, see worker-pool.ts. */
  hash?: boolean | undefined;
  /** The blob's bytes from elsewhere than `blobPath` (a blob still downloading, BlobWriter.follow). */
  source?: AsyncIterable<Uint8Array> | undefined;
}

export interface LayerDigestResult {
  /** '' when the stream was opened with hash: false. */
  diffId: string;
  compressedBytes: number;
  uncompressedBytes: number;
}

export interface LayerStream {
  compression: Compression;
  /** Uncompressed tar chunks; throws SIZE_LIMIT past the cap. */
  chunks: AsyncIterable<Buffer>;
  /** The diffID and byte counts; valid once `chunks` is exhausted. */
  result(): LayerDigestResult;
}

export async function openLayerStream(blobPath: string, o: LayerStreamOptions): Promise<LayerStream> {
  const { head, input, close } = o.source === undefined ? await fileInput(blobPath, o.signal) : await sourceInput(o.source);
  let compression: Compression;
  try {
    compression = chooseCompression(o.mediaType, head, o.layerDigest);
  } catch (err) {
    await close();
    throw err;
  }
  const max = o.maxUncompressedBytes ?? DEFAULT_MAX_UNCOMPRESSED_BYTES;
  const hash = o.hash === false ? null : createHash('sha256');
  let compressedBytes = 0;
  let uncompressedBytes = 0;
  let finished = false;
  let diffId = '';

  async function* chunks(): AsyncGenerator<Buffer> {
    const src = input();
    const dec = createDecompressor(compression);
    const out: Readable = dec === null ? src : pipeline(src, dec, () => {});
    for await (const chunk of chunksOf(out)) {
      uncompressedBytes += chunk.length;
      if (uncompressedBytes > max) {
        throw new ImageError(ErrorCode.SizeLimit, `layer ${o.layerDigest} decompresses to more than ${max} bytes ` +
          '(limit maxUncompressedBytes); refusing it as a possible decompression bomb (raise the limit if the image is trusted)');
      }
      hash?.update(chunk);
      yield chunk;
    }
    compressedBytes = src.bytes();
    finished = true;
  }

  return {
    compression,
    chunks: chunks(),
    result() {
      if (!finished) throw new Error('layer stream not finished');
      if (hash !== null) diffId ||= `sha256:${hash.digest('hex')}`;
      return { diffId, compressedBytes, uncompressedBytes };
    },
  };
}

interface Input {
  /** The first bytes (up to 512), to recognise the compression. */
  head: Buffer;
  /** Opens the whole blob as a stream; `bytes()` counts what it read. */
  input: () => Readable & { bytes: () => number };
  /** Releases the input when `input` is not going to be called. */
  close: () => Promise<void>;
}

async function fileInput(blobPath: string, signal: AbortSignal | undefined): Promise<Input> {
  const head = Buffer.alloc(512);
  const fh = await open(blobPath, 'r');
  let headLen: number;
  try {
    headLen = (await fh.read(head, 0, head.length, 0)).bytesRead;
  } finally {
    await fh.close();
  }
  return {
    head: head.subarray(0, headLen),
    input: () => {
      const src = createReadStream(blobPath, { highWaterMark: IO_CHUNK_BYTES, signal });
      return Object.assign(src, { bytes: () => src.bytesRead });
    },
    close: async () => {},
  };
}

/** Reads ahead to the first 512 bytes of `source`, then hands out all of it as one stream. */
async function sourceInput(source: AsyncIterable<Uint8Array>): Promise<Input> {
  const it = source[Symbol.asyncIterator]();
  const first: Buffer[] = [];
  let headLen = 0;
  let done = false;
  while (headLen < 512) {
    const r = await it.next();
    if (r.done === true) {
      done = true;
      break;
    }
    first.push(Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength));
    headLen += r.value.byteLength;
  }
  let bytes = 0;
  async function* all(): AsyncGenerator<Buffer> {
    try {
      for (const b of first) {
        bytes += b.byteLength;
        yield b;
      }
      for (let r = done ? undefined : await it.next(); r !== undefined && r.done !== true; r = await it.next()) {
        bytes += r.value.byteLength;
        yield Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
      }
    } finally {
      // Closes the source (its file) when the consumer stops early.
      await it.return?.();
    }
  }
  return {
    head: Buffer.concat(first).subarray(0, 512),
    input: () => Object.assign(Readable.from(all(), { objectMode: false }), { bytes: () => bytes }),
    close: async () => {
      await it.return?.();
    },
  };
}

function startsWith(b: Buffer, magic: number[]): boolean {
  return b.length >= magic.length && magic.every((m, i) => b[i] === m);
}
