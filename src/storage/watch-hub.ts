// The SQLite store's watches: live fan-out of committed events, and history replay from the log.
//
// After each commit, its events go synchronously to every live watcher whose prefix matches. A watch
// from a past revision first replays the log in pages (yielding to the event loop between pages, so
// writers keep going), then goes live in the same synchronous step that reads the last page: that page
// ends at the current revision and no commit can run in between, so there is no gap; each watcher also
// drops any event at or below the last revision it delivered, so there is no duplicate. A watcher is
// never buffered: a slow callback slows the commit that calls it, nothing piles up.
import type { StatementSync } from 'node:sqlite';
import { prefixEnd } from './keys.ts';
import type { Row } from './sqlite-schema.ts';
import { compactedError, sqliteError } from './store-errors.ts';
import { StorageError, StorageErrorCode } from './types.ts';
import type { KeyValue, Watch, WatchEvent, WatchOptions } from './types.ts';

interface Watcher {
  prefix: string;
  /** The newest revision this watcher has delivered or skipped. */
  last: number;
  live: boolean;
  ended: boolean;
  onEvent: (event: WatchEvent) => void;
  onClose: ((error?: StorageError) => void) | undefined;
}

export interface WatchHubOptions {
  /** The `history` statement of sqlite-schema.ts. */
  history: StatementSync;
  /** Log rows read per replay step. */
  pageSize: number;
  /** The newest committed revision. */
  revision: () => number;
  /** The revision history is kept above. */
  compacted: () => number;
}

export class WatchHub {
  readonly #history: StatementSync;
  readonly #pageSize: number;
  readonly #revision: () => number;
  readonly #compacted: () => number;
  readonly #watchers = new Set<Watcher>();
  #closed = false;

  constructor(options: WatchHubOptions) {
    this.#history = options.history;
    this.#pageSize = options.pageSize;
    this.#revision = options.revision;
    this.#compacted = options.compacted;
  }

  /** The caller has checked the arguments, and that `afterRevision` is not compacted. */
  add(prefix: string, options: WatchOptions): Watch {
    const w: Watcher = { prefix, last: options.afterRevision, live: false, ended: false, onEvent: options.onEvent, onClose: options.onClose };
    // Registered before any history is read; while it replays, live fan-out skips it.
    this.#watchers.add(w);
    if (w.last >= this.#revision()) w.live = true;
    else setImmediate(() => this.#replay(w));
    return {
      cancel: () => {
        w.ended = true;
        this.#watchers.delete(w);
      },
    };
  }

  /** Ends every watch, each with its own error from `error`. */
  close(error: () => StorageError): void {
    this.#closed = true;
    const watchers = [...this.#watchers];
    this.#watchers.clear();
    for (const w of watchers) this.#end(w, error());
  }

  publish(events: WatchEvent[]): void {
    for (const w of this.#watchers) {
      for (const ev of events) {
        if (w.ended || !w.live) break;
        if (ev.kv.modRevision > w.last && ev.kv.key.startsWith(w.prefix)) this.#deliver(w, ev);
      }
      // Events of other prefixes are behind it too.
      if (!w.ended && w.live) w.last = Math.max(w.last, this.#revision());
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
    const compacted = this.#compacted();
    if (w.last < compacted) {
      this.#end(w, compactedError(w.last, compacted));
      return;
    }
    // At most a page of events, from at most ten pages' worth of log: a narrow prefix over a long
    // history does not scan all of it in one step.
    const upTo = Math.min(this.#revision(), w.last + 10 * this.#pageSize);
    let rows: Row[];
    try {
      rows = this.#history.all(w.last, upTo, w.prefix, prefixEnd(w.prefix), this.#pageSize) as unknown as Row[];
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
      if (upTo === this.#revision()) {
        w.live = true;
        return;
      }
    }
    setImmediate(() => this.#replay(w));
  }
}

function eventOf(row: Row): WatchEvent {
  const kv: KeyValue = { key: row.name, value: row.value, createRevision: row.create_revision, modRevision: row.id };
  if (row.deleted) {
    return { type: 'delete', kv, prevKv: { key: row.name, value: row.value, createRevision: row.create_revision, modRevision: row.prev_revision } };
  }
  if (row.created) return { type: 'put', kv };
  return { type: 'put', kv, prevKv: { key: row.name, value: row.old_value ?? new Uint8Array(0), createRevision: row.create_revision, modRevision: row.prev_revision } };
}
