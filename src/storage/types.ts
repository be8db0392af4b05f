// The storage contract, in the spirit of kine (https://github.com/k3s-io/kine): a revisioned
// key-value store with watch. The apiserver needs nothing more, so an etcd implementation is a
// drop-in; `test/storage-contract.ts` runs the same suite against every implementation.
//
// Revisions are one cluster-wide, strictly increasing counter: every create, update and delete
// takes the next one, like etcd's `mod_revision`. A key's `createRevision` is the revision of the
// create that made it; deleting and re-creating a key gives it a new `createRevision`.

export interface KeyValue {
  key: string;
  value: Uint8Array;
  createRevision: number;
  modRevision: number;
}

export type WatchEvent =
  | { type: 'put'; kv: KeyValue; prevKv?: KeyValue }
  /** `kv.modRevision` is the revision of the delete; `kv.value` the value it had. */
  | { type: 'delete'; kv: KeyValue; prevKv: KeyValue };

export interface ListOptions {
  /**
   * Read as of this revision (0 or absent: the newest). Older than the compacted revision: `Compacted`;
   * newer than the current revision: `FutureRevision` (a snapshot that does not exist yet).
   */
  revision?: number;
  /** At most this many items (0 or absent: no limit); `more` tells whether there were others after them. */
  limit?: number;
  /** Resume after this key (exclusive), for paging. */
  startAfter?: string;
}

export interface ListResult {
  items: KeyValue[];
  /** The revision the list was read at: a watch from here misses nothing and repeats nothing. */
  revision: number;
  more: boolean;
}

export interface WatchOptions {
  /** Deliver every event with a revision greater than this. Older than the compacted revision: `Compacted`. */
  afterRevision: number;
  onEvent: (event: WatchEvent) => void;
  /**
   * Called once if the watch ends from the store's side (store closed: a `Closed` error; watcher too
   * slow; history compacted while it was being replayed: `Compacted`). Not called after `cancel()`.
   */
  onClose?: (error?: StorageError) => void;
}

export interface Watch {
  cancel(): void;
}

export interface KeyValueStore {
  /** The newest revision written (0 for an empty store). */
  currentRevision(): Promise<number>;
  get(key: string): Promise<KeyValue | undefined>;
  /**
   * Keys starting with `prefix` (a plain string prefix: `/a/b` also matches `/a/bc`, so pass `/a/b/`),
   * sorted by key: by the keys' UTF-8 bytes, as etcd sorts them.
   */
  list(prefix: string, options?: ListOptions): Promise<ListResult>;
  count(prefix: string): Promise<number>;
  /** Fails with `KeyExists` when the key is present. */
  create(key: string, value: Uint8Array): Promise<KeyValue>;
  /** Fails with `NotFound`, or with `Conflict` when the key's modRevision is not `expectedModRevision`. */
  update(key: string, value: Uint8Array, expectedModRevision: number): Promise<KeyValue>;
  /** Returns the deleted value with the delete's revision as modRevision. `expectedModRevision` as in update. */
  delete(key: string, expectedModRevision?: number): Promise<KeyValue>;
  /** Watch keys starting with `prefix`. Events arrive in revision order with no gap. */
  watch(prefix: string, options: WatchOptions): Watch;
  /**
   * Forget history at and below `revision`; current values stay. At or below the compacted revision: a
   * no-op; above the current revision: `FutureRevision`.
   */
  compact(revision: number): Promise<void>;
  /** The revision history is kept above (0 if never compacted). */
  compactedRevision(): Promise<number>;
  close(): Promise<void>;
}

export const StorageErrorCode = {
  KeyExists: 'KEY_EXISTS',
  NotFound: 'NOT_FOUND',
  Conflict: 'CONFLICT',
  Compacted: 'COMPACTED',
  Closed: 'CLOSED',
  Corrupt: 'CORRUPT',
  /** A revision newer than the current one was asked for (etcd's ErrFutureRev). `revision`: the current one. */
  FutureRevision: 'FUTURE_REVISION',
  Unavailable: 'UNAVAILABLE',
} as const;
export type StorageErrorCode = (typeof StorageErrorCode)[keyof typeof StorageErrorCode];

export class StorageError extends Error {
  override readonly name = 'StorageError';
  readonly code: StorageErrorCode;
  /** For Conflict: the key's current modRevision. For Compacted: the compacted revision. For FutureRevision: the current revision. */
  readonly revision: number | undefined;
  constructor(code: StorageErrorCode, message: string, options: { cause?: unknown; revision?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.revision = options.revision;
  }
}
