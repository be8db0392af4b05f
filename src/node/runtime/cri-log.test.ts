import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CriLogEncoder, formatTimestamp, MAX_LOG_LINE_BYTES, parseCriLine, parseTimestamp } from './cri-log.ts';
import { formatLogLine, readLogs } from './log-reader.ts';
import type { LogLine } from './log-reader.ts';

const T0 = 1_767_225_600_000_000_000n; // 2026-01-01T00:00:00Z

function fixedClock(): () => bigint {
  let t = T0;
  return () => (t += 1_000n);
}

test('timestamps are RFC 3339 with nanoseconds and parse back', () => {
  assert.equal(formatTimestamp(T0 + 123_456_789n), '2026-01-01T00:00:00.123456789Z');
  assert.equal(parseTimestamp('2026-01-01T00:00:00.123456789Z'), T0 + 123_456_789n);
  assert.equal(parseTimestamp('2026-01-01T00:00:00.5Z'), T0 + 500_000_000n, 'containerd trims trailing zeros');
  assert.equal(parseTimestamp('2026-01-01T01:00:00+01:00'), T0);
  assert.equal(parseTimestamp('yesterday'), undefined);
});

test('the encoder writes one F record per line, P records for long lines, and flushes a last line', () => {
  const enc = new CriLogEncoder(fixedClock());
  const out = Buffer.concat([
    enc.push('stdout', Buffer.from('hello\nwor')),
    enc.push('stderr', Buffer.from('oops\n')),
    enc.push('stdout', Buffer.from('ld\n\n')),
    enc.push('stdout', Buffer.from('tail')),
    enc.flush('stdout'),
    enc.flush('stderr'),
  ]).toString();
  assert.deepEqual(out.split('\n').map((l) => l.slice(31)), ['stdout F hello', 'stderr F oops', 'stdout F world', 'stdout F ', 'stdout F tail', '']);
  assert.match(out, /^2026-01-01T00:00:00\.000001000Z stdout F hello\n/);

  const long = new CriLogEncoder(fixedClock());
  const big = Buffer.alloc(MAX_LOG_LINE_BYTES * 2 + 10, 'x');
  const half = MAX_LOG_LINE_BYTES; // split the input exactly at the limit: no empty records
  const recs = Buffer.concat([long.push('stdout', big.subarray(0, half)), long.push('stdout', big.subarray(half)), long.push('stdout', Buffer.from('\n'))])
    .toString().split('\n').filter(Boolean).map((l) => parseCriLine(Buffer.from(l)));
  assert.deepEqual(recs.map((r) => [r?.partial, r?.content.length]), [[true, MAX_LOG_LINE_BYTES], [true, MAX_LOG_LINE_BYTES], [false, 10]]);
});

test('parseCriLine accepts the tagless older format and rejects junk', () => {
  assert.deepEqual(parseCriLine(Buffer.from('2026-01-01T00:00:00Z stdout F a b'))?.content.toString(), 'a b');
  assert.deepEqual(parseCriLine(Buffer.from('2026-01-01T00:00:00Z stderr hello'))?.content.toString(), 'hello');
  assert.equal(parseCriLine(Buffer.from('2026-01-01T00:00:00Z stdout F'))?.content.length, 0);
  assert.equal(parseCriLine(Buffer.from('garbage')), undefined);
  assert.equal(parseCriLine(Buffer.from('2026-01-01T00:00:00Z stdin F x')), undefined);
});

async function collect(it: AsyncIterable<LogLine>): Promise<string[]> {
  const out: string[] = [];
  for await (const l of it) out.push(`${l.stream}:${l.content.toString()}`);
  return out;
}

test('readLogs: all, tail (P records joined), sinceTime, stream filter', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-log-'));
  try {
    const path = join(dir, '0.log');
    const lines = [
      '2026-01-01T00:00:01.000000000Z stdout F one',
      '2026-01-01T00:00:02.000000000Z stderr F two',
      '2026-01-01T00:00:03.000000000Z stdout P thr',
      '2026-01-01T00:00:03.500000000Z stderr F interleaved',
      '2026-01-01T00:00:04.000000000Z stdout F ee',
      'not a log line',
      '2026-01-01T00:00:05.000000000Z stdout F four',
    ];
    writeFileSync(path, `${lines.join('\n')}\n`);
    assert.deepEqual(await collect(readLogs(path)), ['stdout:one', 'stderr:two', 'stderr:interleaved', 'stdout:three', 'stdout:four']);
    assert.deepEqual(await collect(readLogs(path, { tailLines: 1 })), ['stdout:four']);
    assert.deepEqual(await collect(readLogs(path, { tailLines: 3 })), ['stderr:interleaved', 'stdout:three', 'stdout:four']);
    assert.deepEqual(await collect(readLogs(path, { tailLines: 0 })), []);
    assert.deepEqual((await collect(readLogs(path, { tailLines: 100 }))).length, 5);
    assert.deepEqual(await collect(readLogs(path, { sinceTime: '2026-01-01T00:00:03Z' })), ['stderr:interleaved', 'stdout:three', 'stdout:four']);
    assert.deepEqual(await collect(readLogs(path, { stream: 'stderr' })), ['stderr:two', 'stderr:interleaved']);

    // Tail over more than one 64 KiB read-back chunk.
    const many = join(dir, 'many.log');
    writeFileSync(many, Array.from({ length: 5000 }, (_, i) => `2026-01-01T00:00:00.000000000Z stdout F line ${i}\n`).join(''));
    assert.deepEqual(await collect(readLogs(many, { tailLines: 3 })), ['stdout:line 4997', 'stdout:line 4998', 'stdout:line 4999']);
    assert.equal((await collect(readLogs(many, { tailLines: 4000 })))[0], 'stdout:line 1000');

    const first = (await readLogs(path).next()).value as LogLine;
    assert.equal(formatLogLine(first).toString(), 'one\n');
    assert.equal(formatLogLine(first, { timestamps: true }).toString(), '2026-01-01T00:00:01.000000000Z one\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('readLogs follow: sees appended lines and ends once isDone', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-log-'));
  try {
    const path = join(dir, '0.log');
    writeFileSync(path, '2026-01-01T00:00:01Z stdout F a\n');
    let done = false;
    const it = readLogs(path, { follow: true, pollIntervalMs: 10, isDone: () => done });
    const seen: string[] = [];
    for await (const l of it) {
      seen.push(l.content.toString());
      if (seen.length === 1) appendFileSync(path, '2026-01-01T00:00:02Z stdout F b\n2026-01-01T00:00:03Z stdout P c\n2026-01-01T00:00:04Z std');
      if (seen.length === 2) setTimeout(() => {
        appendFileSync(path, 'out F -end\n');
        done = true;
      }, 30);
    }
    assert.deepEqual(seen, ['a', 'b', 'c-end']);

    const ac = new AbortController();
    const got: string[] = [];
    setTimeout(() => ac.abort(), 50);
    for await (const l of readLogs(path, { follow: true, tailLines: 1, pollIntervalMs: 10, signal: ac.signal })) got.push(l.content.toString());
    assert.deepEqual(got, ['c-end']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
