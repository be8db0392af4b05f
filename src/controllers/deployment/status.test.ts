import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Condition, Deployment } from '../common/types.ts';
import { NOW, ago, deployment, replicaSet } from '../testing/fixtures.ts';
import { getCondition } from './conditions.ts';
import { calculateStatus, deploymentStatus, pausedConditions, progressCheckAfterSeconds, rolloutStatus } from './status.ts';

function withStatus(d: Deployment, replicas: number, updated: number, available: number, conditions: Condition[]): Deployment {
  d.status = { replicas, updatedReplicas: updated, availableReplicas: available, readyReplicas: available, conditions };
  return d;
}

const T0 = ago(30);
const progressingTrue: Condition = { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: 'x', lastUpdateTime: T0, lastTransitionTime: T0 };
const progressingFalse: Condition = { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'x', lastUpdateTime: T0, lastTransitionTime: T0 };
const complete: Condition = { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: 'x', lastUpdateTime: T0, lastTransitionTime: T0 };

test('calculateStatus sums the ReplicaSets and sets Available', () => {
  const d = deployment({ replicas: 3, maxUnavailable: 1, generation: 4 });
  const s = calculateStatus(d, [replicaSet('old', { replicas: 1, available: 1 }), replicaSet('new', { replicas: 3, actual: 2, ready: 2, available: 1 })], replicaSet('new', { replicas: 3, actual: 2, ready: 2, available: 1 }), NOW);
  assert.equal(s.observedGeneration, 4);
  assert.equal(s.replicas, 3);
  assert.equal(s.updatedReplicas, 2);
  assert.equal(s.readyReplicas, 3);
  assert.equal(s.availableReplicas, 2);
  assert.equal(s.unavailableReplicas, 2);
  assert.deepEqual(getCondition(s.conditions, 'Available'), {
    type: 'Available',
    status: 'True',
    reason: 'MinimumReplicasAvailable',
    message: 'Deployment has minimum availability.',
    lastUpdateTime: '2024-05-01T12:00:00Z',
    lastTransitionTime: '2024-05-01T12:00:00Z',
  });
  const below = calculateStatus(deployment({ replicas: 3, maxSurge: 1, maxUnavailable: 0 }), [replicaSet('a', { replicas: 3, available: 2 })], undefined, NOW);
  assert.equal(getCondition(below.conditions, 'Available')?.reason, 'MinimumReplicasUnavailable');
  assert.equal(getCondition(below.conditions, 'Available')?.message, 'Deployment does not have minimum availability.');
  assert.equal(below.updatedReplicas, 0);
});

test('unavailableReplicas never goes negative (scaling down)', () => {
  const s = calculateStatus(deployment({ replicas: 1 }), [replicaSet('a', { replicas: 1, actual: 3, available: 3 })], undefined, NOW);
  assert.equal(s.unavailableReplicas, 0);
});

// progress_test.go TestSyncRolloutStatus, adapted
test('rolloutStatus: Progressing condition cases', () => {
  const progressing = withStatus(deployment({ replicas: 3, progressDeadlineSeconds: 60 }), 3, 1, 1, [progressingTrue]);
  const moving = rolloutStatus(progressing, [replicaSet('old', { replicas: 1 }), replicaSet('new', { replicas: 2 })], replicaSet('new', { replicas: 2 }), NOW);
  const c1 = getCondition(moving.conditions, 'Progressing');
  assert.equal(c1?.reason, 'ReplicaSetUpdated');
  assert.equal(c1?.message, 'ReplicaSet "new" is progressing.');
  assert.equal(c1?.lastTransitionTime, T0, 'Progressing=True keeps its transition time');
  assert.equal(c1?.lastUpdateTime, '2024-05-01T12:00:00Z', 'but progress refreshes the update time');

  const fromFalse = rolloutStatus(withStatus(deployment({ replicas: 3, progressDeadlineSeconds: 60 }), 3, 1, 1, [progressingFalse]), [replicaSet('new', { replicas: 3, available: 2 })], replicaSet('new', { replicas: 3, available: 2 }), NOW);
  assert.equal(getCondition(fromFalse.conditions, 'Progressing')?.lastTransitionTime, '2024-05-01T12:00:00Z', 'False -> True transitions');

  const done = rolloutStatus(withStatus(deployment({ replicas: 3, progressDeadlineSeconds: 60 }), 3, 3, 2, [progressingTrue]), [replicaSet('new', { replicas: 3 })], replicaSet('new', { replicas: 3 }), NOW);
  assert.deepEqual(getCondition(done.conditions, 'Progressing'), {
    type: 'Progressing',
    status: 'True',
    reason: 'NewReplicaSetAvailable',
    message: 'ReplicaSet "new" has successfully progressed.',
    lastUpdateTime: '2024-05-01T12:00:00Z',
    lastTransitionTime: T0,
  });

  const noRS = rolloutStatus(withStatus(deployment({ replicas: 0, progressDeadlineSeconds: 60 }), 3, 3, 3, [progressingTrue]), [replicaSet('foo', { replicas: 0, actual: 0 })], undefined, NOW);
  assert.equal(getCondition(noRS.conditions, 'Progressing')?.message, 'Deployment "foo" has successfully progressed.');
});

