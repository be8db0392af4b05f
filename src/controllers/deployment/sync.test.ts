import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Deployment, Pod, ReplicaSet } from '../common/types.ts';
import { NOW, deployment, pod, replicaSet } from '../testing/fixtures.ts';
import { getCondition } from './conditions.ts';
import { planDeploymentSync } from './sync.ts';
import type { DeploymentSyncPlan } from './sync.ts';

/** A tiny cluster: applies a plan, then lets every ReplicaSet's pods become available at once. */
function apply(d: Deployment, rss: ReplicaSet[], plan: DeploymentSyncPlan, tick: number): { d: Deployment; rss: ReplicaSet[] } {
  let next = rss.map((rs) => structuredClone(rs));
  for (const a of plan.actions) {
    if (a.type === 'create') {
      const created = structuredClone(a.replicaSet);
      created.metadata.uid = `${created.metadata.name}-uid`;
      created.metadata.creationTimestamp = new Date(NOW.getTime() + tick * 1000).toISOString();
      next.push(created);
    } else if (a.type === 'update') next = next.map((rs) => (rs.metadata.name === a.replicaSet.metadata.name ? structuredClone(a.replicaSet) : rs));
    else next = next.filter((rs) => rs.metadata.name !== a.name);
  }
  for (const rs of next) {
    const n = rs.spec?.replicas ?? 0;
    rs.status = { replicas: n, readyReplicas: n, availableReplicas: n, observedGeneration: 0 };
  }
  const updated = structuredClone(d);
  updated.status = plan.status;
  if (plan.revision !== undefined) updated.metadata.annotations = { ...updated.metadata.annotations, 'deployment.kubernetes.io/revision': plan.revision };
  return { d: updated, rss: next };
}

function converge(
  d: Deployment,
  rss: ReplicaSet[],
  check: (rss: ReplicaSet[]) => void = () => {},
  pods: Pod[] = [],
): { d: Deployment; rss: ReplicaSet[]; events: string[]; passes: number } {
  const events: string[] = [];
  let state = { d, rss };
  for (let i = 1; i < 40; i++) {
    const plan = planDeploymentSync(state.d, state.rss, pods, NOW);
    events.push(...plan.events.map((e) => e.message));
    const quiet = plan.actions.length === 0 && plan.revision === undefined && JSON.stringify(plan.status) === JSON.stringify(state.d.status);
    state = apply(state.d, state.rss, plan, i);
    check(state.rss);
    if (quiet) return { ...state, events, passes: i };
  }
  throw new Error('did not converge');
}

