import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deployment, replicaSet } from '../testing/fixtures.ts';
import { replicaSetsToCleanUp, rollbackPatch } from './history.ts';

// sync_test.go TestDeploymentController_cleanupDeployment, adapted
test('replicaSetsToCleanUp deletes the lowest revisions beyond the limit, only empty ones', () => {
  const old = [
    replicaSet('r3', { revision: 3, createdSecondsAgo: 30 }),
    replicaSet('r1', { revision: 1, createdSecondsAgo: 50 }),
    replicaSet('r2', { revision: 2, createdSecondsAgo: 40 }),
  ];
  assert.deepEqual(replicaSetsToCleanUp(deployment({ revisionHistoryLimit: 1 }), old).map((r) => r.metadata.name), ['r1', 'r2']);
  assert.deepEqual(replicaSetsToCleanUp(deployment({ revisionHistoryLimit: 3 }), old), []);
  assert.deepEqual(replicaSetsToCleanUp(deployment({ revisionHistoryLimit: 0 }), old).length, 3);
  assert.deepEqual(replicaSetsToCleanUp(deployment({ revisionHistoryLimit: 2147483647 }), old), [], 'MaxInt32 keeps all');
  assert.deepEqual(replicaSetsToCleanUp(deployment(), old), [], 'no limit set');
});

test('replicaSetsToCleanUp skips ReplicaSets with pods, unobserved specs, or being deleted', () => {
  const busy = replicaSet('busy', { revision: 1, replicas: 1 });
  const draining = replicaSet('draining', { revision: 2, replicas: 0, actual: 1 });
  const unobserved = replicaSet('unobserved', { revision: 3 });
  unobserved.metadata.generation = 2;
  unobserved.status!.observedGeneration = 1;
  const deleting = replicaSet('deleting', { revision: 4 });
  deleting.metadata.deletionTimestamp = '2024-01-01T00:00:00Z';
  const idle = replicaSet('idle', { revision: 5 });
  const result = replicaSetsToCleanUp(deployment({ revisionHistoryLimit: 0 }), [busy, draining, unobserved, deleting, idle]);
  assert.deepEqual(result.map((r) => r.metadata.name), ['idle']);
});

test('rollbackPatch: undo to the previous revision the way kubectl does', () => {
  const d = deployment({ image: 'image-r2' });
  d.metadata.annotations = { 'deployment.kubernetes.io/revision': '2', note: 'current' };
  const r1 = replicaSet('r1', { revision: 1, image: 'image-r1', annotations: { note: 'first', 'deployment.kubernetes.io/desired-replicas': '1' } });
  const r2 = replicaSet('r2', { revision: 2, image: 'image-r2' });
  const result = rollbackPatch(d, [r1, r2]);
  assert.equal(result.kind, 'patch');
  if (result.kind !== 'patch') return;
  assert.equal(result.revision, 1);
  assert.equal(result.patch[0]?.path, '/spec/template');
  assert.deepEqual(result.patch[0]?.value, { metadata: { labels: { app: 'foo' } }, spec: { containers: [{ name: 'c', image: 'image-r1' }] } });
  assert.deepEqual(result.patch[1], { op: 'replace', path: '/metadata/annotations', value: { 'deployment.kubernetes.io/revision': '2', note: 'first' } });
  assert.equal(r1.spec?.template?.metadata?.labels?.['pod-template-hash'], 'r1', 'the ReplicaSet is not changed');
});

test('rollbackPatch errors and skips as kubectl words them', () => {
  const d = deployment({ image: 'image-r2' });
  const r2 = replicaSet('r2', { revision: 2, image: 'image-r2' });
  assert.deepEqual(rollbackPatch(d, [r2]), { kind: 'error', message: 'no rollout history found for deployment "foo"' });
  assert.deepEqual(rollbackPatch(d, [r2], 7), { kind: 'error', message: 'unable to find specified revision 7 in history' });
  assert.deepEqual(rollbackPatch(d, [r2], 2), { kind: 'skipped', message: 'skipped rollback (current template already matches revision 2)' });
  const paused = deployment({ image: 'x', paused: true });
  assert.equal(rollbackPatch(paused, [r2], 2).kind, 'error');
});
