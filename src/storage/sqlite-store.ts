// The embedded store: one SQLite file, opened with Node's built-in `node:sqlite` (no npm package).
//
// Layout, after kine (k3s' SQLite backend, https://github.com/k3s-io/kine): ONE append-only log. Every
// create, update and delete appends a row whose id is the revision; a key's current value is its newest
// row, unless that row is a delete. Each row carries what a watch event needs (create revision, the
// previous revision and value), so history is replayed from the log alone:
//
//   id               revision of this write (AUTOINCREMENT: never reused, even after compaction)
//   name             the key
//   created          1 for a create (a fresh key, or one re-created after a delete)
//   deleted          1 for a delete; `value` then holds the value the key had
//   create_revision  the id of the create that made this incarnation of the key
//   prev_revision    the id of the key's previous row (0 for its first create)
//   value            the value after this write (BLOB)
//   old_value        for an update, the value before it (the event's prevKv); NULL otherwise
//
// Writes: one connection, and callers' writes are queued and committed together once per event-loop
// turn (group commit, at most `maxBatch` per transaction). Each write in a batch still gets its own
// revision and its own outcome: a failed condition (KeyExists, Conflict, NotFound) fails that write
// alone. The conditions are checked and the row appended inside the transaction, on the only
// connection that may write (the file is opened in EXCLUSIVE locking mode, so a second process cannot
// open it at all), so they are atomic. A write is acknowledged (its promise resolves) only after COMMIT.
//
// Durability: WAL journal. `synchronous: 'full'` (the default) fsyncs the WAL at every commit, so an
// acknowledged write survives kill -9, a kernel crash and power loss. `'normal'` skips that fsync: an
// acknowledged write still survives the death of the process (it is in the WAL file, in the OS page
// cache), but a power loss or kernel crash may lose the last commits before it (the database stays
// consistent: it comes back as of an earlier commit). With group commit, FULL costs little; see
// bench/storage-bench.ts.
//
// Values handed out (results and watch events) are shared, not copied per consumer: treat them as
// read-only. A value passed to create/update is copied when the call is made.
//
// Reads run synchronously on the same connection, so a read sees every acknowledged write and a list
// is one consistent snapshot. They block the event loop for as long as the query takes (a list of
// 10,000 keys: a few milliseconds).
//
// Watches: after each commit, its events go synchronously to every live watcher whose prefix matches.
// A watch from a past revision first replays the log in pages (yielding to the event loop between
// pages, so writers keep going), then goes live in the same synchronous step that reads the last page:
// that page ends at the current revision and no commit can run in between, so there is no gap; each
// watcher also drops any event at or below the last revision it delivered, so there is no duplicate.
// A watcher is never buffered: a slow callback slows the commit that calls it, nothing piles up.
//
// Compaction removes, for revisions at and below the target, every row that is not the newest row of
// its key (and that newest row too when it is a delete): the state at the compacted revision is kept
// exactly, so `list` at it still works, and every row above it still has its previous row (which a
// watch's prevKv needs). The compacted revision is kept in the `meta` table.
import { mkdirSync, openSync, closeSync, constants as fsConstants } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { setImmediate as yieldTurn } from 'node:timers/promises';
import { checkKey, checkPrefix, checkRevision, checkValue, compareKeys, prefixEnd } from './keys.ts';
import {
  StorageError,
  StorageErrorCode,
  type KeyValue,
  type KeyValueStore,
  type ListOptions,
  type ListResult,
  type Watch,
  type WatchEvent,
  type WatchOptions,
} from './types.ts';

export interface SqliteStoreOptions {
  /** See the file comment. Default 'full': acknowledged writes survive power loss too. */
  synchronous?: 'full' | 'normal';
  /** Most writes committed in one transaction. Default 1000. */
  maxBatch?: number;
  /** Log rows read per step when a watch replays history. Default 1000. */
  replayPageSize?: number;
  /** Revisions compacted per transaction (the event loop runs between them). Default 10,000. */
  compactChunk?: number;
}

