import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod, StatefulSet } from '../common/types.ts';
import { NOW, statefulSet } from '../testing/fixtures.ts';
import { newStatefulSetPod } from './identity.ts';
import { planStatefulSet, statefulSetEvent } from './ordinal.ts';
import type { StatefulSetPlan } from './ordinal.ts';
import { updateRevisionName } from './revision.ts';

/** A pod as the API would hold it after the controller created it, in the given state. */
function created(set: StatefulSet, ordinal: number, state: 'Pending' | 'Ready' | 'NotReady' | 'Failed' = 'Ready', revision = updateRevisionName(set)): Pod {
  const p = newStatefulSetPod(set, ordinal, revision);
  p.metadata.uid = `${p.metadata.name}-uid`;
  const phase = state === 'Ready' || state === 'NotReady' ? 'Running' : state;
  p.status = { phase, conditions: [{ type: 'Ready', status: state === 'Ready' ? 'True' : 'False', lastTransitionTime: '2024-05-01T11:00:00Z' }] };
  return p;
}

function summary(plan: StatefulSetPlan): string[] {
  return plan.actions.map((a) => `${a.type} ${a.pod.metadata.name}`);
}

test('OrderedReady scale up: one pod at a time, each after the previous is Running and Ready', () => {
  const set = statefulSet('web', 3);
  assert.deepEqual(summary(planStatefulSet(set, [], NOW)), ['create web-0']);
  const pending = planStatefulSet(set, [created(set, 0, 'Pending')], NOW);
  assert.deepEqual(summary(pending), []);
  assert.equal(pending.waitingFor, 'Pod web-0 to be Running and Ready');
  assert.deepEqual(summary(planStatefulSet(set, [created(set, 0)], NOW)), ['create web-1']);
  assert.deepEqual(summary(planStatefulSet(set, [created(set, 0), created(set, 1)], NOW)), ['create web-2']);
  assert.deepEqual(summary(planStatefulSet(set, [created(set, 0), created(set, 1), created(set, 2)], NOW)), []);
  assert.deepEqual(summary(planStatefulSet(set, [created(set, 0, 'NotReady'), created(set, 2)], NOW)), [], 'web-1 waits for web-0');
});

test('OrderedReady waits for minReadySeconds and says when to look again', () => {
  const set = statefulSet('web', 2, { minReadySeconds: 60 });
  const fresh = created(set, 0);
  fresh.status!.conditions![0]!.lastTransitionTime = '2024-05-01T11:59:30Z';
  const plan = planStatefulSet(set, [fresh], NOW);
  assert.deepEqual(summary(plan), []);
  assert.equal(plan.waitingFor, 'Pod web-0 to be Available');
  assert.equal(plan.requeueAfterSeconds, 30);
});

test('OrderedReady scale down: highest ordinal first, one at a time, waiting for termination', () => {
  const set = statefulSet('web', 1);
  const pods = [created(set, 0), created(set, 1), created(set, 2)];
  assert.deepEqual(summary(planStatefulSet(set, pods, NOW)), ['delete web-2']);
  const terminating = created(set, 2);
  terminating.metadata.deletionTimestamp = '2024-05-01T12:00:00Z';
  assert.deepEqual(summary(planStatefulSet(set, [pods[0]!, pods[1]!, terminating], NOW)), []);
  assert.deepEqual(summary(planStatefulSet(set, [pods[0]!, pods[1]!], NOW)), ['delete web-1']);
  // An unhealthy pod is removed only when it is the first unhealthy one; otherwise it blocks.
  const blocked = planStatefulSet(set, [pods[0]!, created(set, 1, 'NotReady'), created(set, 2, 'NotReady')], NOW);
  assert.deepEqual(summary(blocked), []);
  assert.equal(blocked.waitingFor, 'Pod web-2 to be Running and Ready prior to scale down');
  assert.deepEqual(summary(planStatefulSet(set, [pods[0]!, pods[1]!, created(set, 2, 'NotReady')], NOW)), ['delete web-2']);
  assert.deepEqual(summary(planStatefulSet(set, [pods[0]!, created(set, 1, 'NotReady'), pods[2]!], NOW)), ['delete web-2'], 'a healthy pod goes first');
  assert.deepEqual(summary(planStatefulSet(set, [created(set, 0, 'NotReady'), pods[1]!, pods[2]!], NOW)), [], 'nothing while a kept pod is unhealthy');
});

test('Parallel creates and deletes everything at once', () => {
  const set = statefulSet('web', 3, { podManagementPolicy: 'Parallel' });
  assert.deepEqual(summary(planStatefulSet(set, [], NOW)), ['create web-0', 'create web-1', 'create web-2']);
  const down = statefulSet('web', 1, { podManagementPolicy: 'Parallel' });
  assert.deepEqual(summary(planStatefulSet(down, [created(down, 0, 'Pending'), created(down, 1, 'Pending'), created(down, 2)], NOW)), ['delete web-2', 'delete web-1']);
});

