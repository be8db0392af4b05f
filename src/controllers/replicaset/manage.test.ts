import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adoptPatch, releasePatch, REPLICA_SET_KIND } from '../common/controller-ref.ts';
import type { ReplicaSet } from '../common/types.ts';
import { NOW, pod } from '../testing/fixtures.ts';
import { claimPods, podForReplicaSet, replicaDiff, replicaSetEvents, slowStartBatches } from './manage.ts';

function rs(replicas: number): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'web-5d4b8', namespace: 'prod', uid: 'rs-uid', generation: 3 },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web', 'pod-template-hash': '5d4b8' }, annotations: { note: 'x' } },
        spec: { containers: [{ name: 'c', image: 'nginx' }] },
      },
    },
  };
}

const owned = { kind: 'ReplicaSet', name: 'web-5d4b8', uid: 'rs-uid' };

test('replicaDiff: create the shortfall, delete the excess, both capped by the burst', () => {
  const pods = [pod('a', { owner: owned }), pod('b', { owner: owned })];
  assert.deepEqual(replicaDiff(rs(5), pods, pods, NOW), { create: 3, delete: [] });
  assert.deepEqual(replicaDiff(rs(2), pods, pods, NOW), { create: 0, delete: [] });
  assert.deepEqual(replicaDiff(rs(1000), [], [], NOW).create, 500);
  assert.equal(replicaDiff(rs(0), pods, pods, NOW, 1).delete.length, 1);
  const notReady = pod('c', { owner: owned, ready: false, node: 'n' });
  const ready = pod('d', { owner: owned, ready: true, node: 'n' });
  assert.deepEqual(replicaDiff(rs(1), [ready, notReady], [], NOW).delete.map((p) => p.metadata.name), ['c']);
});

test('slowStartBatches doubles from 1', () => {
  assert.deepEqual(slowStartBatches(0), []);
  assert.deepEqual(slowStartBatches(1), [1]);
  assert.deepEqual(slowStartBatches(10), [1, 2, 4, 3]);
  assert.deepEqual(slowStartBatches(15), [1, 2, 4, 8]);
  assert.deepEqual(slowStartBatches(5, 2), [2, 3]);
});

test('podForReplicaSet copies the template and sets generateName and the controller reference', () => {
  const p = podForReplicaSet(rs(1));
  assert.deepEqual(p, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: 'web-5d4b8-',
      namespace: 'prod',
      labels: { app: 'web', 'pod-template-hash': '5d4b8' },
      annotations: { note: 'x' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d4b8', uid: 'rs-uid', controller: true, blockOwnerDeletion: true }],
    },
    spec: { containers: [{ name: 'c', image: 'nginx' }] },
  });
  const long = rs(1);
  long.metadata.name = 'x'.repeat(253);
  assert.equal(podForReplicaSet(long).metadata.generateName, 'x'.repeat(253));
});

// controller_ref_manager_test.go TestClaimPods, adapted
test('claimPods: keep, adopt, release, ignore', () => {
  const set = rs(3);
  const mine = pod('mine', { labels: { app: 'web' }, owner: owned });
  const orphan = pod('orphan', { labels: { app: 'web' } });
  const strayed = pod('strayed', { labels: { app: 'other' }, owner: owned });
  const foreign = pod('foreign', { labels: { app: 'web' }, owner: { kind: 'ReplicaSet', name: 'x', uid: 'other' } });
  const unselected = pod('unselected', { labels: { app: 'other' } });
  const dyingOrphan = pod('dying', { labels: { app: 'web' }, deleting: true });
  const finished = pod('finished', { labels: { app: 'web' }, owner: owned, phase: 'Succeeded' });
  for (const p of [mine, orphan, strayed, foreign, unselected, dyingOrphan, finished]) p.metadata.namespace = 'prod';
  const result = claimPods(set, [mine, orphan, strayed, foreign, unselected, dyingOrphan, finished]);
  assert.deepEqual(result.owned.map((p) => p.metadata.name), ['mine', 'orphan']);
  assert.deepEqual(result.adopt.map((p) => p.metadata.name), ['orphan']);
  assert.deepEqual(result.release.map((p) => p.metadata.name), ['strayed']);

  const deleting = rs(3);
  deleting.metadata.deletionTimestamp = '2024-01-01T00:00:00Z';
  const whileDeleting = claimPods(deleting, [mine, orphan, strayed]);
  assert.deepEqual(whileDeleting.owned.map((p) => p.metadata.name), ['mine'], 'a controller being deleted neither adopts nor releases');
  assert.deepEqual(whileDeleting.release, []);

  const otherNs = pod('other-ns', { labels: { app: 'web' } });
  otherNs.metadata.namespace = 'dev';
  assert.deepEqual(claimPods(set, [otherNs]).adopt, []);
});

test('adopt and release patches', () => {
  const set = rs(1);
  const p = pod('p');
  assert.deepEqual(adoptPatch(set, REPLICA_SET_KIND, p), {
    metadata: { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d4b8', uid: 'rs-uid', controller: true, blockOwnerDeletion: true }], uid: 'p-uid' },
  });
  assert.deepEqual(releasePatch(set, p), { metadata: { ownerReferences: [{ $patch: 'delete', uid: 'rs-uid' }], uid: 'p-uid' } });
});

test('event wording', () => {
  assert.deepEqual(replicaSetEvents.created('web-5d4b8-abcde'), { type: 'Normal', reason: 'SuccessfulCreate', message: 'Created pod: web-5d4b8-abcde' });
  assert.equal(replicaSetEvents.createFailed('forbidden').message, 'Error creating: forbidden');
  assert.equal(replicaSetEvents.deleted('x').reason, 'SuccessfulDelete');
});
