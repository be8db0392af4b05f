import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deployment, replicaSet } from '../testing/fixtures.ts';
import {
  applySteps,
  cleanupUnhealthyReplicas,
  maxSurge,
  maxUnavailable,
  newRSNewReplicas,
  reconcileNewReplicaSet,
  reconcileOldReplicaSets,
  resolveFenceposts,
  scaleDownOldReplicaSetsForRollingUpdate,
} from './rolling.ts';

// deployment_util_test.go TestResolveFenceposts
test('resolveFenceposts: surge rounds up, unavailable down, 0/0 becomes 0/1, bad strings throw', () => {
  const cases: [string | undefined, string | undefined, number, [number, number] | 'error'][] = [
    ['0', '0', 0, 'error'],
    ['39%', '39%', 10, [4, 3]],
    ['oops', '39%', 10, 'error'],
    ['55%', 'urg', 10, 'error'],
    [undefined, '39%', 10, [0, 3]],
    ['39%', undefined, 10, [4, 0]],
    [undefined, undefined, 10, [0, 1]],
  ];
  for (const [surge, unavailable, desired, expected] of cases) {
    if (expected === 'error') assert.throws(() => resolveFenceposts(surge, unavailable, desired), `${surge}/${unavailable}`);
    else assert.deepEqual(resolveFenceposts(surge, unavailable, desired), { surge: expected[0], unavailable: expected[1] }, `${surge}/${unavailable}`);
  }
  assert.deepEqual(resolveFenceposts('25%', '25%', 1), { surge: 1, unavailable: 0 });
  assert.deepEqual(resolveFenceposts(0, '20%', 4), { surge: 0, unavailable: 1 }, 'rounds down to 0, then 0/0 rule');
});

// deployment_util_test.go TestMaxUnavailable (maxSurge 1)
test('maxUnavailable is capped by replicas and 0 for Recreate or 0 replicas', () => {
  const cases: [number, number | string, number][] = [
    [10, 5, 5],
    [10, 10, 10],
    [5, 10, 5],
    [0, 10, 0],
    [10, '50%', 5],
    [10, '100%', 10],
    [5, '100%', 5],
  ];
  for (const [replicas, mu, expected] of cases) {
    assert.equal(maxUnavailable(deployment({ replicas, maxSurge: 1, maxUnavailable: mu })), expected, `${replicas}/${mu}`);
  }
  assert.equal(maxUnavailable(deployment({ replicas: 10, strategy: 'Recreate' })), 0);
  assert.equal(maxSurge(deployment({ replicas: 10, strategy: 'Recreate' })), 0);
  assert.equal(maxSurge(deployment({ replicas: 10, maxSurge: '25%' })), 3);
});

// deployment_util_test.go TestNewRSNewReplicas
test('newRSNewReplicas: bounded by surge, by spec.replicas; Recreate takes all', () => {
  const d1 = deployment({ replicas: 1, maxSurge: 1 });
  assert.equal(newRSNewReplicas(d1, [replicaSet('new', { replicas: 5 })], replicaSet('new', { replicas: 5 })), 5);
  const d2 = deployment({ replicas: 6, maxSurge: 10 });
  assert.equal(newRSNewReplicas(d2, [replicaSet('new', { replicas: 2 })], replicaSet('new', { replicas: 2 })), 6);
  const d3 = deployment({ replicas: 3, strategy: 'Recreate' });
  assert.equal(newRSNewReplicas(d3, [replicaSet('new', { replicas: 1 })], replicaSet('new', { replicas: 1 })), 3);
});

// rolling_test.go TestDeploymentController_reconcileNewReplicaSet (maxUnavailable 0)
test('reconcileNewReplicaSet table', () => {
  const cases: [number, number, number, number, number | undefined][] = [
    // deploymentReplicas, maxSurge, oldReplicas, newReplicas, expected (undefined: no scale)
    [10, 0, 10, 0, undefined],
    [10, 2, 10, 0, 2],
    [10, 2, 5, 0, 7],
    [10, 2, 10, 2, undefined],
    [2, 2, 2, 4, 2],
  ];
  for (const [replicas, surge, oldReplicas, newReplicas, expected] of cases) {
    const d = deployment({ replicas, maxSurge: surge, maxUnavailable: 0 });
    const oldRS = replicaSet('old', { replicas: oldReplicas, createdSecondsAgo: 100 });
    const newRS = replicaSet('new', { replicas: newReplicas });
    const step = reconcileNewReplicaSet(d, [oldRS, newRS], newRS);
    assert.equal(step?.to, expected, JSON.stringify({ replicas, surge, oldReplicas, newReplicas }));
    if (step) assert.equal(step.from, newReplicas);
  }
});

