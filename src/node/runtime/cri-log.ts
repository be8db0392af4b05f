// The CRI container log format the kubelet reads for `kubectl logs`, one record per line:
//   <RFC3339Nano time> <stdout|stderr> <P|F> <content>\n
// P marks a partial line (a long line split, or the part before a chunk boundary at EOF), F the
// end of a line (https://github.com/kubernetes/design-proposals-archive/blob/main/node/kubelet-cri-logging.md,
// pkg/kubelet/kuberuntime/logs/logs.go). Lines over 16 KiB are split, like containerd's default
// max_container_log_line_size.

export type LogStream = 'stdout' | 'stderr';

export const MAX_LOG_LINE_BYTES = 16 * 1024;
const NEWLINE = 0x0a;

/** Wall-clock nanoseconds: anchored to Date.now() once, advanced by the monotonic hrtime clock. */
export function createClock(): () => bigint {
  const base = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
  return () => base + process.hrtime.bigint();
}

/** RFC 3339 with 9 fractional digits, UTC: 2026-01-01T00:00:00.000000000Z. */
export function formatTimestamp(ns: bigint): string {
  const ms = ns / 1_000_000n;
  const iso = new Date(Number(ms)).toISOString(); // ....sssZ
  const frac = (((ns % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n).toString().padStart(9, '0');
  return `${iso.slice(0, 19)}.${frac}Z`;
}

/** Parses an RFC 3339 time with 0-9 fractional digits and any offset to epoch nanoseconds. */
export function parseTimestamp(text: string): bigint | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  if (m === null) return undefined;
  const seconds = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(seconds)) return undefined;
  return BigInt(seconds) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
}

export interface CriLogRecord {
  time: string;
  timeNs: bigint;
  stream: LogStream;
  partial: boolean;
  content: Buffer;
}

/** One line of a CRI log without its newline; undefined if malformed. */
export function parseCriLine(line: Buffer): CriLogRecord | undefined {
  const s1 = line.indexOf(0x20);
  const s2 = s1 === -1 ? -1 : line.indexOf(0x20, s1 + 1);
  if (s2 === -1) return undefined;
  const time = line.toString('latin1', 0, s1);
  const stream = line.toString('latin1', s1 + 1, s2);
  const timeNs = parseTimestamp(time);
  if (timeNs === undefined || (stream !== 'stdout' && stream !== 'stderr')) return undefined;
  // The tag was added to the format later: a line without one is a full line.
  const tag = line.toString('latin1', s2 + 1, s2 + 3);
  if (tag === 'P ' || tag === 'F ') return { time, timeNs, stream, partial: tag === 'P ', content: line.subarray(s2 + 3) };
  const bare = line.toString('latin1', s2 + 1);
  if (bare === 'P' || bare === 'F') return { time, timeNs, stream, partial: bare === 'P', content: Buffer.alloc(0) };
  return { time, timeNs, stream, partial: false, content: line.subarray(s2 + 1) };
}

/**
 * Turns a container's raw output into CRI records. push() returns the encoded records for the
 * complete lines in the chunk (the caller writes them in one write); flush() ends a stream's
 * unterminated last line as a full line, as containerd does at EOF.
 */
export class CriLogEncoder {
  readonly #now: () => bigint;
  readonly #pending: Record<LogStream, Buffer[]> = { stdout: [], stderr: [] };
  readonly #pendingBytes: Record<LogStream, number> = { stdout: 0, stderr: 0 };

  constructor(now: () => bigint = createClock()) {
    this.#now = now;
  }

  push(stream: LogStream, chunk: Buffer): Buffer {
    const ts = formatTimestamp(this.#now());
    const out: Buffer[] = [];
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(NEWLINE, start);
      const end = nl === -1 ? chunk.length : nl;
      this.#append(stream, chunk.subarray(start, end), ts, out);
      if (nl === -1) break;
      out.push(this.#record(ts, stream, 'F', Buffer.concat(this.#pending[stream])));
      this.#pending[stream] = [];
      this.#pendingBytes[stream] = 0;
      start = nl + 1;
    }
    return Buffer.concat(out);
  }

  flush(stream: LogStream): Buffer {
    if (this.#pendingBytes[stream] === 0) return Buffer.alloc(0);
    const rec = this.#record(formatTimestamp(this.#now()), stream, 'F', Buffer.concat(this.#pending[stream]));
    this.#pending[stream] = [];
    this.#pendingBytes[stream] = 0;
    return rec;
  }

  /** Buffers part of a line, emitting P records whenever the line reaches the size limit. */
  #append(stream: LogStream, part: Buffer, ts: string, out: Buffer[]): void {
    while (part.length > 0) {
      if (this.#pendingBytes[stream] >= MAX_LOG_LINE_BYTES) {
        out.push(this.#record(ts, stream, 'P', Buffer.concat(this.#pending[stream])));
        this.#pending[stream] = [];
        this.#pendingBytes[stream] = 0;
      }
      const take = part.subarray(0, MAX_LOG_LINE_BYTES - this.#pendingBytes[stream]);
      this.#pending[stream].push(take);
      this.#pendingBytes[stream] += take.length;
      part = part.subarray(take.length);
    }
  }

  #record(ts: string, stream: LogStream, tag: 'P' | 'F', content: Buffer): Buffer {
    return Buffer.concat([Buffer.from(`${ts} ${stream} ${tag} `), content, Buffer.from('\n')]);
  }
}
