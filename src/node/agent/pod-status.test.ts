// Pod status from the agent's records: init container statuses, the Initialized condition, the
// phase, PodInitializing, and ready/started from the probes, as the kubelet sets them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { podPhase } from './pod-phase.ts';
import type { PodRecord, TrackedContainer } from './pod-record.ts';
import { podStatus } from './pod-status.ts';
import type { ProbeView } from './pod-status.ts';
import type { Pod, PodSpec } from './pod-types.ts';

const NOW = '2026-01-01T00:00:00Z';

function pod(spec: Partial<PodSpec>): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'u1' }, spec: { containers: [{ name: 'app', image: 'x' }], ...spec } };
}

function rec(containers: Partial<TrackedContainer>[]): PodRecord {
  return {
    uid: 'u1', namespace: 'default', name: 'p', startTime: NOW,
    containers: new Map(containers.map((c) => [c.name as string, { restartCount: 0, done: false, ...c } as TrackedContainer])),
  };
}

const running = (id: string) => ({ current: { id, imageID: 'img', startedAt: NOW } });
const exited = (id: string, exitCode: number) => ({
  ...running(id), done: exitCode === 0, terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', containerID: `runc://${id}` },
});
const INIT = { initContainers: [{ name: 'i1', image: 'x' }, { name: 'i2', image: 'x' }] };
const cond = (s: ReturnType<typeof podStatus>, type: string) => s.conditions?.find((c) => c.type === type);

test('while the first init container runs: Pending, Init not done, app waits PodInitializing', () => {
  const s = podStatus(pod(INIT), rec([{ name: 'i1', ...running('c1') }]), NOW);
  assert.equal(s.phase, 'Pending');
  assert.deepEqual(s.initContainerStatuses?.map((c) => [c.name, Object.keys(c.state)[0], c.ready, c.started]), [
    ['i1', 'running', false, true], ['i2', 'waiting', false, false],
  ]);
  assert.equal(s.initContainerStatuses?.[1]?.state.waiting?.reason, 'PodInitializing');
  assert.equal(s.containerStatuses?.[0]?.state.waiting?.reason, 'PodInitializing');
  assert.deepEqual(cond(s, 'Initialized'), {
    type: 'Initialized', status: 'False', lastProbeTime: null, lastTransitionTime: NOW,
    reason: 'ContainersNotInitialized', message: 'containers with incomplete status: [i1 i2]',
  });
});

test('init containers done: Initialized True without a reason, the app runs and is ready', () => {
  const s = podStatus(pod(INIT), rec([{ name: 'i1', ...exited('c1', 0) }, { name: 'i2', ...exited('c2', 0) }, { name: 'app', ...running('c3') }]), NOW);
  assert.equal(s.phase, 'Running');
  assert.deepEqual(s.initContainerStatuses?.map((c) => c.ready), [true, true]);
  assert.equal(cond(s, 'Initialized')?.status, 'True');
  assert.equal(cond(s, 'Initialized')?.reason, undefined);
  assert.equal(cond(s, 'Ready')?.status, 'True');
});

test('a failed init container: Failed with restartPolicy Never, Pending while it restarts', () => {
  const failed = rec([{ name: 'i1', ...exited('c1', 1), done: true }]);
  const f = podStatus(pod({ ...INIT, restartPolicy: 'Never' }), failed, NOW);
  assert.equal(f.phase, 'Failed');
  assert.deepEqual([cond(f, 'Ready')?.reason, cond(f, 'Ready')?.message], ['PodFailed', undefined]);
  const looping = rec([{ name: 'i1', ...exited('c1', 1), waiting: { reason: 'CrashLoopBackOff' } }]);
  const s = podStatus(pod(INIT), looping, NOW);
  assert.equal(s.phase, 'Pending');
  assert.equal(s.initContainerStatuses?.[0]?.state.waiting?.reason, 'CrashLoopBackOff');
  assert.equal(s.initContainerStatuses?.[0]?.lastState.terminated?.exitCode, 1);
});

test('no init containers: no initContainerStatuses, ContainerCreating, Initialized True', () => {
  const s = podStatus(pod({}), rec([]), NOW);
  assert.equal(s.initContainerStatuses, undefined);
  assert.equal(s.containerStatuses?.[0]?.state.waiting?.reason, 'ContainerCreating');
  assert.equal(cond(s, 'Initialized')?.status, 'True');
});

test('readiness and startup probes decide ready and started', () => {
  const view = (ready: boolean | undefined, started: boolean | undefined): ProbeView => ({ ready: () => ready, started: () => started });
  const r = rec([{ name: 'app', ...running('c1') }]);
  const notReady = podStatus(pod({}), r, NOW, view(false, undefined));
  assert.equal(notReady.containerStatuses?.[0]?.ready, false);
  assert.equal(notReady.containerStatuses?.[0]?.started, true);
  assert.equal(notReady.phase, 'Running');
  assert.equal(cond(notReady, 'Ready')?.message, 'containers with unready status: [app]');
  assert.equal(cond(notReady, 'ContainersReady')?.reason, 'ContainersNotReady');
  const notStarted = podStatus(pod({}), r, NOW, view(true, false));
  assert.equal(notStarted.containerStatuses?.[0]?.started, false);
  assert.equal(notStarted.containerStatuses?.[0]?.ready, false, 'not ready before started');
  assert.equal(cond(podStatus(pod({}), r, NOW, view(true, true)), 'Ready')?.status, 'True');
});

test('getPhase: all stopped follows restartPolicy; Succeeded marks Initialized PodCompleted', () => {
  const done = rec([{ name: 'app', ...exited('c1', 0), done: true }]);
  const s = podStatus(pod({ restartPolicy: 'Never' }), done, NOW);
  assert.equal(s.phase, 'Succeeded');
  assert.equal(cond(s, 'Initialized')?.reason, 'PodCompleted');
  assert.equal(cond(s, 'Ready')?.reason, 'PodCompleted');
  const spec: PodSpec = { containers: [{ name: 'a' }, { name: 'b' }], restartPolicy: 'OnFailure' };
  const term = (name: string, exitCode: number) => ({
    name, image: '', imageID: '', ready: false, started: false, restartCount: 0, state: { terminated: { exitCode } }, lastState: {},
  });
  assert.equal(podPhase(spec, [], [term('a', 0), term('b', 1)]), 'Running');
  assert.equal(podPhase({ ...spec, restartPolicy: 'Never' }, [], [term('a', 0), term('b', 1)]), 'Failed');
  assert.equal(podPhase({ ...spec, restartPolicy: 'Always' }, [], [term('a', 0), term('b', 0)]), 'Running');
});
