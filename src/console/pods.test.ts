import assert from 'node:assert/strict';
import { test } from 'node:test';
import { byNewest, eventRow, isPodOf, podRow } from './pods.ts';
import { restartPatch, setImagePatch, workloadRow } from './workloads.ts';

test('a pod row: a waiting reason wins over the phase; the digest comes from imageID', () => {
  const row = podRow({
    metadata: { name: 'foo-7b57f86c4f-qkd4t', creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: { nodeName: 'vm', containers: [{ name: 'foo' }] },
    status: { phase: 'Pending', containerStatuses: [{ name: 'foo', ready: false, restartCount: 2, image: 'r/a:v1', imageID: 'r/a@sha256:abc', state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off' } } }] },
  });
  assert.equal(row.status, 'ImagePullBackOff');
  assert.equal(row.ready, '0/1');
  assert.equal(row.restarts, 2);
  assert.equal(row.containers[0]?.imageID, 'r/a@sha256:abc');
  assert.equal(podRow({ metadata: { name: 'x' }, status: { phase: 'Running', containerStatuses: [{ name: 'a', ready: true, state: { running: {} } }] }, spec: { containers: [{ name: 'a' }] } }).status, 'Running');
});

test('pods of a workload by name, events newest first', () => {
  assert.ok(isPodOf('Deployment', 'foo', 'foo-7b57f86c4f-qkd4t'));
  assert.ok(!isPodOf('Deployment', 'foo', 'foo-bar-7b57f86c4f-qkd4t'));
  assert.ok(isPodOf('StatefulSet', 'db', 'db-0'));
  assert.ok(!isPodOf('StatefulSet', 'db', 'db-x-0'));
  const a = eventRow({ metadata: { name: 'a', resourceVersion: '5' }, reason: 'Pulling', lastTimestamp: '2026-01-01T00:00:01Z' });
  const b = eventRow({ metadata: { name: 'b', resourceVersion: '6' }, reason: 'Pulled', lastTimestamp: '2026-01-01T00:00:01Z' });
  const c = eventRow({ metadata: { name: 'c', resourceVersion: '4' }, reason: 'Scheduled', lastTimestamp: '2026-01-01T00:00:00Z' });
  assert.deepEqual([c, a, b].sort(byNewest).map((e) => e.reason), ['Pulled', 'Pulling', 'Scheduled']);
});

test('workload rows and the patches kubectl sends', () => {
  const row = workloadRow('Deployment', { metadata: { name: 'foo' }, spec: { replicas: 2, template: { spec: { containers: [{ name: 'foo', image: 'r/a:v1' }] } } }, status: { readyReplicas: 1, updatedReplicas: 2 } });
  assert.deepEqual([row.ready, row.desired, row.upToDate, row.available, row.images], [1, 2, 2, 0, ['r/a:v1']]);
  assert.deepEqual(restartPatch(new Date('2026-11-23T17:05:31.123Z')), { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-11-23T17:05:31Z' } } } } });
  assert.deepEqual(setImagePatch('foo', 'r/a:v2'), { spec: { template: { spec: { containers: [{ name: 'foo', image: 'r/a:v2' }] } } } });
});
