import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReplicaSet } from '../common/types.ts';
import { deployment, replicaSet } from '../testing/fixtures.ts';
import { findActiveOrLatest, isSaturated, isScalingEvent, proportionalScale } from './scale.ts';

/** An RS annotated as the controller would have left it for a deployment of `was` replicas (maxSurge 0). */
function rs(name: string, replicas: number, age: number, was: number): ReplicaSet {
  return replicaSet(name, {
    replicas,
    createdSecondsAgo: age,
    annotations: { 'deployment.kubernetes.io/desired-replicas': String(was), 'deployment.kubernetes.io/max-replicas': String(was) },
  });
}

function sizes(steps: { name: string; to: number }[], all: ReplicaSet[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of all) out[r.metadata.name ?? ''] = r.spec?.replicas ?? 0;
  for (const s of steps) out[s.name] = s.to;
  return out;
}

// sync_test.go TestScale (newRS is the newest; old ones older, then older still)
test('proportionalScale follows the TestScale table', () => {
  const cases: { name: string; to: number; from: number; newRS?: [string, number]; old: [string, number][]; expected: Record<string, number> }[] = [
    { name: 'normal scaling event: 10 -> 12', to: 12, from: 10, newRS: ['foo-v1', 10], old: [], expected: { 'foo-v1': 12 } },
    { name: 'normal scaling event: 10 -> 5', to: 5, from: 10, newRS: ['foo-v1', 10], old: [], expected: { 'foo-v1': 5 } },
    { name: 'proportional scaling: 5 -> 10', to: 10, from: 5, newRS: ['foo-v2', 2], old: [['foo-v1', 3]], expected: { 'foo-v2': 4, 'foo-v1': 6 } },
    { name: 'proportional scaling: 5 -> 3', to: 3, from: 5, newRS: ['foo-v2', 2], old: [['foo-v1', 3]], expected: { 'foo-v2': 1, 'foo-v1': 2 } },
    { name: 'proportional scaling: 9 -> 4', to: 4, from: 9, newRS: ['foo-v2', 8], old: [['foo-v1', 1]], expected: { 'foo-v2': 4, 'foo-v1': 0 } },
    {
      name: 'proportional scaling: 7 -> 10',
      to: 10,
      from: 7,
      newRS: ['foo-v3', 2],
      old: [['foo-v2', 3], ['foo-v1', 2]],
      expected: { 'foo-v3': 3, 'foo-v2': 4, 'foo-v1': 3 },
    },
    {
      name: 'proportional scaling: 13 -> 8',
      to: 8,
      from: 13,
      newRS: ['foo-v3', 2],
      old: [['foo-v2', 8], ['foo-v1', 3]],
      expected: { 'foo-v3': 1, 'foo-v2': 5, 'foo-v1': 2 },
    },
    { name: 'leftover distribution: 3 -> 4', to: 4, from: 3, newRS: ['foo-v3', 1], old: [['foo-v2', 1], ['foo-v1', 1]], expected: { 'foo-v3': 2, 'foo-v2': 1, 'foo-v1': 1 } },
    { name: 'leftover distribution: 3 -> 2', to: 2, from: 3, newRS: ['foo-v3', 1], old: [['foo-v2', 1], ['foo-v1', 1]], expected: { 'foo-v3': 1, 'foo-v2': 1, 'foo-v1': 0 } },
    { name: 'proportional scaling (no new rs): 4 -> 5', to: 5, from: 4, old: [['foo-v2', 2], ['foo-v1', 2]], expected: { 'foo-v2': 3, 'foo-v1': 2 } },
    { name: 'proportional scaling: 6 -> 0', to: 0, from: 6, newRS: ['foo-v3', 3], old: [['foo-v2', 2], ['foo-v1', 1]], expected: { 'foo-v3': 0, 'foo-v2': 0, 'foo-v1': 0 } },
    { name: 'proportional scaling: 0 -> 6', to: 6, from: 6, newRS: ['foo-v3', 0], old: [['foo-v2', 0], ['foo-v1', 0]], expected: { 'foo-v3': 6, 'foo-v2': 0, 'foo-v1': 0 } },
  ];
  for (const c of cases) {
    const d = deployment({ replicas: c.to });
    const newRS = c.newRS ? rs(c.newRS[0], c.newRS[1], 10, c.from) : undefined;
    const old = c.old.map(([n, r], i) => rs(n, r, 100 * (i + 1), c.from));
    const steps = proportionalScale(d, newRS, old);
    assert.deepEqual(sizes(steps, [...(newRS ? [newRS] : []), ...old]), c.expected, c.name);
  }
});

test('proportionalScale uses each ReplicaSet\'s own max-replicas annotation', () => {
  // sync_test.go "failed rs update": foo-v2 was last annotated for 3 replicas.
  const d = deployment({ replicas: 5 });
  const newRS = rs('foo-v3', 2, 10, 5);
  const v2 = rs('foo-v2', 1, 100, 3);
  const v1 = rs('foo-v1', 1, 200, 5);
  assert.deepEqual(sizes(proportionalScale(d, newRS, [v2, v1]), [newRS, v2, v1]), { 'foo-v3': 2, 'foo-v2': 2, 'foo-v1': 1 });
});

test('a saturated new ReplicaSet scales the old ones to 0', () => {
  const d = deployment({ replicas: 3 });
  const newRS = rs('new', 3, 10, 3);
  const old = rs('old', 2, 100, 5);
  assert.equal(isSaturated(d, newRS), true);
  assert.deepEqual(proportionalScale(d, newRS, [old]), [{ name: 'old', from: 2, to: 0 }]);
  assert.equal(isSaturated(d, rs('new', 3, 10, 4)), false, 'annotation disagrees');
  assert.equal(isSaturated(d, replicaSet('new', { replicas: 3, available: 2, annotations: { 'deployment.kubernetes.io/desired-replicas': '3' } })), false);
});

test('findActiveOrLatest: the one active, else the newest, else none', () => {
  const a = rs('a', 0, 300, 1);
  const b = rs('b', 0, 200, 1);
  assert.equal(findActiveOrLatest(undefined, [a, b])?.metadata.name, 'b');
  assert.equal(findActiveOrLatest(rs('n', 0, 1, 1), [a, b])?.metadata.name, 'n');
  assert.equal(findActiveOrLatest(rs('n', 0, 1, 1), [rs('a', 2, 300, 1), b])?.metadata.name, 'a');
  assert.equal(findActiveOrLatest(rs('n', 1, 1, 1), [rs('a', 2, 300, 1)]), undefined);
  assert.equal(findActiveOrLatest(undefined, []), undefined);
});

test('isScalingEvent compares desired-replicas annotations of active ReplicaSets', () => {
  const d = deployment({ replicas: 4 });
  assert.equal(isScalingEvent(d, rs('n', 3, 1, 3), []), true);
  assert.equal(isScalingEvent(d, rs('n', 4, 1, 4), [rs('o', 0, 10, 3)]), false, 'inactive ones do not count');
  assert.equal(isScalingEvent(d, replicaSet('n', { replicas: 2 }), []), false, 'no annotation, no event');
});
