import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Node, Pod } from '../common/types.ts';
import { NOW, node, pod } from '../testing/fixtures.ts';
import { fitErrorMessage } from './fit-error.ts';
import { nodeInfo } from './resources.ts';
import { bindingFor, failedSchedulingEvent, needsScheduling, schedulePod, scheduledEvent, unschedulableCondition } from './schedule.ts';
import { leastAllocatedScore, normalize, scoreNodes, selectHost } from './score.ts';

function requesting(cpu: string, memory: string, extra: Partial<NonNullable<Pod['spec']>> = {}): Pod {
  const p = pod('web-1');
  p.spec = { containers: [{ name: 'c', resources: { requests: { cpu, memory } } }], ...extra };
  p.status = { phase: 'Pending' };
  return p;
}

function bound(name: string, nodeName: string, cpu: string, priority = 0): Pod {
  const p = requesting(cpu, '0');
  p.metadata.name = name;
  p.spec = { ...p.spec, nodeName, priority };
  p.status = { phase: 'Running' };
  return p;
}

// types_test.go TestFitError_Error
test('fitErrorMessage: histogram sorted as strings, post-filter appended', () => {
  assert.equal(fitErrorMessage(3, [['Node(s) failed Filter plugin FalseFilter-1'], ['Node(s) failed Filter plugin FalseFilter-1'], ['Node(s) failed Filter plugin FalseFilter-1']]), '0/3 nodes are available: 3 Node(s) failed Filter plugin FalseFilter-1.');
  assert.equal(
    fitErrorMessage(3, [['Node(s) failed Filter plugin FalseFilter-1'], ['Node(s) failed Filter plugin FalseFilter-1'], ['Node(s) failed Filter plugin FalseFilter-2']], 'Error running PostFilter plugin FailedPostFilter'),
    '0/3 nodes are available: 1 Node(s) failed Filter plugin FalseFilter-2, 2 Node(s) failed Filter plugin FalseFilter-1. Error running PostFilter plugin FailedPostFilter.',
  );
  assert.equal(fitErrorMessage(1, [['Node failed Permit plugin Permit-1']]), '0/1 nodes are available: 1 Node failed Permit plugin Permit-1.');
  assert.equal(fitErrorMessage(12, Array.from({ length: 10 }, () => ['b']).concat([['a'], ['a']])), '0/12 nodes are available: 10 b, 2 a.', 'byte order, not numeric');
});

function threeNodes(): Node[] {
  const small = node('node-a', { cpu: '1', memory: '4Gi', pods: '110' });
  const other = node('node-b');
  other.metadata.labels = { zone: 'elsewhere' };
  const notReady = node('node-c');
  notReady.status!.conditions = [{ type: 'Ready', status: 'False' }];
  small.metadata.labels = { zone: 'here' };
  notReady.metadata.labels = { zone: 'here' };
  return [small, other, notReady];
}

test('nothing fits: the FailedScheduling message as kube-scheduler words it', () => {
  const nodes = threeNodes();
  const p = requesting('600m', '1Gi', { nodeSelector: { zone: 'here' } });
  const result = schedulePod(p, nodes, [bound('busy', 'node-a', '500m')]);
  assert.equal(result.kind, 'unschedulable');
  if (result.kind !== 'unschedulable') return;
  assert.equal(
    result.message,
    "0/3 nodes are available: 1 Insufficient cpu, 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint(s). preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling..",
  );
  assert.deepEqual([...result.failures.keys()], ['node-a', 'node-b', 'node-c']);
  const legacy = schedulePod(p, nodes, [bound('busy', 'node-a', '500m')], { revealTaints: true });
  assert.match(legacy.kind === 'unschedulable' ? legacy.message : '', /1 node\(s\) had untolerated taint \{node\.kubernetes\.io\/not-ready: \}\./);
});

test('a request larger than the node is not helped by preemption; preemptionPolicy Never says so', () => {
  const p = requesting('8', '1Gi');
  const result = schedulePod(p, [node('n1', { cpu: '4', memory: '8Gi', pods: '110' })], []);
  assert.equal(result.kind === 'unschedulable' && result.message, '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling..');
  const never = requesting('8', '1Gi', { preemptionPolicy: 'Never' });
  const r2 = schedulePod(never, [node('n1', { cpu: '4', memory: '8Gi', pods: '110' })], []);
  assert.equal(r2.kind === 'unschedulable' && r2.message, '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never..');
  assert.deepEqual(schedulePod(p, [], []), { kind: 'unschedulable', message: 'no nodes available to schedule pods', failures: new Map(), preemptionCandidates: [] });
});