test('a failed or succeeded pod is deleted to be recreated; identity drift is repaired', () => {
  const set = statefulSet('web', 2);
  assert.deepEqual(summary(planStatefulSet(set, [created(set, 0, 'Failed'), created(set, 1)], NOW)), ['delete web-0']);
  const drifted = created(set, 0);
  delete drifted.metadata.labels!['statefulset.kubernetes.io/pod-name'];
  const plan = planStatefulSet(set, [drifted, created(set, 1)], NOW);
  assert.deepEqual(summary(plan), ['update web-0']);
  assert.equal(plan.actions[0]?.pod.metadata.labels?.['statefulset.kubernetes.io/pod-name'], 'web-0');
});

test('start ordinal: pods run from spec.ordinals.start', () => {
  const set = statefulSet('web', 2, { ordinals: { start: 5 } });
  assert.deepEqual(summary(planStatefulSet(set, [created(set, 5)], NOW)), ['create web-6']);
  assert.deepEqual(summary(planStatefulSet(set, [created(set, 0), created(set, 5), created(set, 6)], NOW)), ['delete web-0']);
});

test('rolling update: the highest pod off the update revision goes first, down to the partition', () => {
  const v1 = statefulSet('web', 3);
  const v2 = structuredClone(v1);
  v2.spec!.template!.spec!.containers![0]!.image = 'nginx:2';
  const oldRevision = updateRevisionName(v1);
  v2.status = { currentRevision: oldRevision };
  const pods = [0, 1, 2].map((i) => created(v1, i, 'Ready', oldRevision));
  const plan = planStatefulSet(v2, pods, NOW);
  assert.deepEqual(summary(plan), ['delete web-2']);
  assert.equal(plan.status.updateRevision, updateRevisionName(v2));
  assert.equal(plan.status.currentRevision, oldRevision);
  assert.equal(plan.status.currentReplicas, 2, 'the deleted pod no longer counts as current');

  const recreated = planStatefulSet(v2, [pods[0]!, pods[1]!], NOW);
  assert.deepEqual(summary(recreated), ['create web-2']);
  assert.equal(recreated.actions[0]?.pod.spec?.containers?.[0]?.image, 'nginx:2');
  assert.equal(recreated.actions[0]?.pod.metadata.labels?.['controller-revision-hash'], updateRevisionName(v2));
  assert.deepEqual(summary(planStatefulSet(v2, [pods[0]!, pods[1]!, created(v2, 2, 'Pending')], NOW)), [], 'waits for the new pod');
  assert.deepEqual(summary(planStatefulSet(v2, [pods[0]!, pods[1]!, created(v2, 2)], NOW)), ['delete web-1']);

  const partitioned = structuredClone(v2);
  partitioned.spec!.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: 2 } };
  assert.deepEqual(summary(planStatefulSet(partitioned, [pods[0]!, pods[1]!, created(v2, 2)], NOW)), []);
  const onDelete = structuredClone(v2);
  onDelete.spec!.updateStrategy = { type: 'OnDelete' };
  assert.deepEqual(summary(planStatefulSet(onDelete, pods, NOW)), []);
});

test('below the partition a pod is recreated at the current revision when the old set is known', () => {
  const v1 = statefulSet('web', 2);
  const v2 = structuredClone(v1);
  v2.spec!.template!.spec!.containers![0]!.image = 'nginx:2';
  v2.spec!.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: 1 } };
  v2.status = { currentRevision: updateRevisionName(v1) };
  const plan = planStatefulSet(v2, [], NOW, { currentSet: v1 });
  assert.equal(plan.actions[0]?.pod.spec?.containers?.[0]?.image, 'nginx:1');
  assert.equal(plan.actions[0]?.pod.metadata.labels?.['controller-revision-hash'], updateRevisionName(v1));
});

test('status counts and a finished rolling update', () => {
  const set = statefulSet('web', 3, { minReadySeconds: 0 });
  set.metadata.generation = 4;
  const plan = planStatefulSet(set, [created(set, 0), created(set, 1), created(set, 2, 'Pending')], NOW);
  const rev = updateRevisionName(set);
  assert.deepEqual(plan.status, {
    observedGeneration: 4,
    replicas: 3,
    readyReplicas: 2,
    availableReplicas: 2,
    currentReplicas: 3,
    updatedReplicas: 3,
    currentRevision: rev,
    updateRevision: rev,
    collisionCount: 0,
  });
  const stale = structuredClone(set);
  stale.status = { currentRevision: 'web-old' };
  const done = planStatefulSet(stale, [created(set, 0), created(set, 1), created(set, 2)], NOW);
  assert.equal(done.status.currentRevision, rev, 'all updated and ready: the update revision becomes current');
});

test('a set being deleted only gets its status', () => {
  const set = statefulSet('web', 3);
  set.metadata.deletionTimestamp = '2024-05-01T12:00:00Z';
  assert.deepEqual(planStatefulSet(set, [], NOW).actions, []);
});

test('statefulSetEvent wording', () => {
  const set = statefulSet('web', 1);
  const p = newStatefulSetPod(set, 0);
  assert.deepEqual(statefulSetEvent('create', set, p), { type: 'Normal', reason: 'SuccessfulCreate', message: 'create Pod web-0 in StatefulSet web successful' });
  assert.deepEqual(statefulSetEvent('delete', set, p, 'boom'), { type: 'Warning', reason: 'FailedDelete', message: 'delete Pod web-0 in StatefulSet web failed error: boom' });
});