// rolling_test.go TestDeploymentController_reconcileOldReplicaSets
test('reconcileOldReplicaSets table: unhealthy first, then maxUnavailable, newRS unavailability counted', () => {
  const cases: [number, number, number, number, number, number, number | undefined][] = [
    // replicas, maxUnavailable, oldReplicas, newReplicas, readyOld, readyNew, expectedOld
    [10, 0, 10, 0, 10, 0, 9],
    [10, 2, 10, 0, 10, 0, 8],
    [10, 2, 10, 0, 8, 0, 8],
    [10, 2, 10, 0, 9, 0, 8],
    [10, 2, 8, 2, 8, 0, undefined],
  ];
  for (const [replicas, mu, oldReplicas, newReplicas, readyOld, readyNew, expected] of cases) {
    const d = deployment({ replicas, maxUnavailable: mu });
    const oldRS = replicaSet('old', { replicas: oldReplicas, available: readyOld, createdSecondsAgo: 100 });
    const newRS = replicaSet('new', { replicas: newReplicas, available: readyNew });
    const steps = reconcileOldReplicaSets(d, [oldRS, newRS], [oldRS], newRS);
    const label = JSON.stringify({ replicas, mu, oldReplicas, newReplicas, readyOld });
    if (expected === undefined) assert.deepEqual(steps, [], label);
    else assert.deepEqual(steps, [{ name: 'old', from: oldReplicas, to: expected }], label);
  }
});

// rolling_test.go TestDeploymentController_cleanupUnhealthyReplicas
test('cleanupUnhealthyReplicas removes at most maxCleanup unavailable replicas', () => {
  const cases: [number, number, number, number][] = [
    // oldReplicas, readyPods, maxCleanup, expectedCleanup
    [10, 8, 1, 1],
    [10, 8, 3, 2],
    [10, 8, 0, 0],
    [10, 10, 3, 0],
  ];
  for (const [oldReplicas, ready, max, expected] of cases) {
    const { steps, rss } = cleanupUnhealthyReplicas([replicaSet('old', { replicas: oldReplicas, available: ready })], max);
    const cleaned = steps.reduce((n, s) => n + s.from - s.to, 0);
    assert.equal(cleaned, expected, JSON.stringify({ oldReplicas, ready, max }));
    assert.equal(rss[0]?.spec?.replicas, oldReplicas - expected);
  }
});

test('cleanupUnhealthyReplicas goes oldest first and leaves its input alone', () => {
  const older = Object.freeze(replicaSet('older', { replicas: 3, available: 1, createdSecondsAgo: 200 }));
  const old = replicaSet('old', { replicas: 3, available: 1, createdSecondsAgo: 100 });
  const { steps } = cleanupUnhealthyReplicas([old, older], 3);
  assert.deepEqual(steps, [
    { name: 'older', from: 3, to: 1 },
    { name: 'old', from: 3, to: 2 },
  ]);
  assert.equal(older.spec?.replicas, 3);
});

// rolling_test.go TestDeploymentController_scaleDownOldReplicaSetsForRollingUpdate
test('scaleDownOldReplicaSetsForRollingUpdate table', () => {
  const cases: [number, number, number, number, number | undefined][] = [
    // replicas, maxUnavailable, readyPods, oldReplicas, expected
    [10, 0, 10, 10, 9],
    [10, 2, 10, 10, 8],
    [10, 2, 8, 10, undefined],
    [10, 2, 10, 0, undefined],
    [10, 2, 1, 10, undefined],
  ];
  for (const [replicas, mu, ready, oldReplicas, expected] of cases) {
    const d = deployment({ replicas, maxUnavailable: mu });
    const oldRS = replicaSet('old', { replicas: oldReplicas, available: ready });
    const steps = scaleDownOldReplicaSetsForRollingUpdate(d, [oldRS], [oldRS]);
    assert.equal(steps[0]?.to, expected, JSON.stringify({ replicas, mu, ready, oldReplicas }));
  }
});

test('a whole rolling update with maxSurge 1, maxUnavailable 0 converges one pod at a time', () => {
  const d = deployment({ replicas: 3, maxSurge: 1, maxUnavailable: 0 });
  let oldRS = replicaSet('old', { replicas: 3, createdSecondsAgo: 100 });
  let newRS = replicaSet('new', { replicas: 0 });
  const sizes: [number, number][] = [];
  for (let i = 0; i < 12; i++) {
    const up = reconcileNewReplicaSet(d, [oldRS, newRS], newRS);
    if (up) [newRS] = applySteps([newRS], [up]) as [typeof newRS];
    else {
      const down = reconcileOldReplicaSets(d, [oldRS, newRS], oldRS.spec?.replicas ? [oldRS] : [], newRS);
      if (down.length === 0) break;
      [oldRS] = applySteps([oldRS], down) as [typeof oldRS];
    }
    // Pods become available between passes.
    for (const rs of [oldRS, newRS]) rs.status = { replicas: rs.spec?.replicas, availableReplicas: rs.spec?.replicas, readyReplicas: rs.spec?.replicas };
    sizes.push([oldRS.spec?.replicas ?? 0, newRS.spec?.replicas ?? 0]);
  }
  assert.deepEqual(sizes, [
    [3, 1],
    [2, 1],
    [2, 2],
    [1, 2],
    [1, 3],
    [0, 3],
  ]);
});