test('a new deployment gets one ReplicaSet, revision 1, and completes', () => {
  const d = deployment({ replicas: 3, maxSurge: '25%', maxUnavailable: '25%', progressDeadlineSeconds: 600 });
  const first = planDeploymentSync(d, [], [], NOW);
  assert.equal(first.actions.length, 1);
  const created = first.actions[0];
  assert.equal(created?.type, 'create');
  if (created?.type !== 'create') return;
  assert.equal(created.replicaSet.spec?.replicas, 3);
  assert.equal(created.replicaSet.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
  assert.equal(first.revision, '1');
  assert.deepEqual(first.events, [{ type: 'Normal', reason: 'ScalingReplicaSet', message: `Scaled up replica set ${created.replicaSet.metadata.name} from 0 to 3` }]);
  assert.equal(getCondition(first.status.conditions, 'Progressing')?.reason, 'NewReplicaSetCreated');
  assert.equal(getCondition(first.status.conditions, 'Progressing')?.message, `Created new replica set "${created.replicaSet.metadata.name}"`);

  const end = converge(d, []);
  assert.equal(end.rss.length, 1);
  assert.equal(end.d.status?.availableReplicas, 3);
  assert.equal(getCondition(end.d.status?.conditions, 'Progressing')?.message, `ReplicaSet "${created.replicaSet.metadata.name}" has successfully progressed.`);
  assert.equal(getCondition(end.d.status?.conditions, 'Available')?.status, 'True');
});

test('a template change rolls over within maxSurge/maxUnavailable and bumps the revision', () => {
  const d = deployment({ replicas: 4, maxSurge: 1, maxUnavailable: 1, image: 'v1', revisionHistoryLimit: 10 });
  const v1 = converge(d, []);
  const changed = structuredClone(v1.d);
  changed.spec!.template!.spec!.containers![0]!.image = 'v2';
  changed.metadata.generation = 2;
  const total = (rss: ReplicaSet[]) => rss.reduce((n, rs) => n + (rs.spec?.replicas ?? 0), 0);
  const rolled = converge(changed, v1.rss, (rss) => {
    // Pods are created at once and become available only at the end of a pass, so the bounds
    // hold on spec.replicas: never above replicas + maxSurge, never below replicas - maxUnavailable.
    assert.ok(total(rss) <= 5, `at most 5 pods, got ${total(rss)}`);
    assert.ok(total(rss) >= 3, `at least 3 pods, got ${total(rss)}`);
  });
  const names = rolled.rss.map((rs) => [rs.spec?.template?.spec?.containers?.[0]?.image, rs.spec?.replicas, rs.metadata.annotations?.['deployment.kubernetes.io/revision']]);
  assert.deepEqual(names.sort(), [
    ['v1', 0, '1'],
    ['v2', 4, '2'],
  ]);
  assert.equal(rolled.d.metadata.annotations?.['deployment.kubernetes.io/revision'], '2');
  for (const message of rolled.events) assert.match(message, /^Scaled (up|down) replica set foo-\w+ from \d to \d$/);
  assert.ok(rolled.events.length >= 4);
});

test('Recreate scales old ReplicaSets to 0 and waits for their pods before creating the new one', () => {
  const d = deployment({ replicas: 2, strategy: 'Recreate', image: 'v2' });
  const old = replicaSet('old', { replicas: 2, image: 'v1', revision: 1 });
  const first = planDeploymentSync(d, [old], [], NOW);
  assert.deepEqual(first.actions.map((a) => [a.type, a.type === 'delete' ? a.name : a.replicaSet.spec?.replicas]), [['update', 0]]);
  assert.deepEqual(first.events.map((e) => e.message), ['Scaled down replica set old from 2 to 0']);

  const drained = replicaSet('old', { replicas: 0, actual: 0, image: 'v1', revision: 1 });
  const running = pod('old-a', { owner: { kind: 'ReplicaSet', name: 'old', uid: 'old-uid' }, phase: 'Running' });
  assert.deepEqual(planDeploymentSync(d, [drained], [running], NOW).actions, [], 'an old pod is still running');
  const failed = pod('old-a', { owner: { kind: 'ReplicaSet', name: 'old', uid: 'old-uid' }, phase: 'Failed' });
  const go = planDeploymentSync(d, [drained], [failed], NOW);
  assert.equal(go.actions[0]?.type, 'create');
  if (go.actions[0]?.type === 'create') {
    assert.equal(go.actions[0].replicaSet.spec?.replicas, 2);
    assert.equal(go.actions[0].replicaSet.metadata.annotations?.['deployment.kubernetes.io/revision'], '2');
  }
});

test('scaling mid-rollout is proportional, and a paused deployment only scales', () => {
  const d = deployment({ replicas: 10, maxSurge: 0, maxUnavailable: 1, image: 'image-new' });
  const ann = { 'deployment.kubernetes.io/desired-replicas': '5', 'deployment.kubernetes.io/max-replicas': '5' };
  const newRS = replicaSet('new', { replicas: 2, image: 'image-new', annotations: ann, revision: 2, createdSecondsAgo: 10 });
  const oldRS = replicaSet('old', { replicas: 3, image: 'image-old', annotations: ann, revision: 1, createdSecondsAgo: 100 });
  const plan = planDeploymentSync(d, [newRS, oldRS], [], NOW);
  const sizes = Object.fromEntries(plan.actions.map((a) => (a.type === 'update' ? [a.replicaSet.metadata.name, a.replicaSet.spec?.replicas] : ['', 0])));
  assert.deepEqual(sizes, { old: 6, new: 4 });
  for (const a of plan.actions) if (a.type === 'update') assert.equal(a.replicaSet.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'], '10');

  const paused = deployment({ replicas: 5, image: 'image-other', paused: true });
  const pausedPlan = planDeploymentSync(paused, [newRS, oldRS], [], NOW);
  assert.ok(pausedPlan.actions.every((a) => a.type === 'update'), 'no new ReplicaSet for a paused deployment');
});

test('an existing new ReplicaSet gets its revision synced and the deployment FoundNewReplicaSet', () => {
  const d = deployment({ replicas: 1, image: 'image-a', progressDeadlineSeconds: 600 });
  d.status = { replicas: 1, updatedReplicas: 1, readyReplicas: 0, availableReplicas: 0 };
  const annotations = { 'deployment.kubernetes.io/desired-replicas': '1', 'deployment.kubernetes.io/max-replicas': '1' };
  const a = replicaSet('a', { replicas: 1, available: 0, image: 'image-a', revision: 1, annotations });
  const plan = planDeploymentSync(d, [a], [], NOW);
  assert.deepEqual(plan.actions, []);
  assert.equal(plan.revision, '1');
  assert.equal(getCondition(plan.status.conditions, 'Progressing')?.reason, 'FoundNewReplicaSet');
  assert.equal(getCondition(plan.status.conditions, 'Progressing')?.message, 'Found new replica set "a"');
  const ready = planDeploymentSync(d, [replicaSet('a', { replicas: 1, image: 'image-a', revision: 1, annotations })], [], NOW);
  assert.equal(getCondition(ready.status.conditions, 'Progressing')?.message, 'ReplicaSet "a" has successfully progressed.');
  const rollback = replicaSet('a', { replicas: 0, image: 'image-a', revision: 1, createdSecondsAgo: 50 });
  const b = replicaSet('b', { replicas: 1, image: 'image-b', revision: 2, createdSecondsAgo: 10 });
  const undo = planDeploymentSync(d, [rollback, b], [], NOW);
  const update = undo.actions[0];
  assert.equal(update?.type, 'update');
  if (update?.type === 'update') {
    assert.equal(update.replicaSet.metadata.annotations?.['deployment.kubernetes.io/revision'], '3');
    assert.equal(update.replicaSet.metadata.annotations?.['deployment.kubernetes.io/revision-history'], '1');
  }
});

test('a deployment being deleted only gets its status', () => {
  const d = deployment({ replicas: 3 });
  d.metadata.deletionTimestamp = '2024-05-01T11:00:00Z';
  const plan = planDeploymentSync(d, [replicaSet('x', { replicas: 1, image: 'other' })], [], NOW);
  assert.deepEqual(plan.actions, []);
  assert.equal(plan.status.replicas, 1);
});

test('inputs are not mutated (informer caches hand out frozen objects)', () => {
  const freeze = <T>(o: T): T => {
    if (o && typeof o === 'object') {
      for (const v of Object.values(o)) freeze(v);
      Object.freeze(o);
    }
    return o;
  };
  const d = freeze(deployment({ replicas: 3, maxSurge: 1, image: 'v2', revisionHistoryLimit: 0, progressDeadlineSeconds: 60 }));
  const old = freeze(replicaSet('old', { replicas: 3, image: 'v1', revision: 1 }));
  assert.doesNotThrow(() => planDeploymentSync(d, [old], [], NOW));
});
