import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Container, Node, Pod, Taint, Toleration } from '../common/types.ts';
import { node, pod as basePod } from '../testing/fixtures.ts';
import { nodeName, nodePorts, nodeResourcesFit, nodeUnschedulable, runFilters, taintToleration } from './filters.ts';
import { nodeInfo, podRequests } from './resources.ts';

function podWith(containers: Container[], initContainers: Container[] = []): Pod {
  const p = basePod('p', { node: 'n' });
  p.spec = { nodeName: 'n', containers, initContainers };
  return p;
}

const c = (cpu: number, memory: number): Container => ({ name: 'c', resources: { requests: { cpu: `${cpu}m`, memory: String(memory) } } });

function tainted(taints: Taint[]): Node {
  const n = node('nodeA');
  n.spec = { taints };
  return n;
}

function withTolerations(tolerations: Toleration[]): Pod {
  const p = basePod('pod1');
  p.spec!.tolerations = tolerations;
  return p;
}

// taint_toleration_test.go TestTaintTolerationFilter
test('TaintToleration filter table', () => {
  const ded = (value: string, effect = 'NoSchedule'): Taint => ({ key: 'dedicated', value, effect });
  const cases: [string, Pod, Node, boolean][] = [
    ['no tolerations, tainted node', withTolerations([]), tainted([ded('user1')]), false],
    ['tolerated dedicated node', withTolerations([{ key: 'dedicated', value: 'user1', effect: 'NoSchedule' }]), tainted([ded('user1')]), true],
    ['dedicated to another user', withTolerations([{ key: 'dedicated', operator: 'Equal', value: 'user2', effect: 'NoSchedule' }]), tainted([ded('user1')]), false],
    ['Exists tolerates any value', withTolerations([{ key: 'foo', operator: 'Exists', effect: 'NoSchedule' }]), tainted([{ key: 'foo', value: 'bar', effect: 'NoSchedule' }]), true],
    [
      'every taint tolerated',
      withTolerations([
        { key: 'dedicated', operator: 'Equal', value: 'user2', effect: 'NoSchedule' },
        { key: 'foo', operator: 'Exists', effect: 'NoSchedule' },
      ]),
      tainted([ded('user2'), { key: 'foo', value: 'bar', effect: 'NoSchedule' }]),
      true,
    ],
    ['effect differs', withTolerations([{ key: 'foo', operator: 'Equal', value: 'bar', effect: 'PreferNoSchedule' }]), tainted([{ key: 'foo', value: 'bar', effect: 'NoSchedule' }]), false],
    ['empty effect tolerates all effects', withTolerations([{ key: 'foo', operator: 'Equal', value: 'bar' }]), tainted([{ key: 'foo', value: 'bar', effect: 'NoSchedule' }]), true],
    ['PreferNoSchedule does not filter', withTolerations([{ key: 'dedicated', operator: 'Equal', value: 'user2', effect: 'NoSchedule' }]), tainted([ded('user1', 'PreferNoSchedule')]), true],
    ['no tolerations, PreferNoSchedule only', withTolerations([]), tainted([ded('user1', 'PreferNoSchedule')]), true],
    ['NoExecute filters too', withTolerations([]), tainted([ded('user1', 'NoExecute')]), false],
  ];
  for (const [name, p, n, fits] of cases) {
    const failure = taintToleration(p, nodeInfo(n, []));
    assert.equal(failure === undefined, fits, name);
    if (failure) assert.deepEqual(failure, { plugin: 'TaintToleration', reasons: ['node(s) had untolerated taint(s)'], resolvable: false }, name);
  }
  const legacy = taintToleration(withTolerations([]), nodeInfo(tainted([ded('user1')]), []), { revealTaints: true });
  assert.deepEqual(legacy?.reasons, ['node(s) had untolerated taint {dedicated: user1}']);
});

