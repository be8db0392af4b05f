// The SQLite store's writes (group commit).
//
// One connection, and callers' writes are queued and committed together once per event-loop turn (at
// most `maxBatch` per transaction). Each write in a batch still gets its own revision and its own
// outcome: a failed condition (KeyExists, Conflict, NotFound) fails that write alone. The conditions
// are checked and the row appended inside the transaction, on the only connection that may write (the
// file is opened in EXCLUSIVE locking mode, so a second process cannot open it at all), so they are
// atomic. A write is acknowledged (its promise resolves) only after COMMIT.
import type { DatabaseSync } from 'node:sqlite';
import type { Row, Statements } from './sqlite-schema.ts';
import { sqliteError } from './store-errors.ts';
import { StorageError, StorageErrorCode } from './types.ts';
import type { KeyValue, WatchEvent } from './types.ts';

export type WriteOp =
  | { kind: 'create'; key: string; value: Uint8Array }
  | { kind: 'update'; key: string; value: Uint8Array; expected: number }
  | { kind: 'delete'; key: string; expected: number | undefined };

interface Pending {
  op: WriteOp;
  resolve: (kv: KeyValue) => void;
  reject: (err: unknown) => void;
}

export interface WriteBatcherOptions {
  db: DatabaseSync;
  statements: Statements;
  /** The newest revision already written. */
  revision: number;
  maxBatch: number;
  /** Gets each committed batch's events, before the batch's promises settle. */
  publish: (events: WatchEvent[]) => void;
}

export class WriteBatcher {
  readonly #db: DatabaseSync;
  readonly #stmt: Statements;
  readonly #maxBatch: number;
  readonly #publish: (events: WatchEvent[]) => void;
  #revision: number;
  #queue: Pending[] = [];
  #flushScheduled = false;
  #closed = false;

  constructor(options: WriteBatcherOptions) {
    this.#db = options.db;
    this.#stmt = options.statements;
    this.#revision = options.revision;
    this.#maxBatch = options.maxBatch;
    this.#publish = options.publish;
  }

  /** The newest revision written. */
  get revision(): number {
    return this.#revision;
  }

  enqueue(op: WriteOp): Promise<KeyValue> {
    return new Promise<KeyValue>((resolve, reject) => {
      this.#queue.push({ op, resolve, reject });
      this.#schedule();
    });
  }

  /** Commits every queued write, including those queued by watchers meanwhile; nothing flushes after. */
  close(): void {
    while (this.#queue.length > 0) this.#flush();
    this.#closed = true;
  }

  #schedule(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    // setImmediate, not a microtask: callers several awaits deep still join this batch.
    setImmediate(() => {
      this.#flushScheduled = false;
      if (!this.#closed) this.#flush();
    });
  }

  #flush(): void {
    const batch = this.#queue.splice(0, this.#maxBatch);
    if (batch.length === 0) return;
    if (this.#queue.length > 0) this.#schedule();
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
}
