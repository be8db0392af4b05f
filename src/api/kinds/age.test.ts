import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatAge, humanDuration } from './age.ts';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

test('humanDuration matches duration.HumanDuration', () => {
  const table: [number, string][] = [
    [0, '0s'],
    [999, '0s'],
    [75 * S, '75s'],
    [119 * S, '119s'],
    [2 * M, '2m'],
    [2 * M + 5 * S, '2m5s'],
    [9 * M + 59 * S, '9m59s'],
    [10 * M + 30 * S, '10m'],
    [179 * M, '179m'],
    [3 * H, '3h'],
    [3 * H + 5 * M, '3h5m'],
    [7 * H + 59 * M, '7h59m'],
    [8 * H + 30 * M, '8h'],
    [47 * H, '47h'],
    [48 * H, '2d'],
    [2 * D + 5 * H, '2d5h'],
    [7 * D + 23 * H, '7d23h'],
    [8 * D + 5 * H, '8d'],
    [729 * D, '729d'],
    [730 * D, '2y'],
    [735 * D, '2y5d'],
    [3 * 365 * D, '3y'],
    [8 * 365 * D + 100 * D, '8y'],
  ];
  for (const [ms, want] of table) assert.equal(humanDuration(ms), want, `${ms}ms`);
});

test('formatAge: unknown without a timestamp, 0s in the future', () => {
  const now = new Date('2026-01-10T12:00:00Z');
  assert.equal(formatAge('2026-01-10T11:58:45Z', now), '75s');
  assert.equal(formatAge('2026-01-08T07:00:00Z', now), '2d5h');
  assert.equal(formatAge(undefined, now), '<unknown>');
  assert.equal(formatAge('', now), '<unknown>');
  assert.equal(formatAge('not a time', now), '<unknown>');
  assert.equal(formatAge('2026-01-10T12:00:30Z', now), '0s');
});
