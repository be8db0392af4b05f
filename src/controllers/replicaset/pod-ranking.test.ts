import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from '../common/types.ts';
import { NOW, pod as basePod } from '../testing/fixtures.ts';
import { comparePodsForDeletion, deletionCost, podsToDelete, rankByRelatedPodsOnSameNode } from './pod-ranking.ts';

const HOUR = 3600;
const MONTH = 30 * 24 * HOUR;

/** controller_utils_test.go's pod(): ready pods get a Ready condition since `readySince` (seconds ago). */
function pod(name: string, node: string, phase: string, ready: boolean, restarts: number, readySince?: number, created?: number, annotations?: Record<string, string>): Pod {
  const p = basePod(name, {
    ...(node === '' ? {} : { node }),
    phase,
    restarts,
    uid: '',
    ...(created === undefined ? {} : { createdSecondsAgo: created }),
    ...(annotations === undefined ? {} : { annotations }),
  });
  p.status!.conditions = ready ? [{ type: 'Ready', status: 'True', ...(readySince === undefined ? {} : { lastTransitionTime: new Date(NOW.getTime() - readySince * 1000).toISOString() }) }] : [];
  return p;
}

const unscheduledPod = pod('unscheduled', '', 'Pending', false, 0);
const scheduledPendingPod = pod('pending', 'node', 'Pending', false, 0);
const unknownPhasePod = pod('unknown-phase', 'node', 'Unknown', false, 0);
const runningNotReadyPod = pod('not-ready', 'node', 'Running', false, 0);
const runningReadyNoLastTransitionTimePod = pod('ready-no-last-transition-time', 'node', 'Running', true, 0);
const runningReadyNow = pod('ready-now', 'node', 'Running', true, 0, 0, 0);
const runningReadyThen = pod('ready-then', 'node', 'Running', true, 0, MONTH, MONTH);
const runningReadyNowHighRestarts = pod('ready-high-restarts', 'node', 'Running', true, 9001, 0, 0);
const runningReadyNowCreatedThen = pod('ready-now-created-then', 'node', 'Running', true, 0, 0, MONTH);
const lowPodDeletionCost = pod('low-deletion-cost', 'node', 'Running', true, 0, 0, MONTH, { 'controller.kubernetes.io/pod-deletion-cost': '10' });
const highPodDeletionCost = pod('high-deletion-cost', 'node', 'Running', true, 0, 0, MONTH, { 'controller.kubernetes.io/pod-deletion-cost': '100' });
const unscheduled5Hours = pod('unscheduled-5-hours', '', 'Pending', false, 0, 5 * HOUR, 5 * HOUR);
const unscheduled8Hours = pod('unscheduled-10-hours', '', 'Pending', false, 0, 8 * HOUR, 8 * HOUR);
const ready2Hours = pod('ready-2-hours', '', 'Running', true, 0, 2 * HOUR, MONTH);
const ready5Hours = pod('ready-5-hours', '', 'Running', true, 0, 5 * HOUR, MONTH);
const ready10Hours = pod('ready-10-hours', '', 'Running', true, 0, 8 * HOUR, MONTH);

const less = (a: Pod, ra: number, b: Pod, rb: number) => comparePodsForDeletion({ pod: a, rank: ra }, { pod: b, rank: rb }, NOW) < 0;

// controller_utils_test.go TestSortingActivePodsWithRanks: equality cases
test('pods that tie under the ranking', () => {
  const pairs: [Pod, Pod][] = [
    [unscheduledPod, unscheduledPod],
    [scheduledPendingPod, scheduledPendingPod],
    [unknownPhasePod, unknownPhasePod],
    [runningNotReadyPod, runningNotReadyPod],
    [runningReadyNowCreatedThen, runningReadyNowCreatedThen],
    [runningReadyNow, runningReadyNow],
    [runningReadyThen, runningReadyThen],
    [runningReadyNowHighRestarts, runningReadyNowHighRestarts],
    // Same power-of-two age bucket: a tie (broken by uid, equal here).
    [unscheduled5Hours, unscheduled8Hours],
    [ready5Hours, ready10Hours],
  ];
  for (const [a, b] of pairs) {
    assert.equal(less(a, 0, b, 0), false, `${a.metadata.name} < ${b.metadata.name}`);
    assert.equal(less(b, 0, a, 0), false, `${b.metadata.name} < ${a.metadata.name}`);
  }
});

