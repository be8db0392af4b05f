// Early writeback: every WRITEBACK_BYTES a blob writer starts an fdatasync on libuv's thread pool
// and goes on writing. The disk then flushes while the rest of the blob downloads, so the fsync
// that commit needs before its rename (ingest.ts) finds little left to do. On the debian bench
// image (one 51 MB layer) that final fsync took ~100 ms of a ~500 ms pull; 2, 4 and 8 MiB
// measured alike, 4 MiB keeps journal commits few. Used by both places that write blob bytes:
// BlobWriter itself and the hashing worker (hash-worker.ts).
export const WRITEBACK_BYTES = 4 << 20;

export class EarlyWriteback {
  readonly #sync: () => Promise<void>;
  #unsynced = 0;
  #inFlight: Promise<void> | undefined;

  /** `sync` flushes the file's data (FileHandle.datasync, or fdatasync on its fd). */
  constructor(sync: () => Promise<void>) {
    this.#sync = sync;
  }

  /** Counts bytes just written; starts a flush when enough are pending and none is running. */
  wrote(bytes: number): void {
    this.#unsynced += bytes;
    if (this.#inFlight !== undefined || this.#unsynced < WRITEBACK_BYTES) return;
    this.#unsynced = 0;
    // Errors are not reported here: commit's own fsync reports them.
    this.#inFlight = this.#sync().then(
      () => (this.#inFlight = undefined),
      () => (this.#inFlight = undefined),
    );
  }

  /**
   * Settles when no flush runs. Await it before the file is synced for good or closed: a flush
   * started after its fd was closed and the number reused would sync another file.
   */
  async settled(): Promise<void> {
    await this.#inFlight;
  }
}