test('a NotReady node is filtered as the not-ready taint would, unless tolerated', () => {
  const n = node('n');
  n.status!.conditions = [{ type: 'Ready', status: 'False' }];
  assert.deepEqual(taintToleration(basePod('p'), nodeInfo(n, []), { revealTaints: true })?.reasons, ['node(s) had untolerated taint {node.kubernetes.io/not-ready: }']);
  const tolerant = withTolerations([{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoSchedule' }]);
  assert.equal(taintToleration(tolerant, nodeInfo(n, [])), undefined);
});

// node_unschedulable_test.go TestNodeUnschedulable
test('NodeUnschedulable: spec.unschedulable unless the unschedulable taint is tolerated', () => {
  const n = node('n');
  n.spec = { unschedulable: true };
  assert.deepEqual(nodeUnschedulable(basePod('p'), nodeInfo(n, [])), { plugin: 'NodeUnschedulable', reasons: ['node(s) were unschedulable'], resolvable: false });
  const tolerant = withTolerations([{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }]);
  assert.equal(nodeUnschedulable(tolerant, nodeInfo(n, [])), undefined);
  assert.equal(runFilters(tolerant, nodeInfo(n, [])), undefined, 'the implied unschedulable taint is tolerated too');
  assert.equal(nodeUnschedulable(basePod('p'), nodeInfo(node('m'), [])), undefined);
});

// node_name_test.go TestNodeName
test('NodeName: an empty nodeName fits anywhere, otherwise only that node', () => {
  const p = basePod('p');
  assert.equal(nodeName(p, nodeInfo(node('foo'), [])), undefined);
  p.spec!.nodeName = 'foo';
  assert.equal(nodeName(p, nodeInfo(node('foo'), [])), undefined);
  assert.deepEqual(nodeName(p, nodeInfo(node('bar'), []))?.reasons, ["node(s) didn't match the requested node name"]);
});

// fit_test.go TestEnoughRequests: node allocatable 10m cpu, 20 bytes memory, 32 pods, 20 ephemeral-storage
test('NodeResourcesFit table', () => {
  const n = node('n', { cpu: '10m', memory: '20', pods: '32', 'ephemeral-storage': '20' });
  const cases: [string, Pod, [number, number], string[]][] = [
    ['no resources requested always fits', podWith([{ name: 'c' }]), [10, 20], []],
    ['too many resources fails', podWith([c(1, 1)]), [10, 20], ['Insufficient cpu', 'Insufficient memory']],
    ['init container cpu', podWith([c(1, 1)], [c(3, 1)]), [8, 19], ['Insufficient cpu']],
    ['highest init container cpu', podWith([c(1, 1)], [c(3, 1), c(2, 1)]), [8, 19], ['Insufficient cpu']],
    ['init container memory', podWith([c(1, 1)], [c(1, 3)]), [9, 19], ['Insufficient memory']],
    ['highest init container memory', podWith([c(1, 1)], [c(1, 3), c(1, 2)]), [9, 19], ['Insufficient memory']],
    ['init containers count as a max, not a sum', podWith([c(1, 1)], [c(1, 1)]), [9, 19], []],
    ['multiple init containers: max', podWith([c(1, 1)], [c(1, 1), c(1, 1)]), [9, 19], []],
    ['both resources fit', podWith([c(1, 1)]), [5, 5], []],
    ['only memory fits', podWith([c(2, 1)]), [9, 5], ['Insufficient cpu']],
    ['only cpu fits', podWith([c(1, 2)]), [5, 19], ['Insufficient memory']],
    ['equal edge case', podWith([c(5, 1)]), [5, 19], []],
    ['equal edge case for init container', podWith([c(4, 1)], [c(5, 1)]), [5, 19], []],
  ];
  for (const [name, p, [usedCpu, usedMem], reasons] of cases) {
    const existing = podWith([c(usedCpu, usedMem)]);
    const failure = nodeResourcesFit(p, nodeInfo(n, [existing]));
    assert.deepEqual(failure?.reasons ?? [], reasons, name);
  }
});

test('NodeResourcesFit: pod count, ephemeral storage, extended resources, and what preemption could fix', () => {
  const n = node('n', { cpu: '1', memory: '1Gi', pods: '1', 'ephemeral-storage': '1Gi', 'example.com/gpu': '1' });
  const running = podWith([c(100, 1024)]);
  assert.deepEqual(nodeResourcesFit(podWith([{ name: 'c' }]), nodeInfo(n, [running]))?.reasons, ['Too many pods']);
  assert.equal(nodeResourcesFit(podWith([{ name: 'c' }]), nodeInfo(n, [running]))?.resolvable, true);
  const big = podWith([{ name: 'c', resources: { requests: { cpu: '2', 'ephemeral-storage': '2Gi', 'example.com/gpu': '2' } } }]);
  const failure = nodeResourcesFit(big, nodeInfo(n, []));
  assert.deepEqual(failure?.reasons, ['Insufficient cpu', 'Insufficient ephemeral-storage', 'Insufficient example.com/gpu']);
  assert.equal(failure?.resolvable, false, 'more than the whole node: preemption cannot help');
  const done = podWith([c(900, 1024)]);
  done.status!.phase = 'Succeeded';
  assert.equal(nodeResourcesFit(podWith([c(900, 0)]), nodeInfo(n, [done])), undefined, 'finished pods free their resources');
});

test('podRequests: sidecars add up, overhead counts, non-zero defaults for scoring', () => {
  const p = podWith([c(100, 100)], [
    { name: 'side', restartPolicy: 'Always', resources: { requests: { cpu: '50m' } } },
    { name: 'init', resources: { requests: { cpu: '500m' } } },
  ]);
  p.spec!.overhead = { cpu: '10m', memory: '1Ki' };
  // containers 100 + sidecar 50 = 150; init needs 500 + sidecar 50 = 550; max 550, plus overhead 10.
  assert.deepEqual(podRequests(p), { cpu: 560, memory: 1124 });
  assert.deepEqual(podRequests(podWith([{ name: 'c' }]), true), { cpu: 100, memory: 209715200 });
  assert.deepEqual(podRequests(podWith([{ name: 'c', resources: { requests: { cpu: '0' } } }]), true), { cpu: 0, memory: 209715200 });
});

// node_ports_test.go TestNodePorts, abridged
test('NodePorts: host port conflicts by protocol, port and IP', () => {
  const withPorts = (...ports: { hostPort: number; protocol?: string; hostIP?: string }[]) =>
    podWith([{ name: 'c', ports: ports.map((p) => ({ containerPort: 80, ...p })) }]);
  const n = node('n');
  assert.equal(nodePorts(withPorts({ hostPort: 8080 }), nodeInfo(n, [withPorts({ hostPort: 8081 })])), undefined);
  assert.deepEqual(nodePorts(withPorts({ hostPort: 8080 }), nodeInfo(n, [withPorts({ hostPort: 8080 })]))?.reasons, ["node(s) didn't have free ports for the requested pod ports"]);
  assert.equal(nodePorts(withPorts({ hostPort: 8080, protocol: 'UDP' }), nodeInfo(n, [withPorts({ hostPort: 8080 })])), undefined);
  assert.equal(nodePorts(withPorts({ hostPort: 8080, hostIP: '127.0.0.1' }), nodeInfo(n, [withPorts({ hostPort: 8080, hostIP: '127.0.0.2' })])), undefined);
  assert.notEqual(nodePorts(withPorts({ hostPort: 8080, hostIP: '127.0.0.1' }), nodeInfo(n, [withPorts({ hostPort: 8080 })])), undefined);
});

test('runFilters reports the first failing plugin only', () => {
  const n = node('n', { cpu: '1m', memory: '1', pods: '10' });
  n.spec = { unschedulable: true };
  const failure = runFilters(podWith([c(100, 100)]), nodeInfo(n, []));
  assert.equal(failure?.plugin, 'NodeUnschedulable');
});
