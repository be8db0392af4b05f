// Per-layer snapshots, overlayfs style: `<root>/<chainID hex>/fs` holds one layer's diff and
// `meta.json` what a merge needs (parent, whiteouts, opaque dirs). The id is the OCI chainID,
// https://github.com/opencontainers/image-spec/blob/main/config.md#layer-chainid, so a layer
// shared by two images with the same lower layers is unpacked once.
//
// Layers unpack in parallel into `<id>.tmp-<random>` and become visible by one rename once the
// diffID has been verified. Two unpacks of one id in this process share a promise; across
// processes the first rename wins and the loser deletes its copy. Nothing is fsynced: like podman
// and GNU tar, a crash can leave a committed snapshot with unwritten data (run `sync` if needed).

import { chainIds } from '../chain-id.ts';
import { mkdir, readFile, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, ImageError } from '../errors.ts';
import { extractLayer } from './extract-layer.ts';
import { removeTree, tempSuffix } from './fs-util.ts';
import { resolveLowerHardlinks } from './lower-links.ts';
import type { LowerLayerView } from './lower-links.ts';
import { materializeLayers } from './materialize.ts';
import type { MaterializeJob, MaterializeResult } from './materialize.ts';
import { WorkerPool } from './worker-pool.ts';
import type { ExtractLayerJob, ExtractLayerResult, ExtractStats, StageTimings, UnpackLimits } from './types.ts';

const DIGEST = /^sha256:([0-9a-f]{64})$/;
/** Blobs up to this size are extracted in the calling thread: starting a worker costs more than they take. */
export const IN_PROCESS_MAX_BLOB_BYTES = 4 * 1024 * 1024;
const META_VERSION = 1;

export interface UnpackLayerRequest {
  blobPath: string;
  mediaType: string;
  /** Expected diffID from the image config's rootfs.diff_ids; the unpack fails with DIGEST_MISMATCH otherwise. */
  diffId: string;
  layerDigest: string;
  chainId: string;
  /** Chain ID of the layers below; absent for the bottom layer. */
  parentChainId?: string | undefined;
  limits?: UnpackLimits | undefined;
  signal?: AbortSignal | undefined;
  /**
   * The blob's bytes while it downloads (BlobWriter.follow), so the unpack overlaps the download.
   * It must end only once the blob is verified and throw if the download fails; the snapshot is
   * committed after its end. Without it the unpack reads `blobPath`.
   */
  source?: AsyncIterable<Uint8Array> | undefined;
  /** The blob's size, when known (it decides between this thread and a worker). */
  size?: number | undefined;
}

export interface SnapshotInfo extends ExtractStats {
  chainId: string;
  parentChainId: string | null;
  diffId: string;
  layerDigest: string;
  mediaType: string;
  /** Snapshot directory; the layer's files are in `fsPath`. */
  path: string;
  fsPath: string;
  /** Uncompressed tar bytes. */
  size: number;
  compressedSize: number;
  created: string;
  timings?: StageTimings | undefined;
}

export interface SnapshotStoreOptions {
  /** Pool for extraction; default: a pool with one worker per core. `false` runs in the calling thread. */
  pool?: WorkerPool | false;
  /** Blobs up to this many bytes skip the pool (default IN_PROCESS_MAX_BLOB_BYTES). */
  inProcessMaxBlobBytes?: number;
}

export { chainIds };

export class SnapshotStore {
  readonly root: string;
  readonly #pool: WorkerPool | null;
  readonly #ownsPool: boolean;
  readonly #inProcessMax: number;
  readonly #inflight = new Map<string, Promise<SnapshotInfo>>();

  private constructor(root: string, options: SnapshotStoreOptions) {
    this.root = root;
    this.#ownsPool = options.pool === undefined;
    this.#inProcessMax = options.inProcessMaxBlobBytes ?? IN_PROCESS_MAX_BLOB_BYTES;
    this.#pool = options.pool === false ? null : (options.pool ?? new WorkerPool());
  }

  static async open(root: string, options: SnapshotStoreOptions = {}): Promise<SnapshotStore> {
    await mkdir(root, { recursive: true, mode: 0o700 });
    return new SnapshotStore(root, options);
  }

  async has(chainId: string): Promise<boolean> {
    return (await this.get(chainId)) !== undefined;
  }

