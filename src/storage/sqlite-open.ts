// Opening the SQLite store's file: permissions, locking, journal, schema version.
//
// Durability: WAL journal. `synchronous: 'full'` (the default) fsyncs the WAL at every commit, so an
// acknowledged write survives kill -9, a kernel crash and power loss. `'normal'` skips that fsync: an
// acknowledged write still survives the death of the process (it is in the WAL file, in the OS page
// cache), but a power loss or kernel crash may lose the last commits before it (the database stays
// consistent: it comes back as of an earlier commit). With group commit, FULL costs little; see
// bench/storage-bench.ts.
import { mkdirSync, openSync, closeSync, constants as fsConstants } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { COMPACTED, SCHEMA, SCHEMA_VERSION, prepareStatements } from './sqlite-schema.ts';
import type { Statements } from './sqlite-schema.ts';
import { sqliteError } from './store-errors.ts';
import { StorageError, StorageErrorCode } from './types.ts';

export interface OpenDatabase {
  db: DatabaseSync;
  statements: Statements;
  /** The newest revision written. */
  revision: number;
  compacted: number;
}

/** Opens (creating if needed) the database at `path` with mode 0600; closes it again if any step fails. */
export function openDatabase(path: string, synchronous: 'full' | 'normal'): OpenDatabase {
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
    const statements = prepareStatements(db);
    const seq = statements.sequence.get() as { seq: number } | undefined;
    const max = statements.maxId.get() as { id: number | null };
    const compactedRow = statements.getMeta.get(COMPACTED) as { value: number } | undefined;
    const compacted = compactedRow?.value ?? 0;
    return { db, statements, revision: Math.max(seq?.seq ?? 0, max.id ?? 0, compacted), compacted };
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
