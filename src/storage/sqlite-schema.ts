// The SQLite store's tables and statements.
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
// The compacted revision is kept in the `meta` table.
import type { DatabaseSync, StatementSync } from 'node:sqlite';

export const SCHEMA_VERSION = 1;
/** The `meta` row holding the compacted revision. */
export const COMPACTED = 'compacted_revision';

export const SCHEMA = `
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

export interface Row {
  id: number;
  name: string;
  created: number;
  deleted: number;
  create_revision: number;
  prev_revision: number;
  value: Uint8Array;
  old_value: Uint8Array | null;
}

export type Statements = ReturnType<typeof prepareStatements>;

export function prepareStatements(db: DatabaseSync) {
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
