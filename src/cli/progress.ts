// Pull progress for people: per-layer bars redrawn in place on a terminal, like `docker pull`;
// plain lines (one per state change) when the output is a file or pipe.
import type { Writable } from 'node:stream';
import type { PullEvent } from '../image/pull-types.ts';

interface Row {
  id: string;
  status: string;
  done: number;
  total: number;
}

const BAR_WIDTH = 30;
const REDRAW_INTERVAL_MS = 100;

export class ProgressPrinter {
  readonly #out: Writable & { isTTY?: boolean; columns?: number };
  readonly #tty: boolean;
  readonly #rows = new Map<string, Row>();
  #drawnLines = 0;
  #lastDraw = 0;

  constructor(out: Writable & { isTTY?: boolean; columns?: number }) {
    this.#out = out;
    this.#tty = out.isTTY === true;
  }

  onEvent = (e: PullEvent): void => {
    switch (e.type) {
      case 'resolved':
        this.#line(`${e.reference}: resolved to ${e.digest}`);
        return;
      case 'layer':
        this.#update(e.digest, e.status, e.bytes, e.total);
        return;
      case 'done':
        this.#draw(true);
        this.#line(`Status: ${e.cached ? 'Image is up to date for' : 'Downloaded newer image for'} ${e.reference}`);
        this.#line(`Digest: ${e.digest}`);
        return;
    }
  };

  #update(digest: string, status: string, done: number, total: number): void {
    const id = digest.replace(/^sha256:/, '').slice(0, 12);
    const row = this.#rows.get(id);
    const changed = row?.status !== status;
    this.#rows.set(id, { id, status, done, total });
    if (!this.#tty) {
      if (changed) this.#out.write(`${id}: ${status}\n`);
      return;
    }
    this.#draw(changed);
  }

  #draw(force: boolean): void {
    if (!this.#tty) return;
    const now = Date.now();
    if (!force && now - this.#lastDraw < REDRAW_INTERVAL_MS) return;
    this.#lastDraw = now;
    const lines = [...this.#rows.values()].map((r) => formatRow(r));
    let text = this.#drawnLines > 0 ? `\x1b[${this.#drawnLines}A` : '';
    for (const l of lines) text += `\x1b[2K${l}\n`;
    this.#drawnLines = lines.length;
    this.#out.write(text);
  }

  #line(text: string): void {
    if (this.#tty && this.#drawnLines > 0) {
      this.#drawnLines = 0;
      this.#rows.clear();
    }
    this.#out.write(`${text}\n`);
  }
}

function formatRow(r: Row): string {
  if (r.status !== 'Downloading' && r.status !== 'Extracting') return `${r.id}: ${r.status}`;
  const frac = r.total > 0 ? Math.min(1, r.done / r.total) : 0;
  const filled = Math.round(frac * BAR_WIDTH);
  const bar = `[${'='.repeat(Math.max(0, filled - 1))}${filled > 0 ? '>' : ''}${' '.repeat(BAR_WIDTH - filled)}]`;
  return `${r.id}: ${r.status.padEnd(11)} ${bar} ${formatBytes(r.done)}/${formatBytes(r.total)}`;
}

export function formatBytes(n: number): string {
  if (n < 1000) return `${n}B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = -1;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v.toFixed(v < 10 ? 2 : 1)}${units[i]}`;
}
