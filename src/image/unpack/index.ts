// Layer unpacking: layer blobs -> per-layer snapshot directories (overlayfs lowers), or a merged rootfs.
export { IN_PROCESS_MAX_BLOB_BYTES, SnapshotStore, chainIds } from './snapshots.ts';
export type { SnapshotInfo, SnapshotStoreOptions, UnpackLayerRequest } from './snapshots.ts';
export { MAX_INFLIGHT_CHUNKS, WorkerPool } from './worker-pool.ts';
export { extractLayer } from './extract-layer.ts';
export { materializeLayers } from './materialize.ts';
export type { MaterializeJob, MaterializeLayer, MaterializeResult } from './materialize.ts';
export { chooseCompression, compressionFromMediaType, openLayerStream, sniffCompression } from './decompress.ts';
export type { LayerStream, LayerStreamOptions } from './decompress.ts';
export { TarReader } from './tar-reader.ts';
export type { EntryType, TarHeader, TarSink } from './tar-reader.ts';
export { displayPath } from './entry-path.ts';
export { DEFAULT_MAX_ENTRIES, DEFAULT_MAX_UNCOMPRESSED_BYTES } from './types.ts';
export type {
  Compression, ExtractLayerJob, ExtractLayerResult, ExtractStats, LowerHardlink, StageTimings, UnpackLimits,
} from './types.ts';
