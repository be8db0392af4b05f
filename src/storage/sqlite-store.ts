// The embedded store: one SQLite file, opened with Node's built-in `node:sqlite` (no npm package).
// Its log layout is in sqlite-schema.ts, durability in sqlite-open.ts, group commit in
// write-batcher.ts, watch fan-out and replay in watch-hub.ts.
//
// Values handed out (results and watch events) are shared, not copied per consumer: treat them as
// read-only. A value passed to create/update is copied when the call is made.
//
// Reads run synchronously on the same connection, so a read sees every acknowledged write and a list
// is one consistent snapshot. They block the event loop for as long as the query takes (a list of
// 10,000 keys: a few milliseconds).
//
// Compaction removes, for revisions at and below the target, every row that is not the newest row of
// its key (and that newest row too when it is a delete): the state at the compacted revision is kept
// exactly, so `list` at it still works, and every row above it still has its previous row (which a
// watch's prevKv needs).
import type { DatabaseSync } from 'node:sqlite';
import { setImmediate as yieldTurn } from 'node:timers/promises';
import { checkKey, checkPrefix, checkRevision, checkValue, compareKeys, prefixEnd } from './keys.ts';
import { openDatabase } from './sqlite-open.ts';
import type { OpenDatabase } from './sqlite-open.ts';
import { COMPACTED } from './sqlite-schema.ts';
import type { Row, Statements } from './sqlite-schema.ts';
import { closedError, compactedError, futureError, sqliteError } from './store-errors.ts';
import { StorageError, StorageErrorCode } from './types.ts';
import type { KeyValue, KeyValueStore, ListOptions, ListResult, Watch, WatchOptions } from './types.ts';
import { WatchHub } from './watch-hub.ts';
import { WriteBatcher } from './write-batcher.ts';
import type { WriteOp } from './write-batcher.ts';

export interface SqliteStoreOptions {
  /** See sqlite-open.ts. Default 'full': acknowledged writes survive power loss too. */
  synchronous?: 'full' | 'normal';
  /** Most writes committed in one transaction. Default 1000. */
  maxBatch?: number;
  /** Log rows read per step when a watch replays history. Default 1000. */
  replayPageSize?: number;
  /** Revisions compacted per transaction (the event loop runs between them). Default 10,000. */
  compactChunk?: number;
}

/** Opens (creating if needed) the store in the SQLite file at `path`. The file is created with mode 0600. */
export async function openSqliteStore(path: string, options: SqliteStoreOptions = {}): Promise<SqliteStore> {
  return SqliteStore.open(path, options);
}

export class SqliteStore implements KeyValueStore {
  readonly path: string;
  readonly #db: DatabaseSync;
  readonly #stmt: Statements;
  readonly #compactChunk: number;
  readonly #writes: WriteBatcher;
  readonly #watches: WatchHub;
  #compacted: number;
  #closed = false;
  #compacting: Promise<void> = Promise.resolve();

