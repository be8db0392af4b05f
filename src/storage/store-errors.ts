// The SQLite store's errors: SQLite failures mapped onto storage error codes, and the errors a
// closed store or an out-of-range revision gets.
import { StorageError, StorageErrorCode } from './types.ts';

// SQLite result codes (the low byte of node:sqlite's `errcode`).
const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;
const SQLITE_CORRUPT = 11;
const SQLITE_NOTADB = 26;

export function sqliteError(err: unknown, what: string): StorageError {
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

export function closedError(path: string): StorageError {
  return new StorageError(StorageErrorCode.Closed, `store ${path} is closed`);
}

export function compactedError(revision: number, compacted: number): StorageError {
  return new StorageError(StorageErrorCode.Compacted, `revision ${revision} is compacted (history is kept above ${compacted})`, { revision: compacted });
}

export function futureError(revision: number, current: number): StorageError {
  return new StorageError(StorageErrorCode.FutureRevision, `revision ${revision} is newer than the current revision ${current}`, { revision: current });
}
