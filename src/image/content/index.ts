// The content store: an OCI image layout on disk (blobs, index.json) plus Ferry's pull records.
export { ContentStore, DEFAULT_READ_LIMIT, type SignalOption } from './store.ts';
export { BlobWriter } from './ingest.ts';
export { collectGarbage, DEFAULT_GC_GRACE_MS, type GcOptions, type GcResult } from './gc.ts';
export { STALE_INGEST_MS } from './ingest-cleanup.ts';
export { LOCK_POLL_MS } from './lock.ts';
export { IMAGE_LAYOUT_VERSION } from './layout.ts';
export type { IndexEntry } from './index-file.ts';
export type { ImageRecord, RecordPullOptions } from './records.ts';
export {
  MediaType,
  REF_NAME_ANNOTATION,
  type BlobDescriptor,
  type CommittedBlob,
  type Descriptor,
  type ExistingBlob,
  type Platform,
} from './types.ts';
