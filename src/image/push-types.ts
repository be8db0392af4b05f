// What a push needs from its collaborators and what it reports. The content store implements
// PushStore; the push owns the interface so that it asks for no more than it uses.
import type { Credential } from './credential.ts';
import type { RegistrySettings } from './registry/hosts.ts';
import type { Descriptor } from './registry/manifest.ts';
import type { RetryPolicy } from './registry/retry.ts';

export interface PushStore {
  /** Layout directory, named in "not stored" messages. */
  readonly root?: string;
  resolve(ref: string): Promise<(Descriptor & { annotations?: Record<string, string> }) | undefined>;
  has(digest: string): Promise<boolean>;
  readBlob(digest: string, options?: { maxBytes?: number }): Promise<Buffer>;
  blobPath(digest: string): string;
}

export interface PushOptions {
  store: PushStore;
  /** Credentials that match the destination, in the order to try them (Keyring.lookup). Empty: anonymous. */
  credentials?: Credential[] | undefined;
  settings?: RegistrySettings | undefined;
  /**
   * When the source was pulled from a multi-platform index (only its platform's image is tagged),
   * push that index and every platform image instead. Each of them must be stored.
   */
  allPlatforms?: boolean | undefined;
  /**
   * Repositories on the destination registry that may hold the blobs (say, earlier pushes of the
   * same base image), tried for a cross-repository mount. The source repository is tried first
   * when it is on the destination registry.
   */
  mountFrom?: readonly string[] | undefined;
  maxConcurrentUploads?: number | undefined;
  /** Upload in PATCH chunks of this many bytes instead of one PUT per blob. */
  chunkSize?: number | undefined;
  retry?: RetryPolicy | undefined;
  signal?: AbortSignal | undefined;
  onEvent?: ((e: PushEvent) => void) | undefined;
}

export interface PushCounts {
  /** Uploaded. */
  pushed: number;
  /** Linked from another repository on the destination registry. */
  mounted: number;
  /** Already in the destination repository. */
  skipped: number;
}

export interface PushResult {
  /** Canonical source reference, as stored. */
  source: string;
  /** Canonical destination reference. */
  reference: string;
  /** Digest of the pushed manifest or index: the same as in the content store. */
  digest: string;
  mediaType: string;
  /** Bytes of every blob and manifest the image consists of. */
  size: number;
  /** Bytes actually uploaded. */
  uploadedBytes: number;
  blobs: PushCounts;
  manifests: { pushed: number; skipped: number };
}

export type BlobPushStatus = 'Preparing' | 'Pushing' | 'Pushed' | 'Mounted' | 'Layer already exists' | 'Foreign layer skipped';

export type PushEvent =
  | { type: 'resolved'; source: string; reference: string; digest: string; mediaType: string }
  | { type: 'blob'; digest: string; status: BlobPushStatus; bytes: number; total: number; from?: string }
  | { type: 'manifest'; digest: string; reference: string; status: 'Pushed' | 'Already exists' }
  | { type: 'done'; reference: string; digest: string; blobs: PushCounts };