  async get(chainId: string): Promise<SnapshotInfo | undefined> {
    const dir = this.#dir(chainId);
    let text: string;
    try {
      text = await readFile(join(dir, 'meta.json'), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    const { version: _version, ...meta } = JSON.parse(text) as Omit<SnapshotInfo, 'path' | 'fsPath'> & { version: number };
    return { ...meta, path: dir, fsPath: join(dir, 'fs') };
  }

  /** Unpacks one layer into its snapshot unless it exists. Idempotent and safe to call concurrently. */
  unpackLayer(req: UnpackLayerRequest): Promise<SnapshotInfo> {
    try {
      this.#checkChain(req);
    } catch (err) {
      return Promise.reject(err);
    }
    let p = this.#inflight.get(req.chainId);
    if (p === undefined) {
      p = this.#unpack(req).finally(() => this.#inflight.delete(req.chainId));
      this.#inflight.set(req.chainId, p);
    }
    return p;
  }

  /** Snapshot fs dirs from `chainId` down to the bottom layer, top first (overlayfs lowerdir order). */
  async lowerDirs(chainId: string): Promise<string[]> {
    return (await this.#chain(chainId)).map((s) => s.fsPath);
  }

  /**
   * Builds a merged rootfs at `target` (which must not exist) by copying the chain bottom-up and
   * applying whiteouts and opaque directories; for hosts without overlayfs.
   */
  async materialize(chainId: string, target: string, options: { signal?: AbortSignal } = {}): Promise<MaterializeResult> {
    const chain = (await this.#chain(chainId)).reverse();
    const tmp = `${target}.tmp-${tempSuffix()}`;
    await mkdir(tmp, { mode: 0o755 });
    const job: MaterializeJob = {
      layers: chain.map((s) => ({ fsDir: s.fsPath, whiteouts: s.whiteouts, opaqueDirs: s.opaqueDirs, xattrs: s.xattrs })),
      target: tmp,
      scratchFile: `${tmp}.batch.tar`,
    };
    try {
      const result = this.#pool === null ? materializeLayers(job) : await this.#pool.materialize(job, options.signal);
      await rename(tmp, target);
      return result;
    } catch (err) {
      await removeTree(tmp).catch(() => {});
      await removeTree(job.scratchFile).catch(() => {});
      throw err;
    }
  }

  async list(): Promise<SnapshotInfo[]> {
    const out: SnapshotInfo[] = [];
    for (const name of await readdir(this.root)) {
      if (!/^[0-9a-f]{64}$/.test(name)) continue;
      const info = await this.get(`sha256:${name}`);
      if (info !== undefined) out.push(info);
    }
    return out;
  }

  /**
   * Deletes a snapshot. Snapshots above it (whose chain includes it) stay but can no longer be
   * mounted or materialized; garbage collection removes whole chains.
   */
  async remove(chainId: string): Promise<void> {
    const dir = this.#dir(chainId);
    const doomed = `${dir}.rm-${tempSuffix()}`;
    try {
      await rename(dir, doomed);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    await removeTree(doomed);
  }

  /** Deletes temporary directories left by crashed unpacks older than `maxAgeMs`. */
  async removeStaleTemp(maxAgeMs = 24 * 3600 * 1000): Promise<number> {
    let n = 0;
    for (const name of await readdir(this.root)) {
      if (!/\.(tmp|rm)-[0-9a-f]+$/.test(name)) continue;
      const p = join(this.root, name);
      const st = await stat(p).catch(() => null);
      if (st !== null && Date.now() - st.mtimeMs > maxAgeMs) {
        await removeTree(p);
        n++;
      }
    }
    return n;
  }

  /**
   * Starts the extraction workers these layers will use, ahead of their unpack (see
   * WorkerPool.warmUp): one per layer too large for this thread, up to the pool's size; without
   * layers, one (a pull that does not know its layers yet). A worker costs ~50 ms of CPU to
   * start, which a one-layer image should not pay twice.
   */
  warmUp(layers?: readonly { size: number }[]): void {
    this.#pool?.warmUp(layers === undefined ? 1 : layers.filter((l) => l.size > this.#inProcessMax).length);
  }

  async close(): Promise<void> {
    if (this.#ownsPool) await this.#pool?.close();
  }

  async #unpack(req: UnpackLayerRequest): Promise<SnapshotInfo> {
    const existing = await this.get(req.chainId);
    if (existing !== undefined) return existing;
    const final = this.#dir(req.chainId);
    const tmp = `${final}.tmp-${tempSuffix()}`;
    const fsDir = join(tmp, 'fs');
    await mkdir(tmp, { mode: 0o700 });
    try {
      await mkdir(fsDir, { mode: 0o755 });
      const job: ExtractLayerJob = {
        blobPath: req.blobPath,
        mediaType: req.mediaType,
        layerDigest: req.layerDigest,
        target: fsDir,
        scratchFile: join(tmp, 'special.tar'),
        limits: req.limits,
      };
      const size = req.size ?? (req.source === undefined ? (await stat(req.blobPath)).size : Infinity);
      const inProcess = this.#pool === null || size <= this.#inProcessMax;
      const r: ExtractLayerResult = inProcess ? await extractLayer(job, req.signal, req.source) : await this.#pool!.extract(job, req.signal, req.source);
      if (r.diffId !== req.diffId) {
        throw new ImageError(ErrorCode.DigestMismatch, `layer ${req.layerDigest} uncompresses to diffID ${r.diffId}, but the ` +
          `image config lists ${req.diffId}; the layer or the config is corrupt or tampered with (pull the image again)`);
      }
      if (r.lowerHardlinks.length > 0) {
        resolveLowerHardlinks(fsDir, r.lowerHardlinks, await this.#lowerViews(req), req.layerDigest);
      }
      const { diffId: _d, compressedBytes, uncompressedBytes, compression: _c, timings, ...stats } = r;
      const info: SnapshotInfo = {
        ...stats,
        chainId: req.chainId,
        parentChainId: req.parentChainId ?? null,
        diffId: req.diffId,
        layerDigest: req.layerDigest,
        mediaType: req.mediaType,
        path: final,
        fsPath: join(final, 'fs'),
        size: uncompressedBytes,
        compressedSize: compressedBytes,
        created: new Date().toISOString(),
        timings,
      };
      const { path: _p, fsPath: _f, ...meta } = info;
      await writeFile(join(tmp, 'meta.json'), `${JSON.stringify({ version: META_VERSION, ...meta }, null, 1)}\n`, { mode: 0o644 });
      try {
        await rename(tmp, final);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
        // Another process committed the same snapshot first; its copy is equivalent.
        await removeTree(tmp);
        const winner = await this.get(req.chainId);
        if (winner !== undefined) return winner;
        throw err;
      }
      return info;
    } catch (err) {
      await removeTree(tmp).catch(() => {});
      throw err;
    }
  }

  /** Lower layers for resolving hard links, waiting for parents still being unpacked in this process. */
  async #lowerViews(req: UnpackLayerRequest): Promise<LowerLayerView[]> {
    if (req.parentChainId === undefined) return [];
    await this.#inflight.get(req.parentChainId)?.catch(() => undefined);
    return (await this.#chain(req.parentChainId, req.layerDigest)).map((s) => ({
      fsDir: s.fsPath,
      whiteouts: new Set(s.whiteouts),
      opaqueDirs: new Set(s.opaqueDirs),
    }));
  }

  async #chain(chainId: string, forLayer?: string): Promise<SnapshotInfo[]> {
    const out: SnapshotInfo[] = [];
    let id: string | null = chainId;
    while (id !== null) {
      const pending = this.#inflight.get(id);
      const info: SnapshotInfo | undefined = (pending === undefined ? undefined : await pending.catch(() => undefined)) ?? await this.get(id);
      if (info === undefined) {
        throw new ImageError(ErrorCode.NotFound, `snapshot ${id} is not unpacked${forLayer === undefined ? '' : ` (needed by layer ${forLayer}, which hard-links into it)`}; ` +
          'unpack the image\'s lower layers first');
      }
      out.push(info);
      id = info.parentChainId;
    }
    return out;
  }

  #checkChain(req: UnpackLayerRequest): void {
    for (const [field, v] of [['chainId', req.chainId], ['diffId', req.diffId], ['parentChainId', req.parentChainId ?? 'sha256:' + '0'.repeat(64)]] as const) {
      if (!DIGEST.test(v)) throw new ImageError(ErrorCode.InvalidArgument, `unpackLayer: ${field} '${v}' is not a sha256 digest`);
    }
    const expected = chainIds(req.parentChainId === undefined ? [req.diffId] : [req.parentChainId, req.diffId]).at(-1);
    // chainIds() treats its first element as a chain ID already, which is what parentChainId is.
    if (expected !== req.chainId) {
      throw new ImageError(ErrorCode.InvalidArgument, `unpackLayer: chainId ${req.chainId} does not match parent ` +
        `${req.parentChainId ?? '(none)'} and diffID ${req.diffId} (expected ${expected})`);
    }
  }

  #dir(chainId: string): string {
    const m = DIGEST.exec(chainId);
    if (m === null) throw new ImageError(ErrorCode.InvalidArgument, `snapshot id '${chainId}' is not a sha256 chain ID`);
    return join(this.root, m[1]!);
  }
}