test('rolloutStatus: deadline exceeded, once', () => {
  const stuck = withStatus(deployment({ replicas: 3, progressDeadlineSeconds: 10 }), 2, 2, 2, [progressingTrue]);
  const rss = [replicaSet('new', { replicas: 3, actual: 3, available: 2 })];
  rss[0]!.status!.replicas = 2;
  const s = rolloutStatus(stuck, rss, rss[0], NOW);
  assert.deepEqual(getCondition(s.conditions, 'Progressing'), {
    type: 'Progressing',
    status: 'False',
    reason: 'ProgressDeadlineExceeded',
    message: 'ReplicaSet "new" has timed out progressing.',
    lastUpdateTime: '2024-05-01T12:00:00Z',
    lastTransitionTime: '2024-05-01T12:00:00Z',
  });
  const again = rolloutStatus(withStatus(deployment({ replicas: 3, progressDeadlineSeconds: 10 }), 2, 2, 2, [progressingFalse]), rss, rss[0], NOW);
  assert.deepEqual(getCondition(again.conditions, 'Progressing'), progressingFalse, 'an existing timeout is left as it is');
  const inTime = rolloutStatus(withStatus(deployment({ replicas: 3, progressDeadlineSeconds: 600 }), 2, 2, 2, [progressingTrue]), rss, rss[0], NOW);
  assert.deepEqual(getCondition(inTime.conditions, 'Progressing'), progressingTrue);
});

test('rolloutStatus: no deadline removes Progressing; a finished rollout is left alone', () => {
  const none = rolloutStatus(withStatus(deployment({ replicas: 1 }), 1, 1, 1, [progressingTrue]), [replicaSet('n', { replicas: 1 })], replicaSet('n', { replicas: 1 }), NOW);
  assert.equal(getCondition(none.conditions, 'Progressing'), undefined);
  const resync = rolloutStatus(withStatus(deployment({ replicas: 3, progressDeadlineSeconds: 60 }), 3, 3, 3, [complete]), [replicaSet('n', { replicas: 3 })], replicaSet('n', { replicas: 3 }), NOW);
  assert.deepEqual(getCondition(resync.conditions, 'Progressing'), complete);
});

test('rolloutStatus promotes a ReplicaSet failure condition, the new ReplicaSet\'s first', () => {
  const failure = { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'quota', lastTransitionTime: T0 };
  const newRS = replicaSet('n', { replicas: 1, available: 0 });
  newRS.status!.conditions = [failure];
  const s = rolloutStatus(deployment({ replicas: 1 }), [newRS], newRS, NOW);
  assert.deepEqual(getCondition(s.conditions, 'ReplicaFailure'), { ...failure, lastUpdateTime: T0 });
  const cleared = rolloutStatus(withStatus(deployment({ replicas: 1 }), 1, 1, 1, [{ ...failure }]), [replicaSet('n', { replicas: 1 })], replicaSet('n', { replicas: 1 }), NOW);
  assert.equal(getCondition(cleared.conditions, 'ReplicaFailure'), undefined);
});

test('progressCheckAfterSeconds schedules the deadline check', () => {
  const d = withStatus(deployment({ replicas: 3, progressDeadlineSeconds: 60 }), 3, 2, 2, [progressingTrue]);
  assert.equal(progressCheckAfterSeconds(d, d.status ?? {}, NOW), 31);
  const late = withStatus(deployment({ replicas: 3, progressDeadlineSeconds: 20 }), 3, 2, 2, [progressingTrue]);
  assert.equal(progressCheckAfterSeconds(late, late.status ?? {}, NOW), 0);
  const timedOut = withStatus(deployment({ replicas: 3, progressDeadlineSeconds: 60 }), 3, 2, 2, [progressingFalse]);
  assert.equal(progressCheckAfterSeconds(timedOut, timedOut.status ?? {}, NOW), undefined);
  assert.equal(progressCheckAfterSeconds(deployment({ replicas: 3 }), {}, NOW), undefined);
});

test('pausedConditions: Unknown/DeploymentPaused, then DeploymentResumed', () => {
  const paused = withStatus(deployment({ paused: true, progressDeadlineSeconds: 600 }), 1, 1, 1, [progressingTrue]);
  const c = getCondition(pausedConditions(paused, NOW), 'Progressing');
  assert.deepEqual([c?.status, c?.reason, c?.message], ['Unknown', 'DeploymentPaused', 'Deployment is paused']);
  const resumed = withStatus(deployment({ paused: false, progressDeadlineSeconds: 600 }), 1, 1, 1, [c as Condition]);
  assert.equal(getCondition(pausedConditions(resumed, NOW), 'Progressing')?.reason, 'DeploymentResumed');
  assert.equal(pausedConditions(withStatus(deployment({ paused: true, progressDeadlineSeconds: 600 }), 1, 1, 1, [progressingFalse]), NOW), undefined);
  assert.equal(pausedConditions(withStatus(deployment({ paused: true, progressDeadlineSeconds: 600 }), 1, 1, 1, [c as Condition]), NOW), undefined);
});

test('deploymentStatus finds the new ReplicaSet itself', () => {
  const d = deployment({ replicas: 2, image: 'image-new', progressDeadlineSeconds: 600 });
  const rss = [replicaSet('old', { replicas: 0, actual: 0, image: 'image-old' }), replicaSet('new', { replicas: 2, image: 'image-new' })];
  const s = deploymentStatus(d, rss, NOW);
  assert.equal(s.updatedReplicas, 2);
  assert.equal(getCondition(s.conditions, 'Progressing')?.message, 'ReplicaSet "new" has successfully progressed.');
  const paused = deploymentStatus(deployment({ replicas: 2, image: 'image-new', progressDeadlineSeconds: 600, paused: true }), rss, NOW);
  assert.equal(getCondition(paused.conditions, 'Progressing'), undefined);
});
