// The next init container to run, in order, each to completion.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextInitContainer } from './init-containers.ts';
import type { PodRecord, TrackedContainer } from './pod-record.ts';
import type { Pod } from './pod-types.ts';

const pod: Pod = {
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: 'p', uid: 'u' },
  spec: { initContainers: [{ name: 'a' }, { name: 'b' }], containers: [{ name: 'app' }] },
};

function rec(entries: [string, Partial<TrackedContainer>][]): PodRecord {
  return { uid: 'u', namespace: 'n', name: 'p', startTime: '', containers: new Map(entries.map(([n, t]) => [n, { name: n, restartCount: 0, done: false, ...t }])) };
}

const ok = { done: true, terminated: { exitCode: 0 } };

test('in spec order, each after the one before has succeeded', () => {
  assert.deepEqual(nextInitContainer(pod, rec([])), { kind: 'run', container: { name: 'a' } });
  assert.deepEqual(nextInitContainer(pod, rec([['a', { current: { id: 'x', imageID: '' } }]])), { kind: 'run', container: { name: 'a' } });
  assert.deepEqual(nextInitContainer(pod, rec([['a', ok]])), { kind: 'run', container: { name: 'b' } });
  assert.deepEqual(nextInitContainer(pod, rec([['a', ok], ['b', ok]])), { kind: 'done' });
});

test('a failure for good stops there; a pod without init containers is done', () => {
  assert.deepEqual(nextInitContainer(pod, rec([['a', { done: true, terminated: { exitCode: 2 } }]])), { kind: 'failed', container: { name: 'a' } });
  assert.deepEqual(nextInitContainer({ ...pod, spec: { containers: [{ name: 'app' }] } }, rec([])), { kind: 'done' });
});

test('an app container that has run means the init containers ran (adoption after a restart)', () => {
  assert.deepEqual(nextInitContainer(pod, rec([['app', { current: { id: 'y', imageID: '' } }]])), { kind: 'done' });
});