  private constructor(path: string, { db, statements, revision, compacted }: OpenDatabase, options: SqliteStoreOptions) {
    this.path = path;
    this.#db = db;
    this.#stmt = statements;
    this.#compactChunk = options.compactChunk ?? 10_000;
    this.#compacted = compacted;
    this.#watches = new WatchHub({
      history: statements.history,
      pageSize: options.replayPageSize ?? 1000,
      revision: () => this.#writes.revision,
      compacted: () => this.#compacted,
    });
    this.#writes = new WriteBatcher({
      db,
      statements,
      revision,
      maxBatch: options.maxBatch ?? 1000,
      publish: (events) => this.#watches.publish(events),
    });
  }

  static open(path: string, options: SqliteStoreOptions = {}): SqliteStore {
    const synchronous = options.synchronous ?? 'full';
    if (synchronous !== 'full' && synchronous !== 'normal') throw new TypeError(`synchronous must be 'full' or 'normal', got ${String(synchronous)}`);
    return new SqliteStore(path, openDatabase(path, synchronous), options);
  }

  async currentRevision(): Promise<number> {
    this.#checkOpen();
    return this.#writes.revision;
  }

  async compactedRevision(): Promise<number> {
    this.#checkOpen();
    return this.#compacted;
  }

  async get(key: string): Promise<KeyValue | undefined> {
    checkKey(key);
    this.#checkOpen();
    const row = this.#read('get', () => this.#stmt.latest.get(key) as Row | undefined);
    if (row === undefined || row.deleted) return undefined;
    return { key: row.name, value: row.value, createRevision: row.create_revision, modRevision: row.id };
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    checkPrefix(prefix);
    if (options.startAfter !== undefined) checkPrefix(options.startAfter);
    if (options.limit !== undefined) checkRevision('limit', options.limit, true);
    if (options.revision !== undefined) checkRevision('revision', options.revision, true);
    this.#checkOpen();
    const revision = this.#readRevision(options.revision);
    const limit = options.limit ? options.limit : -1;
    const end = prefixEnd(prefix);
    // The tighter of the two lower bounds, so the index range starts where the page does.
    const after = options.startAfter !== undefined && compareKeys(options.startAfter, prefix) >= 0 ? options.startAfter : undefined;
    const rows = this.#read('list', () =>
      (after === undefined
        ? this.#stmt.listFrom.all(prefix, end, revision, limit < 0 ? -1 : limit + 1)
        : this.#stmt.listAfter.all(after, end, revision, limit < 0 ? -1 : limit + 1)) as unknown as Row[],
    );
    const more = limit >= 0 && rows.length > limit;
    if (more) rows.length = limit;
    return {
      items: rows.map((r) => ({ key: r.name, value: r.value, createRevision: r.create_revision, modRevision: r.id })),
      revision,
      more,
    };
  }

  async count(prefix: string): Promise<number> {
    checkPrefix(prefix);
    this.#checkOpen();
    return this.#read('count', () => (this.#stmt.count.get(prefix, prefixEnd(prefix)) as { n: number }).n);
  }

  // async, so that bad arguments reject like every other failure; the write is still queued during the call.
  async create(key: string, value: Uint8Array): Promise<KeyValue> {
    checkKey(key);
    checkValue(value);
    // Copied now: the write runs later in this turn, and the caller may reuse its buffer meanwhile.
    return this.#enqueue({ kind: 'create', key, value: Uint8Array.prototype.slice.call(value) });
  }

  async update(key: string, value: Uint8Array, expectedModRevision: number): Promise<KeyValue> {
    checkKey(key);
    checkValue(value);
    checkRevision('expectedModRevision', expectedModRevision, true);
    return this.#enqueue({ kind: 'update', key, value: Uint8Array.prototype.slice.call(value), expected: expectedModRevision });
  }

  async delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    checkKey(key);
    if (expectedModRevision !== undefined) checkRevision('expectedModRevision', expectedModRevision, true);
    return this.#enqueue({ kind: 'delete', key, expected: expectedModRevision });
  }

  /**
   * Throws `Compacted` (synchronously, never through onClose) when `afterRevision` is below the
   * compacted revision, and `Closed` after close(). A compaction that overtakes a watch while it
   * replays history ends it through onClose with `Compacted`.
   */
  watch(prefix: string, options: WatchOptions): Watch {
    checkPrefix(prefix);
    checkRevision('afterRevision', options.afterRevision, true);
    if (typeof options.onEvent !== 'function') throw new TypeError('watch needs an onEvent callback');
    this.#checkOpen();
    if (options.afterRevision < this.#compacted) throw compactedError(options.afterRevision, this.#compacted);
    return this.#watches.add(prefix, options);
  }

  async compact(revision: number): Promise<void> {
    checkRevision('revision', revision, true);
    this.#checkOpen();
    if (revision > this.#writes.revision) throw futureError(revision, this.#writes.revision);
    // One compaction at a time; each runs in chunks so that writes and reads go on between them.
    const run = this.#compacting.then(() => this.#compactTo(revision));
    this.#compacting = run.catch(() => {});
    return run;
  }

  async close(): Promise<void> {
    // Let a close() called from a watch callback (in the middle of a commit's fan-out) start after it.
    await null;
    if (this.#closed) return;
    // Writes already accepted are committed, not dropped.
    this.#writes.close();
    this.#closed = true;
    this.#watches.close(() => new StorageError(StorageErrorCode.Closed, `store ${this.path} closed`));
    try {
      this.#db.close();
    } catch (err) {
      throw sqliteError(err, `close ${this.path}`);
    }
  }

  #enqueue(op: WriteOp): Promise<KeyValue> {
    if (this.#closed) return Promise.reject(closedError(this.path));
    return this.#writes.enqueue(op);
  }

  async #compactTo(target: number): Promise<void> {
    while (this.#compacted < target) {
      this.#checkOpen();
      const lo = this.#compacted;
      const hi = Math.min(target, lo + this.#compactChunk);
      try {
        this.#stmt.begin.run();
        try {
          this.#stmt.compact.run(lo, hi, hi, hi);
          this.#stmt.setMeta.run(COMPACTED, hi);
          this.#stmt.commit.run();
        } catch (err) {
          if (this.#db.isTransaction) this.#stmt.rollback.run();
          throw err;
        }
      } catch (err) {
        throw sqliteError(err, 'compact');
      }
      this.#compacted = hi;
      if (hi < target) await yieldTurn();
    }
  }

  #readRevision(requested: number | undefined): number {
    const current = this.#writes.revision;
    if (!requested) return current;
    if (requested < this.#compacted) throw compactedError(requested, this.#compacted);
    if (requested > current) throw futureError(requested, current);
    return requested;
  }

  #read<T>(what: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw sqliteError(err, what);
    }
  }

  #checkOpen(): void {
    if (this.#closed) throw closedError(this.path);
  }
}