const SCHEMA_VERSION = 1;
const COMPACTED = 'compacted_revision';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  created INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  create_revision INTEGER NOT NULL,
  prev_revision INTEGER NOT NULL,
  value BLOB NOT NULL,
  old_value BLOB
);
CREATE INDEX IF NOT EXISTS log_name_id ON log (name, id);
CREATE UNIQUE INDEX IF NOT EXISTS log_name_prev_revision ON log (name, prev_revision);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
`;

/** Opens (creating if needed) the store in the SQLite file at `path`. The file is created with mode 0600. */
export async function openSqliteStore(path: string, options: SqliteStoreOptions = {}): Promise<SqliteStore> {
  return SqliteStore.open(path, options);
}

interface Row {
  id: number;
  name: string;
  created: number;
  deleted: number;
  create_revision: number;
  prev_revision: number;
  value: Uint8Array;
  old_value: Uint8Array | null;
}

type WriteOp =
  | { kind: 'create'; key: string; value: Uint8Array }
  | { kind: 'update'; key: string; value: Uint8Array; expected: number }
  | { kind: 'delete'; key: string; expected: number | undefined };

interface Pending {
  op: WriteOp;
  resolve: (kv: KeyValue) => void;
  reject: (err: unknown) => void;
}

interface Watcher {
  prefix: string;
  /** The newest revision this watcher has delivered or skipped. */
  last: number;
  live: boolean;
  ended: boolean;
  onEvent: (event: WatchEvent) => void;
  onClose: ((error?: StorageError) => void) | undefined;
}

export class SqliteStore implements KeyValueStore {
  readonly path: string;
  readonly #db: DatabaseSync;
  readonly #maxBatch: number;
  readonly #pageSize: number;
  readonly #compactChunk: number;
  #revision: number;
  #compacted: number;
  #closed = false;
  #queue: Pending[] = [];
  #flushScheduled = false;
  #compacting: Promise<void> = Promise.resolve();
  readonly #watchers = new Set<Watcher>();
  readonly #stmt: ReturnType<typeof prepareAll>;

  private constructor(path: string, db: DatabaseSync, options: SqliteStoreOptions) {
    this.path = path;
    this.#db = db;
    this.#maxBatch = options.maxBatch ?? 1000;
    this.#pageSize = options.replayPageSize ?? 1000;
    this.#compactChunk = options.compactChunk ?? 10_000;
    this.#stmt = prepareAll(db);
    const seq = this.#stmt.sequence.get() as { seq: number } | undefined;
    const max = this.#stmt.maxId.get() as { id: number | null };
    const compacted = this.#stmt.getMeta.get(COMPACTED) as { value: number } | undefined;
    this.#compacted = compacted?.value ?? 0;
    this.#revision = Math.max(seq?.seq ?? 0, max.id ?? 0, this.#compacted);
  }

  static open(path: string, options: SqliteStoreOptions = {}): SqliteStore {
    const synchronous = options.synchronous ?? 'full';
    if (synchronous !== 'full' && synchronous !== 'normal') throw new TypeError(`synchronous must be 'full' or 'normal', got ${String(synchronous)}`);
    let db: DatabaseSync | undefined;
    try {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      // Create the file ourselves so that it (and the -wal file, which SQLite gives the same mode) is 0600.
      closeSync(openSync(path, fsConstants.O_CREAT | fsConstants.O_RDWR, 0o600));
      db = new DatabaseSync(path, { timeout: 0 });
      // EXCLUSIVE before WAL: no shared-memory index, and the first read below takes a lock this
      // connection keeps until close, so a second process (or a second open in this one) fails fast
      // instead of writing revisions behind this one's back.
      db.exec('PRAGMA locking_mode = EXCLUSIVE');
      const mode = db.prepare('PRAGMA journal_mode = WAL').get() as { journal_mode: string };
      if (mode.journal_mode !== 'wal') throw new StorageError(StorageErrorCode.Unavailable, `${path}: SQLite refused WAL mode (got ${mode.journal_mode})`);
      db.exec(`PRAGMA synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
      // After a checkpoint, cut a WAL that a large transaction grew back to 64 MiB.
      db.exec('PRAGMA journal_size_limit = 67108864');
      const version = (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
      if (version > SCHEMA_VERSION) {
        throw new StorageError(StorageErrorCode.Unavailable, `${path} was written by a newer Ferry (storage schema ${version}, this one knows ${SCHEMA_VERSION}); upgrade Ferry`);
      }
      db.exec('BEGIN IMMEDIATE');
      db.exec(SCHEMA);
      db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
      db.exec('COMMIT');
      return new SqliteStore(path, db, options);
    } catch (err) {
      try {
        db?.close();
      } catch {
        // Closing after a failed open: the original error is the one to report.
      }
      if (err instanceof StorageError) throw err;
      throw sqliteError(err, `open ${path}`);
    }
  }

  async currentRevision(): Promise<number> {
    this.#checkOpen();
    return this.#revision;
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
    if (options.afterRevision < this.#compacted) throw this.#compactedError(options.afterRevision);
    const w: Watcher = { prefix, last: options.afterRevision, live: false, ended: false, onEvent: options.onEvent, onClose: options.onClose };
    // Registered before any history is read; while it replays, live fan-out skips it (see the file comment).
    this.#watchers.add(w);
    if (w.last >= this.#revision) w.live = true;
    else setImmediate(() => this.#replay(w));
    return {
      cancel: () => {
        w.ended = true;
        this.#watchers.delete(w);
      },
    };
  }

  async compact(revision: number): Promise<void> {
    checkRevision('revision', revision, true);
    this.#checkOpen();
    if (revision > this.#revision) throw this.#futureError(revision);
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
    while (this.#queue.length > 0) this.#flush();
    this.#closed = true;
    const watchers = [...this.#watchers];
    this.#watchers.clear();
    for (const w of watchers) this.#end(w, new StorageError(StorageErrorCode.Closed, `store ${this.path} closed`));
    try {
      this.#db.close();
    } catch (err) {
      throw sqliteError(err, `close ${this.path}`);
    }
  }

  // --- writes ---

  #enqueue(op: WriteOp): Promise<KeyValue> {
    if (this.#closed) return Promise.reject(this.#closedError());
    return new Promise<KeyValue>((resolve, reject) => {
      this.#queue.push({ op, resolve, reject });
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        // setImmediate, not a microtask: callers several awaits deep still join this batch.
        setImmediate(() => {
          this.#flushScheduled = false;
          if (!this.#closed) this.#flush();
        });
      }
    });
  }

  #flush(): void {
    const batch = this.#queue.splice(0, this.#maxBatch);
    if (batch.length === 0) return;
    if (this.#queue.length > 0 && !this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(() => {
        this.#flushScheduled = false;
        if (!this.#closed) this.#flush();
      });
    }
    const startRevision = this.#revision;
    const outcomes: (WatchEvent | StorageError)[] = [];
    try {
      this.#stmt.begin.run();
      try {
        for (const p of batch) {
          try {
            outcomes.push(this.#apply(p.op));
          } catch (err) {
            if (!(err instanceof StorageError)) throw err;
            outcomes.push(err);
          }
        }
        this.#stmt.commit.run();
      } catch (err) {
        if (this.#db.isTransaction) this.#stmt.rollback.run();
        throw err;
      }
    } catch (err) {
      // Nothing of this batch was written: every write in it fails, and its revisions are free again.
      this.#revision = startRevision;
      const error = sqliteError(err, 'write');
      for (const p of batch) p.reject(error);
      return;
    }
    const events = outcomes.filter((o): o is WatchEvent => !(o instanceof StorageError));
    if (events.length > 0) this.#publish(events);
    batch.forEach((p, i) => {
      const o = outcomes[i] as WatchEvent | StorageError;
      if (o instanceof StorageError) p.reject(o);
      else p.resolve(o.kv);
    });
  }

  #apply(op: WriteOp): WatchEvent {
    const s = this.#stmt;
    const prev = s.latest.get(op.key) as Row | undefined;
    const live = prev !== undefined && !prev.deleted ? prev : undefined;
    if (op.kind === 'create') {
      if (live) throw new StorageError(StorageErrorCode.KeyExists, `${op.key} already exists`);
      const id = this.#revision + 1;
      s.insert.run(id, op.key, 1, 0, id, prev?.id ?? 0, op.value, null);
      this.#revision = id;
      return { type: 'put', kv: { key: op.key, value: op.value, createRevision: id, modRevision: id } };
    }
    if (!live) throw new StorageError(StorageErrorCode.NotFound, `${op.key} not found`);
    if (op.expected !== undefined && live.id !== op.expected) {
      throw new StorageError(StorageErrorCode.Conflict, `${op.key} is at revision ${live.id}, not ${op.expected}`, { revision: live.id });
    }
    const id = this.#revision + 1;
    const prevKv: KeyValue = { key: op.key, value: live.value, createRevision: live.create_revision, modRevision: live.id };
    if (op.kind === 'update') {
      s.insert.run(id, op.key, 0, 0, live.create_revision, live.id, op.value, live.value);
      this.#revision = id;
      return { type: 'put', kv: { key: op.key, value: op.value, createRevision: live.create_revision, modRevision: id }, prevKv };
    }
    s.insert.run(id, op.key, 0, 1, live.create_revision, live.id, live.value, null);
    this.#revision = id;
    return { type: 'delete', kv: { key: op.key, value: live.value, createRevision: live.create_revision, modRevision: id }, prevKv };
  }

  // --- watches ---

  #publish(events: WatchEvent[]): void {
    for (const w of this.#watchers) {
      for (const ev of events) {
        if (w.ended || !w.live) break;
        if (ev.kv.modRevision > w.last && ev.kv.key.startsWith(w.prefix)) this.#deliver(w, ev);
      }
      // Events of other prefixes are behind it too.
      if (!w.ended && w.live) w.last = Math.max(w.last, this.#revision);
    }
  }

  #deliver(w: Watcher, ev: WatchEvent): void {
    w.last = ev.kv.modRevision;
    try {
      w.onEvent(ev);
    } catch (err) {
      // The consumer's bug must not fail the writer whose commit is being fanned out: end this watch.
      this.#end(w, new StorageError(StorageErrorCode.Unavailable, `watch on ${JSON.stringify(w.prefix)} ended: its onEvent callback threw`, { cause: err }));
    }
  }

  #end(w: Watcher, error: StorageError): void {
    if (w.ended) return;
    w.ended = true;
    this.#watchers.delete(w);
    try {
      w.onClose?.(error);
    } catch {
      // Nothing left to tell it.
    }
  }

  #replay(w: Watcher): void {
    if (w.ended || this.#closed) return;
    if (w.last < this.#compacted) {
      this.#end(w, this.#compactedError(w.last));
      return;
    }
    // At most a page of events, from at most ten pages' worth of log: a narrow prefix over a long
    // history does not scan all of it in one step.
    const upTo = Math.min(this.#revision, w.last + 10 * this.#pageSize);
    let rows: Row[];
    try {
      rows = this.#stmt.history.all(w.last, upTo, w.prefix, prefixEnd(w.prefix), this.#pageSize) as unknown as Row[];
    } catch (err) {
      this.#end(w, sqliteError(err, 'watch replay'));
      return;
    }
    for (const row of rows) {
      if (w.ended) return;
      this.#deliver(w, eventOf(row));
    }
    if (w.ended) return;
    if (rows.length < this.#pageSize) {
      // Every matching row up to `upTo` was delivered.
      w.last = upTo;
      // When that was the current revision, no commit ran since: live from here, with no gap.
      if (upTo === this.#revision) {
        w.live = true;
        return;
      }
    }
    setImmediate(() => this.#replay(w));
  }

  // --- compaction ---

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

  // --- helpers ---

  #readRevision(requested: number | undefined): number {
    if (!requested) return this.#revision;
    if (requested < this.#compacted) throw this.#compactedError(requested);
    if (requested > this.#revision) throw this.#futureError(requested);
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
    if (this.#closed) throw this.#closedError();
  }

  #closedError(): StorageError {
    return new StorageError(StorageErrorCode.Closed, `store ${this.path} is closed`);
  }

  #compactedError(revision: number): StorageError {
    return new StorageError(StorageErrorCode.Compacted, `revision ${revision} is compacted (history is kept above ${this.#compacted})`, { revision: this.#compacted });
  }

  #futureError(revision: number): StorageError {
    return new StorageError(StorageErrorCode.FutureRevision, `revision ${revision} is newer than the current revision ${this.#revision}`, { revision: this.#revision });
  }
}

function prepareAll(db: DatabaseSync) {
  const p = (sql: string): StatementSync => db.prepare(sql);
  // The current (or as-of) value of each key in a range: SQLite's bare-column MAX() takes the other
  // columns from the newest row of each name, walking the (name, id) index in name order, so LIMIT
  // stops the walk early. The upper bound is raw bytes (see prefixEnd).
  const list = (lower: string) => `
    SELECT name, MAX(id) AS id, deleted, create_revision, value FROM log
    WHERE name ${lower} ? AND name < CAST(? AS TEXT) AND id <= ?
    GROUP BY name HAVING deleted = 0 ORDER BY name LIMIT ?`;
  return {
    begin: p('BEGIN IMMEDIATE'),
    commit: p('COMMIT'),
    rollback: p('ROLLBACK'),
    sequence: p(`SELECT seq FROM sqlite_sequence WHERE name = 'log'`),
    maxId: p('SELECT MAX(id) AS id FROM log'),
    getMeta: p('SELECT value FROM meta WHERE name = ?'),
    setMeta: p('INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value'),
    latest: p('SELECT id, name, created, deleted, create_revision, prev_revision, value FROM log WHERE name = ? ORDER BY id DESC LIMIT 1'),
    insert: p('INSERT INTO log (id, name, created, deleted, create_revision, prev_revision, value, old_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
    listFrom: p(list('>=')),
    listAfter: p(list('>')),
    count: p(`
      SELECT COUNT(*) AS n FROM (
        SELECT MAX(id), deleted FROM log WHERE name >= ? AND name < CAST(? AS TEXT) GROUP BY name HAVING deleted = 0
      )`),
    // Recent history is the common replay: walk the primary key from the watcher's revision (the
    // unary + keeps SQLite off the name index, which would make it sort the whole prefix).
    history: p(`
      SELECT id, name, created, deleted, create_revision, prev_revision, value, old_value FROM log
      WHERE id > ? AND id <= ? AND +name >= ? AND +name < CAST(? AS TEXT) ORDER BY id LIMIT ?`),
    // Rows at or below `hi` of the keys written in (lo, hi] that are not the newest of their key, and
    // that newest row when it is a delete. Keys not written in (lo, hi] are already compacted as of lo,
    // which leaves at most one live row each below it.
    compact: p(`
      DELETE FROM log WHERE id IN (
        SELECT l.id FROM log l
        WHERE l.name IN (SELECT name FROM log WHERE id > ? AND id <= ?) AND l.id <= ?
          AND (l.deleted = 1 OR l.id < (SELECT MAX(m.id) FROM log m WHERE m.name = l.name AND m.id <= ?))
      )`),
  };
}

function eventOf(row: Row): WatchEvent {
  const kv: KeyValue = { key: row.name, value: row.value, createRevision: row.create_revision, modRevision: row.id };
  if (row.deleted) {
    return { type: 'delete', kv, prevKv: { key: row.name, value: row.value, createRevision: row.create_revision, modRevision: row.prev_revision } };
  }
  if (row.created) return { type: 'put', kv };
  return { type: 'put', kv, prevKv: { key: row.name, value: row.old_value ?? new Uint8Array(0), createRevision: row.create_revision, modRevision: row.prev_revision } };
}

// SQLite result codes (the low byte of node:sqlite's `errcode`).
const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;
const SQLITE_CORRUPT = 11;
const SQLITE_NOTADB = 26;

function sqliteError(err: unknown, what: string): StorageError {
  if (err instanceof StorageError) return err;
  const code = typeof (err as { errcode?: unknown })?.errcode === 'number' ? (err as { errcode: number }).errcode & 0xff : undefined;
  const message = err instanceof Error ? err.message : String(err);
  if (code === SQLITE_CORRUPT || code === SQLITE_NOTADB) {
    return new StorageError(StorageErrorCode.Corrupt, `${what}: the database file is damaged or not a Ferry store (${message})`, { cause: err });
  }
  if (code === SQLITE_BUSY || code === SQLITE_LOCKED) {
    return new StorageError(StorageErrorCode.Unavailable, `${what}: the database is in use by another process or store; only one may open it (${message})`, { cause: err });
  }
  return new StorageError(StorageErrorCode.Unavailable, `${what}: ${message}`, { cause: err });
}