test('preemption dry run: victims that would make room make a candidate, and no post-filter message', () => {
  const n = node('n1', { cpu: '1', memory: '8Gi', pods: '110' });
  const urgent = requesting('800m', '0', { priority: 1000 });
  const result = schedulePod(urgent, [n], [bound('low', 'n1', '500m', 0), bound('high', 'n1', '100m', 2000)]);
  assert.equal(result.kind, 'unschedulable');
  if (result.kind !== 'unschedulable') return;
  assert.equal(result.message, '0/1 nodes are available: 1 Insufficient cpu.');
  assert.deepEqual(result.preemptionCandidates.map((c) => [c.node, c.victims.map((v) => v.metadata.name)]), [['n1', ['low']]]);
  const stillTooBig = schedulePod(requesting('950m', '0', { priority: 1000 }), [n], [bound('low', 'n1', '500m', 0), bound('high', 'n1', '100m', 2000)]);
  assert.equal(stillTooBig.kind === 'unschedulable' && stillTooBig.message, '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 Insufficient cpu..');
});

// least_allocated_test.go TestLeastAllocatedScoringStrategy, abridged
test('LeastAllocated scores remaining cpu and memory', () => {
  const n1 = node('node1', { cpu: '4000m', memory: '10000', pods: '110' });
  const n2 = node('node2', { cpu: '6000m', memory: '10000', pods: '110' });
  const p = requesting('3000m', '5000');
  assert.equal(leastAllocatedScore(p, nodeInfo(n1, [])), 37);
  assert.equal(leastAllocatedScore(p, nodeInfo(n2, [])), 50);
  const empty = pod('e');
  empty.spec = { containers: [] };
  assert.equal(leastAllocatedScore(empty, nodeInfo(n1, [])), 100);
  const over = requesting('5000m', '5000');
  assert.equal(leastAllocatedScore(over, nodeInfo(n1, [])), 25, 'cpu over capacity scores 0, memory 50');
});

test('normalize as DefaultNormalizeScore, forwards and reversed', () => {
  assert.deepEqual(normalize([0, 2, 4], false), [0, 50, 100]);
  assert.deepEqual(normalize([0, 2, 4], true), [100, 50, 0]);
  assert.deepEqual(normalize([0, 0], true), [100, 100]);
  assert.deepEqual(normalize([0, 0], false), [0, 0]);
});

test('scheduling picks the emptiest node, preferences and PreferNoSchedule weigh in, ties go by name', () => {
  const a = node('a');
  const b = node('b');
  const p = requesting('100m', '100Mi');
  const busy = schedulePod(p, [a, b], [bound('x', 'a', '2')]);
  assert.equal(busy.kind === 'scheduled' && busy.node, 'b');
  const tie = schedulePod(p, [node('z'), node('y'), node('x')], []);
  assert.equal(tie.kind === 'scheduled' && tie.node, 'x');

  const preferring = requesting('100m', '100Mi', {
    affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } }] } },
  });
  const ssd = node('z-ssd');
  ssd.metadata.labels = { disk: 'ssd' };
  assert.equal(selectHost(scoreNodes(preferring, [nodeInfo(node('a'), []), nodeInfo(ssd, [])]))?.node, 'z-ssd');

  const soft = node('a-soft');
  soft.spec = { taints: [{ key: 'spot', effect: 'PreferNoSchedule' }] };
  const result = schedulePod(p, [soft, node('b-plain')], []);
  assert.equal(result.kind === 'scheduled' && result.node, 'b-plain');
});

test('needsScheduling, binding, events and the PodScheduled condition', () => {
  const p = requesting('1', '1');
  p.metadata.namespace = 'prod';
  assert.equal(needsScheduling(p), true);
  assert.equal(needsScheduling({ ...p, spec: { ...p.spec, nodeName: 'n' } }), false);
  assert.equal(needsScheduling({ ...p, spec: { ...p.spec, schedulerName: 'other' } }), false);
  assert.equal(needsScheduling({ ...p, spec: { ...p.spec, schedulingGates: [{ name: 'wait' }] } }), false);
  assert.equal(needsScheduling({ ...p, metadata: { ...p.metadata, deletionTimestamp: 'x' } }), false);
  assert.deepEqual(bindingFor(p, 'n1'), {
    apiVersion: 'v1',
    kind: 'Binding',
    metadata: { name: 'web-1', namespace: 'prod', uid: 'web-1-uid' },
    target: { apiVersion: 'v1', kind: 'Node', name: 'n1' },
  });
  assert.deepEqual(scheduledEvent(p, 'n1'), { type: 'Normal', reason: 'Scheduled', message: 'Successfully assigned prod/web-1 to n1' });
  assert.equal(failedSchedulingEvent('m').reason, 'FailedScheduling');
  const c = unschedulableCondition(p, 'why', NOW);
  assert.deepEqual(c, { type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: '2024-05-01T12:00:00Z', reason: 'Unschedulable', message: 'why' });
  p.status = { phase: 'Pending', conditions: [{ ...c, lastTransitionTime: '2024-01-01T00:00:00Z' }] };
  assert.equal(unschedulableCondition(p, 'still', NOW).lastTransitionTime, '2024-01-01T00:00:00Z');
});