// controller_utils_test.go TestSortingActivePodsWithRanks: inequality cases (lesser is deleted first)
test('pods ranked for deletion: the Kubernetes table', () => {
  const cases: [Pod, number, Pod, number][] = [
    [unscheduledPod, 1, scheduledPendingPod, 2],
    [unscheduledPod, 2, scheduledPendingPod, 1],
    [scheduledPendingPod, 1, unknownPhasePod, 2],
    [unknownPhasePod, 1, runningNotReadyPod, 2],
    [runningNotReadyPod, 1, runningReadyNoLastTransitionTimePod, 1],
    [runningReadyNoLastTransitionTimePod, 1, runningReadyNow, 1],
    [runningReadyNow, 2, runningReadyNoLastTransitionTimePod, 1],
    [runningReadyNow, 1, runningReadyThen, 1],
    [runningReadyNow, 2, runningReadyThen, 1],
    [runningReadyNowHighRestarts, 1, runningReadyNow, 1],
    [runningReadyNow, 2, runningReadyNowHighRestarts, 1],
    [runningReadyNow, 1, runningReadyNowCreatedThen, 1],
    [runningReadyNowCreatedThen, 2, runningReadyNow, 1],
    [lowPodDeletionCost, 2, highPodDeletionCost, 1],
    [ready2Hours, 1, ready5Hours, 1],
  ];
  for (const [a, ra, b, rb] of cases) {
    const label = `${a.metadata.name}(${ra}) < ${b.metadata.name}(${rb})`;
    assert.equal(less(a, ra, b, rb), true, label);
    assert.equal(less(b, rb, a, ra), false, `not ${label} reversed`);
  }
});

test('sidecar restarts break a tie in regular restarts', () => {
  const withSidecar = (restarts: number) => {
    const p = pod('s', 'node', 'Running', true, 1, 0, 0);
    p.spec!.initContainers = [{ name: 'side', restartPolicy: 'Always' }, { name: 'init' }];
    p.status!.initContainerStatuses = [
      { name: 'side', restartCount: restarts },
      { name: 'init', restartCount: 50 },
    ];
    return p;
  };
  assert.equal(less(withSidecar(3), 0, withSidecar(1), 0), true);
  assert.equal(less(withSidecar(0), 0, withSidecar(0), 0), false, 'plain init container restarts do not count');
});

test('deletionCost reads an int32 annotation, else 0', () => {
  const cost = (v: string) => deletionCost(pod('p', 'n', 'Running', true, 0, 0, 0, { 'controller.kubernetes.io/pod-deletion-cost': v }));
  assert.equal(cost('-5'), -5);
  assert.equal(cost('abc'), 0);
  assert.equal(cost('2147483648'), 0);
  assert.equal(deletionCost(runningReadyNow), 0);
});

test('rankByRelatedPodsOnSameNode counts active related pods per node', () => {
  const a = basePod('a', { node: 'n1' });
  const b = basePod('b', { node: 'n1' });
  const c = basePod('c', { node: 'n2' });
  const gone = basePod('gone', { node: 'n2', phase: 'Failed' });
  const ranks = rankByRelatedPodsOnSameNode([a, c], [a, b, c, gone]).map((r) => r.rank);
  assert.deepEqual(ranks, [2, 1]);
});

test('podsToDelete picks the doubled-up, not-ready and newest pods', () => {
  const ready = (name: string, node: string, age: number) => basePod(name, { node, ready: true, readySecondsAgo: age, createdSecondsAgo: age });
  const pods = [ready('old-n1', 'n1', 100000), ready('new-n1', 'n1', 10), ready('old-n2', 'n2', 100000), basePod('notready', { node: 'n3', ready: false })];
  assert.deepEqual(podsToDelete(pods, pods, 1, NOW).map((p) => p.metadata.name), ['notready']);
  assert.deepEqual(podsToDelete(pods, pods, 2, NOW).map((p) => p.metadata.name), ['notready', 'new-n1']);
  assert.equal(podsToDelete(pods, pods, 4, NOW).length, 4);
});
