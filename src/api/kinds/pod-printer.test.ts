import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../object.ts';
import { podKind } from './pod.ts';

const NOW = new Date('2026-01-10T12:00:00Z');

function pod(status: Record<string, unknown>, extra: { spec?: Record<string, unknown>; deletionTimestamp?: string } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'bar', namespace: 'default', creationTimestamp: '2026-01-10T11:58:45Z', deletionTimestamp: extra.deletionTimestamp },
    spec: extra.spec ?? { containers: [{ name: 'web', image: 'x' }] },
    status,
  };
}

function cells(p: KubeObject): unknown[] {
  return podKind.table.cells(p, NOW);
}

test('columns are the verified list, wide ones at priority 1', () => {
  assert.deepEqual(
    podKind.table.columns.map((c) => `${c.name}:${c.priority}`),
    ['Name:0', 'Ready:0', 'Status:0', 'Restarts:0', 'Age:0', 'IP:1', 'Node:1', 'Nominated Node:1', 'Readiness Gates:1'],
  );
});

test('a waiting reason such as ErrImagePull is the status', () => {
  const p = pod({ phase: 'Pending', containerStatuses: [{ name: 'web', ready: false, restartCount: 0, state: { waiting: { reason: 'ErrImagePull' } } }] });
  assert.deepEqual(cells(p), ['bar', '0/1', 'ErrImagePull', '0', '75s', '<none>', '<none>', '<none>', '<none>']);
  const backoff = pod({ phase: 'Pending', containerStatuses: [{ name: 'web', state: { waiting: { reason: 'ImagePullBackOff' } } }] });
  assert.equal(cells(backoff)[2], 'ImagePullBackOff');
});

test('a running ready pod shows 1/1 Running and its IP and node', () => {
  const p = pod(
    { phase: 'Running', podIPs: [{ ip: '10.1.0.7' }], containerStatuses: [{ name: 'web', ready: true, restartCount: 0, state: { running: {} } }] },
    { spec: { containers: [{ name: 'web', image: 'x' }], nodeName: 'node-1' } },
  );
  assert.deepEqual(cells(p), ['bar', '1/1', 'Running', '0', '75s', '10.1.0.7', 'node-1', '<none>', '<none>']);
});

test('phase without container statuses; Pending before scheduling', () => {
  assert.equal(cells(pod({ phase: 'Pending' }))[2], 'Pending');
});

test('restarts add the time since the last termination', () => {
  const p = pod({
    phase: 'Running',
    containerStatuses: [
      {
        name: 'web',
        restartCount: 5,
        state: { waiting: { reason: 'CrashLoopBackOff' } },
        lastState: { terminated: { exitCode: 1, finishedAt: '2026-01-10T11:59:55Z' } },
      },
    ],
  });
  assert.deepEqual(cells(p).slice(1, 4), ['0/1', 'CrashLoopBackOff', '5 (5s ago)']);
});

test('terminated containers: reason, or ExitCode; Completed', () => {
  assert.equal(cells(pod({ phase: 'Succeeded', containerStatuses: [{ name: 'web', state: { terminated: { exitCode: 0, reason: 'Completed' } } }] }))[2], 'Completed');
  assert.equal(cells(pod({ phase: 'Failed', containerStatuses: [{ name: 'web', state: { terminated: { exitCode: 3 } } }] }))[2], 'ExitCode:3');
  assert.equal(cells(pod({ phase: 'Failed', containerStatuses: [{ name: 'web', state: { terminated: { exitCode: 137, signal: 9 } } }] }))[2], 'Signal:9');
});

test('a deleted pod that is not finished is Terminating', () => {
  const p = pod(
    { phase: 'Running', containerStatuses: [{ name: 'web', ready: true, state: { running: {} } }] },
    { deletionTimestamp: '2026-01-10T11:59:59Z' },
  );
  assert.deepEqual(cells(p).slice(1, 3), ['1/1', 'Terminating']);
  assert.equal(cells(pod({ phase: 'Succeeded' }, { deletionTimestamp: '2026-01-10T11:59:59Z' }))[2], 'Succeeded');
});

test('init containers: Init:N/M and Init:<reason>', () => {
  const spec = { initContainers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'x' }], containers: [{ name: 'web', image: 'x' }] };
  const p = pod(
    {
      phase: 'Pending',
      initContainerStatuses: [
        { name: 'a', state: { terminated: { exitCode: 0 } } },
        { name: 'b', state: { running: {} } },
      ],
      containerStatuses: [{ name: 'web', state: { waiting: { reason: 'PodInitializing' } } }],
    },
    { spec },
  );
  assert.equal(cells(p)[2], 'Init:1/2');
  const failing = pod({ phase: 'Pending', initContainerStatuses: [{ name: 'a', state: { waiting: { reason: 'ErrImagePull' } } }] }, { spec });
  assert.equal(cells(failing)[2], 'Init:ErrImagePull');
});

test('readiness gates count the true conditions', () => {
  const p = pod(
    { phase: 'Running', conditions: [{ type: 'example.com/lb', status: 'True' }] },
    { spec: { containers: [{ name: 'web', image: 'x' }], readinessGates: [{ conditionType: 'example.com/lb' }, { conditionType: 'other' }] } },
  );
  assert.equal(cells(p)[8], '1/2');
});
