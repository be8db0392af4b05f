import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject, Node, Pod } from '../common/types.ts';
import { node, pod } from '../testing/fixtures.ts';
import { AUTO_IMC, IMC_ID, MATCH_COUNT, PERFECT_MATCH, imageCacheScore, imageLocalityScore, normalizedImage } from './image-locality.ts';
import { schedulePod } from './schedule.ts';

const MB = 1024 * 1024;

function withImages(name: string, images: { names: string[]; sizeBytes: number }[]): Node {
  const n = node(name);
  n.status = { ...n.status, images };
  return n;
}

function using(images: string[], annotations: Record<string, string> = {}): Pod {
  const p = pod('web-1');
  p.metadata.annotations = annotations;
  p.spec = { containers: images.map((image, i) => ({ name: `c${i}`, image })) };
  p.status = { phase: 'Pending' };
  return p;
}

function cache(id: string, images: string[], readyOn: string[], generation = 1): KubeObject {
  return {
    apiVersion: 'eci.alibabacloud.com/v1', kind: 'ImageCache', metadata: { name: id, generation }, spec: { images },
    status: { imageCacheId: id, nodes: Object.fromEntries(readyOn.map((n) => [n, { phase: 'Ready', generation, images: {}, lastUpdatedTime: '' }])) },
  };
}

test('normalizedImage names images as node.status.images does', () => {
  assert.equal(normalizedImage('nginx'), 'docker.io/library/nginx:latest');
  assert.equal(normalizedImage('team/app:v1'), 'docker.io/team/app:v1');
  assert.equal(normalizedImage('127.0.0.1:5000/app'), '127.0.0.1:5000/app:latest');
  assert.equal(normalizedImage('reg.example.com/app@sha256:abc'), 'reg.example.com/app@sha256:abc');
});

test('ImageLocality: a node holding a big image of the pod scores higher and gets the pod', () => {
  const big = { names: ['reg.example.com/app:v1'], sizeBytes: 500 * MB };
  const nodes = [node('empty'), withImages('warm', [big])];
  const p = using(['reg.example.com/app:v1']);
  assert.equal(imageLocalityScore(p, nodes[0] as Node, nodes), 0);
  assert.ok(imageLocalityScore(p, nodes[1] as Node, nodes) > 0);
  const r = schedulePod(p, nodes, []);
  assert.equal(r.kind === 'scheduled' && r.node, 'warm');
});

test('eci-imc-id pins the pod to nodes where that cache is Ready, and explains when none is', () => {
  const nodes = [node('a'), node('b')];
  const caches = [cache('imc-1', ['app:v1'], ['b']), cache('imc-2', ['app:v1'], ['a'], 2)];
  const pinned = using(['app:v1'], { [IMC_ID]: 'imc-1' });
  const r = schedulePod(pinned, nodes, [], { caches });
  assert.equal(r.kind === 'scheduled' && r.node, 'b');
  const stale = schedulePod(using(['app:v1'], { [IMC_ID]: 'imc-3' }), nodes, [], { caches });
  assert.equal(stale.kind, 'unschedulable');
  assert.match(stale.kind === 'unschedulable' ? stale.message : '', /2 node\(s\) didn't hold image cache imc-3 Ready/);
});

test('auto-imc prefers the node with the best matching Ready cache; perfect-match and match-count narrow it', () => {
  const caches = [cache('imc-part', ['app:v1'], ['a']), cache('imc-full', ['app:v1', 'db:v1'], ['b'])];
  const p = using(['app:v1', 'db:v1']);
  assert.equal(imageCacheScore(p, 'a', caches), 50);
  assert.equal(imageCacheScore(p, 'b', caches), 100);
  assert.equal(imageCacheScore(using(['app:v1', 'db:v1'], { [PERFECT_MATCH]: 'true' }), 'a', caches), 0, 'a partial cache does not count');
  assert.equal(imageCacheScore(using(['app:v1', 'db:v1'], { [MATCH_COUNT]: '2' }), 'a', caches), 0);
  assert.equal(imageCacheScore(using(['app:v1', 'db:v1'], { [AUTO_IMC]: 'false' }), 'b', caches), 0, 'opted out');
  const r = schedulePod(p, [node('a'), node('b')], [], { caches });
  assert.equal(r.kind === 'scheduled' && r.node, 'b');
});
