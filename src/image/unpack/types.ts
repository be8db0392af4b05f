// Shared types and limits of the unpack engine. Paths in results are byte strings (latin1, one
// char per byte, see tar-reader.ts) relative to the layer root, so non-UTF-8 names round-trip;
// use displayPath() to show them.

/** Default cap on the uncompressed tar stream of one layer: far above real layers (big base images are a few GiB). */
export const DEFAULT_MAX_UNCOMPRESSED_BYTES = 64 * 1024 ** 3;
/** Default cap on entries in one layer: the largest real layers have a few hundred thousand. */
export const DEFAULT_MAX_ENTRIES = 5_000_000;

export interface UnpackLimits {
  /** Uncompressed tar bytes per layer; beyond it the layer fails with SIZE_LIMIT. */
  maxUncompressedBytes?: number;
  /** Tar entries per layer; beyond it the layer fails with SIZE_LIMIT. */
  maxEntries?: number;
}

export interface LowerHardlink {
  /** The link made by this layer. */
  path: string;
  /** Its target, which is in a lower layer. */
  target: string;
}

export interface ExtractStats {
  entries: number;
  files: number;
  /** Sum of regular file sizes. */
  fileBytes: number;
  dirs: number;
  symlinks: number;
  hardlinks: number;
  /** Device nodes and fifos. */
  specials: number;
  /** Paths this layer deletes from the layers below (OCI `.wh.<name>`). */
  whiteouts: string[];
  /** Directories whose lower contents this layer hides (OCI `.wh..wh..opq`, or a whiteout plus a new directory). */
  opaqueDirs: string[];
  /** Hard links to files of lower layers; the snapshot store turns them into copies. */
  lowerHardlinks: LowerHardlink[];
  /** Extended attributes from the layer (path -> name -> base64 value); Node cannot read them back from disk. */
  xattrs: Record<string, Record<string, string>>;
  /** Things not reproduced exactly (skipped device nodes, unapplied xattrs, ownership as non-root). */
  notes: string[];
  /** True when whiteouts and opaque directories are on disk in overlayfs form, so the dir can be an overlay lower. */
  overlayReady: boolean;
}

export type Compression = 'gzip' | 'zstd' | 'none';

export interface ExtractLayerJob {
  blobPath: string;
  mediaType: string;
  /** Layer (blob) digest, for messages. */
  layerDigest: string;
  /** Existing empty directory that receives the layer's files. */
  target: string;
  /** Scratch file path outside `target`. */
  scratchFile: string;
  limits?: UnpackLimits | undefined;
}

export interface StageTimings {
  /** Wall time of the whole extraction. */
  totalMs: number;
  /** Time spent in the tar parser and fs calls (the rest is waiting for decompressed data). */
  writeMs: number;
  /** Time spent applying deferred entries and directory metadata at the end. */
  finishMs: number;
}

export interface ExtractLayerResult extends ExtractStats {
  /** sha256 of the uncompressed tar, "sha256:<hex>". */
  diffId: string;
  compression: Compression;
  compressedBytes: number;
  uncompressedBytes: number;
  timings: StageTimings;
}
