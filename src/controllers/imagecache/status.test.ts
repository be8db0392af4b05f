import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ImageCacheStatus, NodeCacheResult } from '../../api/image-cache-status.ts';
import { decideCache, FAILED_RETENTION_MS } from './status.ts';
import type { CacheView } from './status.ts';

const NOW = new Date('2026-11-23T12:00:00Z');
const CREATED = '2026-11-23T11:00:00Z';
const MIB = 1024 ** 2;
const GIB = 1024 ** 3;

function cache(status: ImageCacheStatus = {}, extra: Partial<CacheView> = {}): CacheView {
  return { uid: '4c5a1a2e-8d1b-4c3e-9f00-0123456789ab', generation: 1, creationTimestamp: CREATED, spec: { images: ['a:1', 'b:1'] }, status, ...extra };
}

function node(phase: NodeCacheResult['phase'], images: string[], generation = 1, size = 10 * MIB, message?: string): NodeCacheResult {
  return { phase, generation, images: Object.fromEntries(images.map((i) => [i, { digest: `sha256:${i.length}`, size }])), lastUpdatedTime: CREATED, ...(message === undefined ? {} : { message }) };
}

test('Preparing until a node reports, then Creating with progress over nodes x images, then Ready', () => {
  const first = decideCache(cache(), ['n1', 'n2'], NOW);
  assert.equal(first.status.phase, 'Preparing');
  assert.equal(first.status.progress, '0%');
  assert.match(first.status.imageCacheId ?? '', /^imc-[0-9a-f]{20}$/);
  assert.equal(first.status.startTime, NOW.toISOString().replace(/\.\d+Z$/, 'Z'));
  const partial = decideCache(cache({ ...first.status, nodes: { n1: node('Ready', ['a:1', 'b:1']), n2: node('Pulling', ['a:1']) } }), ['n1', 'n2'], NOW);
  assert.equal(partial.status.phase, 'Creating');
  assert.equal(partial.status.progress, '75%');
  assert.deepEqual(partial.events.map((e) => e.reason), ['ImageCacheCreating']);
  const ready = decideCache(cache({ ...partial.status, nodes: { n1: node('Ready', ['a:1', 'b:1']), n2: node('Ready', ['a:1', 'b:1']) } }), ['n1', 'n2'], NOW);
  assert.equal(ready.status.phase, 'Ready');
  assert.equal(ready.status.progress, '100%');
  assert.equal(ready.status.size, 20 * MIB, 'each image counted once');
  assert.equal(ready.status.observedGeneration, 1);
  assert.deepEqual(ready.events.map((e) => e.reason), ['ImageCacheReady']);
  assert.equal(ready.expired, false);
  assert.equal(ready.status.expireDateTime, undefined, 'no retentionDays: never expires');
  assert.equal(decideCache(cache(ready.status), ['n1', 'n2'], NOW).events.length, 0, 'no new event without a change');
});

test('reports about an older spec or from nodes not targeted do not count', () => {
  const d = decideCache(cache({ nodes: { n1: node('Ready', ['a:1', 'b:1'], 0), gone: node('Ready', ['a:1', 'b:1']) } }), ['n1'], NOW);
  assert.equal(d.status.phase, 'Preparing');
});

test('images larger than imageCacheSize allows: Failed with the figures, expiring 24 h later', () => {
  const big = node('Ready', ['a:1', 'b:1'], 1, 6 * GIB);
  const d = decideCache(cache({ nodes: { n1: big } }, { spec: { images: ['a:1', 'b:1'], imageCacheSize: 20 } }), ['n1'], NOW);
  assert.equal(d.status.phase, 'Failed');
  assert.match(d.events[0]?.message ?? '', /the images need 12\.00 GiB and a cache 2x that \(24\.00 GiB\), more than imageCacheSize 20 GiB; raise imageCacheSize/);
  assert.equal(Date.parse(d.status.expireDateTime ?? ''), Date.parse(d.status.failedTime ?? '') + FAILED_RETENTION_MS);
  const later = decideCache(cache(d.status, { spec: { images: ['a:1', 'b:1'], imageCacheSize: 20 } }), ['n1'], new Date(NOW.getTime() + FAILED_RETENTION_MS));
  assert.equal(later.expired, true);
});

test('a node that cannot pull fails the cache with its message; retentionDays sets the expiry', () => {
  const d = decideCache(cache({ nodes: { n1: node('Failed', [], 1, 0, 'pulling a:1: unauthorized') } }, { spec: { images: ['a:1'], retentionDays: 7 } }), ['n1'], NOW);
  assert.equal(d.status.phase, 'Failed');
  assert.equal(d.events[0]?.message, 'node n1: pulling a:1: unauthorized');
  const ok = decideCache(cache({ nodes: { n1: node('Ready', ['a:1']) } }, { spec: { images: ['a:1'], retentionDays: 7 } }), ['n1'], NOW);
  assert.equal(ok.status.expireDateTime, '2026-11-30T11:00:00Z');
  assert.equal(decideCache(cache(ok.status, { spec: { images: ['a:1'], retentionDays: 7 } }), ['n1'], new Date('2026-11-30T11:00:01Z')).expired, true);
});

test('a spec change of a Ready cache: Updating until the nodes catch up, UpdateFailed on failure', () => {
  const ready = decideCache(cache({ nodes: { n1: node('Ready', ['a:1', 'b:1']) } }), ['n1'], NOW).status;
  const spec = { images: ['a:1', 'b:1', 'c:1'] };
  const updating = decideCache(cache(ready, { generation: 2, spec }), ['n1'], NOW);
  assert.equal(updating.status.phase, 'Updating');
  assert.equal(updating.status.observedGeneration, 1);
  const done = decideCache(cache({ ...updating.status, nodes: { n1: node('Ready', spec.images, 2) } }, { generation: 2, spec }), ['n1'], NOW);
  assert.equal(done.status.phase, 'Ready');
  assert.equal(done.status.observedGeneration, 2);
  const failed = decideCache(cache({ ...updating.status, nodes: { n1: node('Failed', [], 2, 0, 'nope') } }, { generation: 2, spec }), ['n1'], NOW);
  assert.equal(failed.status.phase, 'UpdateFailed');
  assert.equal(failed.expired, false, 'only a failed creation expires after 24 h');
});

test('status events count repeats, ECI style', () => {
  let status: ImageCacheStatus = {};
  for (let i = 0; i < 2; i++) {
    status = decideCache(cache({ ...status, phase: 'Creating', nodes: { n1: node('Failed', [], 1, 0, 'x') } }), ['n1'], NOW).status;
    status = { ...status, phase: 'Creating' };
  }
  assert.equal(status.events?.length, 1);
  assert.equal(status.events?.[0]?.count, 2);
});
