import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PodTemplateSpec } from '../common/types.ts';
import { deployment, replicaSet } from '../testing/fixtures.ts';
import { computeHash, equalIgnoreHash, findNewReplicaSet, findOldReplicaSets, newReplicaSetFor, resolveNameConflict } from './pod-template-hash.ts';

function template(name: string, nodeName: string, annotations: Record<string, string>, labels: Record<string, string>): PodTemplateSpec {
  return { metadata: { labels, annotations }, spec: { containers: [{ name, image: 'img' }], nodeName } };
}

test('computeHash is stable, key-order blind, and uses the safe alphabet', () => {
  const a = template('c', 'n', {}, { app: 'x', tier: 'web' });
  const b: PodTemplateSpec = { spec: { nodeName: 'n', containers: [{ image: 'img', name: 'c' }] }, metadata: { annotations: {}, labels: { tier: 'web', app: 'x' } } };
  const h = computeHash(a);
  assert.equal(computeHash(b), h);
  // Decimal digits of a uint32 come out of SafeEncodeString as these ten characters.
  assert.match(h, /^[456789bcdf]{1,10}$/);
  assert.notEqual(computeHash(template('c2', 'n', {}, { app: 'x' })), computeHash(template('c', 'n', {}, { app: 'x' })));
});

test('computeHash changes with collisionCount, and count 0 differs from none', () => {
  const t = template('c', 'n', {}, { app: 'x' });
  const seen = new Set([computeHash(t), computeHash(t, 0), computeHash(t, 1), computeHash(t, 2)]);
  assert.equal(seen.size, 4);
  assert.equal(computeHash(t, 1), computeHash(t, 1));
});

// deployment_util_test.go TestEqualIgnoreHash
test('equalIgnoreHash table', () => {
  const H = 'pod-template-hash';
  const cases: [string, PodTemplateSpec, PodTemplateSpec, boolean][] = [
    ['Same spec, same labels', template('foo', 'foo-node', {}, { [H]: 'value-1', something: 'else' }), template('foo', 'foo-node', {}, { [H]: 'value-1', something: 'else' }), true],
    ['only hash value differs', template('foo', 'foo-node', {}, { [H]: 'value-1', something: 'else' }), template('foo', 'foo-node', {}, { [H]: 'value-2', something: 'else' }), true],
    ['former has no hash label', template('foo', 'foo-node', {}, { something: 'else' }), template('foo', 'foo-node', {}, { [H]: 'value-2', something: 'else' }), true],
    ['labels differ, same count, former without hash', template('foo', 'foo-node', {}, { something: 'else' }), template('foo', 'foo-node', {}, { [H]: 'value-2' }), false],
    ['labels differ, same count, latter without hash', template('foo', 'foo-node', {}, { [H]: 'value-1' }), template('foo', 'foo-node', {}, { something: 'else' }), false],
    ['labels differ, same hash', template('foo', 'foo-node', {}, { [H]: 'value-1' }), template('foo', 'foo-node', {}, { [H]: 'value-1', something: 'else' }), false],
    ['annotations differ', template('foo', 'foo-node', { former: 'value' }, { [H]: 'value-1' }), template('foo', 'foo-node', { latter: 'value' }, { [H]: 'value-1' }), false],
    ['spec differs', template('foo-1', 'foo-node', {}, { [H]: 'value-1' }), template('foo-2', 'foo-node', {}, { [H]: 'value-1' }), false],
  ];
  for (const [name, a, b, expected] of cases) {
    assert.equal(equalIgnoreHash(a, b), expected, name);
    assert.equal(equalIgnoreHash(b, a), expected, `${name} (swapped)`);
  }
  assert.equal(equalIgnoreHash({ metadata: {}, spec: { containers: [{ name: 'c' }] } }, { spec: { containers: [{ name: 'c' }], tolerations: [] } }), true, 'absent and empty are equal');
});

test('newReplicaSetFor builds the ReplicaSet as getNewReplicaSet does', () => {
  const d = deployment({ replicas: 10, maxSurge: '25%', minReadySeconds: 5 });
  d.metadata.annotations = { team: 'a', 'kubectl.kubernetes.io/last-applied-configuration': '{}', 'deployment.kubernetes.io/revision': '7' };
  const hash = computeHash(d.spec?.template ?? {});
  const rs = newReplicaSetFor(d, hash, { revision: '3', replicas: 2 });
  assert.equal(rs.metadata.name, `foo-${hash}`);
  assert.equal(rs.metadata.namespace, 'default');
  assert.deepEqual(rs.metadata.labels, { app: 'foo', 'pod-template-hash': hash });
  assert.deepEqual(rs.spec?.selector, { matchLabels: { app: 'foo', 'pod-template-hash': hash } });
  assert.deepEqual(rs.spec?.template?.metadata?.labels, { app: 'foo', 'pod-template-hash': hash });
  assert.equal(rs.spec?.replicas, 2);
  assert.equal(rs.spec?.minReadySeconds, 5);
  assert.deepEqual(rs.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'foo', uid: 'd-uid', controller: true, blockOwnerDeletion: true }]);
  assert.deepEqual(rs.metadata.annotations, {
    team: 'a',
    'deployment.kubernetes.io/revision': '3',
    'deployment.kubernetes.io/desired-replicas': '10',
    'deployment.kubernetes.io/max-replicas': '13',
  });
  assert.equal(d.spec?.template?.metadata?.labels?.['pod-template-hash'], undefined, 'the deployment is not changed');
});

test('findNewReplicaSet picks the oldest matching template; findOldReplicaSets the rest', () => {
  const d = deployment({ image: 'image-b' });
  const a = replicaSet('a', { image: 'image-a', replicas: 1, createdSecondsAgo: 300 });
  const b1 = replicaSet('b1', { image: 'image-b', createdSecondsAgo: 100 });
  const b2 = replicaSet('b2', { image: 'image-b', createdSecondsAgo: 200 });
  const c = replicaSet('c', { image: 'image-c', replicas: 0, createdSecondsAgo: 50 });
  assert.equal(findNewReplicaSet(d, [a, b1, b2, c])?.metadata.name, 'b2');
  const old = findOldReplicaSets(d, [a, b1, b2, c]);
  assert.deepEqual(old.all.map((r) => r.metadata.name), ['a', 'b1', 'c']);
  assert.deepEqual(old.withReplicas.map((r) => r.metadata.name), ['a']);
  assert.equal(findNewReplicaSet(deployment({ image: 'nope' }), [a, b1]), undefined);
});

test('resolveNameConflict: ours when controlled and equal, else a collision', () => {
  const d = deployment({ image: 'image-x' });
  const same = replicaSet('x', { image: 'image-x' });
  assert.equal(resolveNameConflict(d, same).kind, 'ours');
  assert.deepEqual(resolveNameConflict(d, replicaSet('x', { image: 'other' })), { kind: 'collision', collisionCount: 1 });
  const foreign = replicaSet('x', { image: 'image-x' });
  foreign.metadata.ownerReferences = [];
  d.status = { collisionCount: 4 };
  assert.deepEqual(resolveNameConflict(d, foreign), { kind: 'collision', collisionCount: 5 });
});
