import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deployment, replicaSet } from '../testing/fixtures.ts';
import { newReplicaSetAnnotations, replicasAnnotationsNeedUpdate } from './annotations.ts';

test('newReplicaSetAnnotations raises the revision and never lowers it', () => {
  const d = deployment({ replicas: 2 });
  const rs = replicaSet('r', { revision: 2 });
  assert.deepEqual(newReplicaSetAnnotations(d, rs, '3', true), { annotations: { 'deployment.kubernetes.io/revision': '3', 'deployment.kubernetes.io/revision-history': '2' }, changed: true });
  assert.deepEqual(newReplicaSetAnnotations(d, replicaSet('r', { revision: 5 }), '3', true), { annotations: { 'deployment.kubernetes.io/revision': '5' }, changed: false });
  // A numeric comparison: "10" > "9" although it sorts first as text.
  assert.equal(newReplicaSetAnnotations(d, replicaSet('r', { revision: 10 }), '9', true).changed, false);
});

// deployment_util_test.go TestAnnotationUtils / TestReplicasAnnotationsNeedUpdate
test('rollback appends the old revision to revision-history, bounded in length', () => {
  const d = deployment();
  const rs = replicaSet('r', { revision: 4, annotations: { 'deployment.kubernetes.io/revision-history': '1,2' } });
  assert.equal(newReplicaSetAnnotations(d, rs, '6', true).annotations['deployment.kubernetes.io/revision-history'], '1,2,4');
  const long = replicaSet('r', { revision: 4, annotations: { 'deployment.kubernetes.io/revision-history': '1,2,3' } });
  // "1,2,3" + ",4" is 7 characters; with a limit of 5 the oldest entry makes room.
  assert.equal(newReplicaSetAnnotations(d, long, '6', true, 5).annotations['deployment.kubernetes.io/revision-history'], '2,3,4');
  assert.equal(newReplicaSetAnnotations(d, long, '6', true, 3).annotations['deployment.kubernetes.io/revision-history'], '3,4');
  const none = replicaSet('r', {});
  assert.equal(newReplicaSetAnnotations(d, none, '1', true).annotations['deployment.kubernetes.io/revision-history'], undefined, 'a first revision is no rollback');
});

test('the deployment\'s own annotations are copied, controller ones are not', () => {
  const d = deployment({ replicas: 3, maxSurge: 1 });
  d.metadata.annotations = { a: '1', 'deployment.kubernetes.io/revision': '9', 'kubectl.kubernetes.io/last-applied-configuration': 'x' };
  const { annotations, changed } = newReplicaSetAnnotations(d, replicaSet('r', { revision: 1 }), '1', false);
  assert.equal(changed, true);
  assert.deepEqual(annotations, {
    a: '1',
    'deployment.kubernetes.io/revision': '1',
    'deployment.kubernetes.io/desired-replicas': '3',
    'deployment.kubernetes.io/max-replicas': '4',
  });
  assert.equal(newReplicaSetAnnotations(d, replicaSet('r', { revision: 1, annotations: { a: '1' } }), '1', true).changed, false);
});

test('an unparsable old revision changes nothing', () => {
  const rs = replicaSet('r', { annotations: { 'deployment.kubernetes.io/revision': 'x' } });
  assert.equal(newReplicaSetAnnotations(deployment(), rs, '2', true).changed, false);
});

test('replicasAnnotationsNeedUpdate', () => {
  const d = deployment({ replicas: 10, maxSurge: 2 });
  const ok = replicaSet('r', { annotations: { 'deployment.kubernetes.io/desired-replicas': '10', 'deployment.kubernetes.io/max-replicas': '12' } });
  assert.equal(replicasAnnotationsNeedUpdate(ok, d), false);
  assert.equal(replicasAnnotationsNeedUpdate(replicaSet('r', { annotations: { 'deployment.kubernetes.io/desired-replicas': '10' } }), d), true);
  assert.equal(replicasAnnotationsNeedUpdate(replicaSet('r'), d), true);
});
