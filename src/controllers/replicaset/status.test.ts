import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReplicaSet } from '../common/types.ts';
import { NOW, pod } from '../testing/fixtures.ts';
import { availabilityRecheckSeconds, replicaSetStatus } from './status.ts';

function rs(replicas: number, minReadySeconds = 0): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'rs', namespace: 'default', uid: 'u', generation: 7 },
    spec: { replicas, minReadySeconds, selector: { matchLabels: { app: 'foo' } }, template: { metadata: { labels: { app: 'foo', tier: 'web' } } } },
  };
}

// replica_set_utils_test.go TestCalculateStatus, adapted
test('replicaSetStatus counts replicas, fully labeled, ready and available', () => {
  const full = { app: 'foo', tier: 'web', extra: 'y' };
  const pods = [
    pod('a', { labels: full, ready: true, readySecondsAgo: 100 }),
    pod('b', { labels: full, ready: true, readySecondsAgo: 5 }),
    pod('c', { labels: { app: 'foo' }, ready: false }),
  ];
  assert.deepEqual(replicaSetStatus(rs(3, 10), pods, NOW), { replicas: 3, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 1, observedGeneration: 7 });
  assert.equal(replicaSetStatus(rs(3, 0), pods, NOW).availableReplicas, 2, 'minReadySeconds 0: ready is available');
});

// replica_set_utils_test.go TestCalculateStatusConditions
test('ReplicaFailure condition: FailedCreate / FailedDelete, set once, cleared on success', () => {
  const s = replicaSetStatus(rs(2), [pod('a')], NOW, 'pods "x" is forbidden: exceeded quota');
  assert.deepEqual(s.conditions, [
    { type: 'ReplicaFailure', status: 'True', lastTransitionTime: '2024-05-01T12:00:00Z', reason: 'FailedCreate', message: 'pods "x" is forbidden: exceeded quota' },
  ]);
  const over = replicaSetStatus(rs(0), [pod('a')], NOW, 'boom');
  assert.equal(over.conditions?.[0]?.reason, 'FailedDelete');

  const failing = rs(2);
  failing.status = { conditions: [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'old' }] };
  assert.equal(replicaSetStatus(failing, [pod('a')], NOW, 'new error').conditions?.[0]?.message, 'old', 'an existing failure is kept');
  assert.equal(replicaSetStatus(failing, [pod('a')], NOW).conditions, undefined);
});

test('availabilityRecheckSeconds: when the next ready pod becomes available', () => {
  const pods = [pod('a', { ready: true, readySecondsAgo: 4 }), pod('b', { ready: true, readySecondsAgo: 7 }), pod('c', { ready: true, readySecondsAgo: 60 })];
  assert.equal(availabilityRecheckSeconds(rs(3, 10), pods, NOW), 3);
  assert.equal(availabilityRecheckSeconds(rs(3, 0), pods, NOW), undefined);
  assert.equal(availabilityRecheckSeconds(rs(3, 10), [pods[2]!], NOW), undefined);
});
