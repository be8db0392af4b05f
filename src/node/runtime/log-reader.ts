// Reads a CRI log file back for `kubectl logs` (--tail, -f, --since-time, --timestamps), like the
// kubelet's pkg/kubelet/kuberuntime/logs/logs.go: --tail counts lines from the end of the file
// without reading all of it, partial (P) records are joined to their line, and follow mode keeps
// reading until the caller says the container is done.

import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { formatTimestamp, parseCriLine, parseTimestamp } from './cri-log.ts';
import type { LogStream } from './cri-log.ts';
import { RuntimeError, RuntimeErrorCode } from './errors.ts';

export interface ReadLogsOptions {
  /** Only the last N lines (counted before sinceTime and stream filtering, as the kubelet does). */
  tailLines?: number | undefined;
  /** Keep reading new lines until `signal` aborts or `isDone` says the container exited. */
  follow?: boolean | undefined;
  /** RFC 3339 time; older lines are skipped. */
  sinceTime?: string | undefined;
  stream?: LogStream | 'all' | undefined;
  signal?: AbortSignal | undefined;
  /** Follow mode: polled at EOF; once true, what is left is read and the iteration ends. */
  isDone?: (() => boolean | Promise<boolean>) | undefined;
  pollIntervalMs?: number | undefined;
}

export interface LogLine {
  /** Time of the line's first record, as written. */
  time: string;
  timeNs: bigint;
  stream: LogStream;
  /** The line without its newline. */
  content: Buffer;
}

const CHUNK = 64 * 1024;

export async function* readLogs(path: string, options: ReadLogsOptions = {}): AsyncGenerator<LogLine> {
  const since = options.sinceTime === undefined ? undefined : parseTimestamp(options.sinceTime);
  if (options.sinceTime !== undefined && since === undefined) {
    throw new RuntimeError(RuntimeErrorCode.InvalidSpec, `sinceTime ${JSON.stringify(options.sinceTime)} is not an RFC 3339 time`);
  }
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    let offset = options.tailLines === undefined ? 0 : await tailStart(fh, size, options.tailLines);
    let carry = Buffer.alloc(0);
    const pending: Record<LogStream, { time: string; timeNs: bigint; parts: Buffer[] } | undefined> = { stdout: undefined, stderr: undefined };
    const wanted = (s: LogStream) => options.stream === undefined || options.stream === 'all' || options.stream === s;
    let finishing = false;
    for (;;) {
      if (options.signal?.aborted === true) return;
      const buf = Buffer.allocUnsafe(CHUNK);
      const { bytesRead } = await fh.read(buf, 0, CHUNK, offset);
      if (bytesRead > 0) {
        offset += bytesRead;
        const data = carry.length === 0 ? buf.subarray(0, bytesRead) : Buffer.concat([carry, buf.subarray(0, bytesRead)]);
        let start = 0;
        for (let nl = data.indexOf(0x0a); nl !== -1; nl = data.indexOf(0x0a, start)) {
          const rec = parseCriLine(data.subarray(start, nl));
          start = nl + 1;
          if (rec === undefined) continue;
          const p = pending[rec.stream] ?? { time: rec.time, timeNs: rec.timeNs, parts: [] };
          p.parts.push(Buffer.from(rec.content));
          if (rec.partial) {
            pending[rec.stream] = p;
            continue;
          }
          pending[rec.stream] = undefined;
          if (!wanted(rec.stream) || (since !== undefined && p.timeNs < since)) continue;
          yield { time: p.time, timeNs: p.timeNs, stream: rec.stream, content: Buffer.concat(p.parts) };
        }
        carry = Buffer.from(data.subarray(start));
        continue;
      }
      // End of the file as it is now.
      if (options.follow !== true || finishing) {
        // A line cut short (the container died mid-line, or the file ends in P records) is still shown.
        for (const s of ['stdout', 'stderr'] as const) {
          const p = pending[s];
          if (p !== undefined && wanted(s) && (since === undefined || p.timeNs >= since)) {
            yield { time: p.time, timeNs: p.timeNs, stream: s, content: Buffer.concat(p.parts) };
          }
        }
        return;
      }
      if (options.isDone !== undefined && (await options.isDone())) {
        finishing = true; // one more pass for what the container wrote before it exited
        continue;
      }
      try {
        await sleep(options.pollIntervalMs ?? 100, undefined, { signal: options.signal });
      } catch {
        return;
      }
    }
  } finally {
    await fh.close();
  }
}

/** kubectl logs output for a line: content and newline, optionally after its timestamp. */
export function formatLogLine(line: LogLine, options: { timestamps?: boolean } = {}): Buffer {
  // As the kubelet prints them (RFC 3339 in UTC), whichever offset the monitor wrote (conmon: +00:00).
  const prefix = options.timestamps === true ? `${formatTimestamp(line.timeNs)} ` : '';
  return Buffer.concat([Buffer.from(prefix), line.content, Buffer.from('\n')]);
}

/**
 * Offset where the last `n` lines begin: newlines are found scanning back in chunks, and each
 * complete record's tag is read in place; only full (F) records end a line. Known limit: when the
 * cut falls inside a long line whose P records are interleaved with the other stream's lines,
 * that line is shown from the cut on (the kubelet, which does not join P records, does the same).
 */
async function tailStart(fh: FileHandle, size: number, n: number): Promise<number> {
  if (n <= 0) return size;
  let count = 0;
  let lineEnd = -1; // offset of the newline ending the line whose start is being looked for
  let pos = size;
  const buf = Buffer.allocUnsafe(CHUNK);
  while (pos > 0) {
    const len = Math.min(CHUNK, pos);
    pos -= len;
    await fh.read(buf, 0, len, pos);
    for (let i = len - 1; i >= 0; i--) {
      if (buf[i] !== 0x0a) continue;
      if (lineEnd !== -1 && (await endsLine(fh, pos + i + 1, lineEnd)) && ++count > n) return lineEnd + 1;
      lineEnd = pos + i;
    }
  }
  if (lineEnd !== -1 && (await endsLine(fh, 0, lineEnd)) && ++count > n) return lineEnd + 1;
  return 0;
}

async function endsLine(fh: FileHandle, start: number, end: number): Promise<boolean> {
  const head = Buffer.alloc(Math.min(96, end - start));
  await fh.read(head, 0, head.length, start);
  const rec = parseCriLine(head.subarray(0, head.length));
  return rec !== undefined && !rec.partial; // junk lines are skipped when reading, so they do not count
}
