import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../object.ts';
import { nodeKind } from './node.ts';

const NOW = new Date('2026-01-10T12:00:00Z');

function node(fields: Partial<KubeObject> & { labels?: Record<string, string> }): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'node-1', creationTimestamp: '2026-01-10T09:00:00Z', labels: fields.labels },
    spec: fields.spec,
    status: fields.status,
  };
}

test('a ready node with roles and node info', () => {
  const n = node({
    labels: { 'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/worker': '', 'kubernetes.io/hostname': 'node-1' },
    status: {
      conditions: [{ type: 'Ready', status: 'True' }],
      addresses: [{ type: 'InternalIP', address: '10.0.0.2' }],
      nodeInfo: { kubeletVersion: 'v1.32.0', osImage: 'Ubuntu 24.04', kernelVersion: '6.8.0', containerRuntimeVersion: 'ferry://0.1.0' },
    },
  });
  assert.deepEqual(nodeKind.table.cells(n, NOW), [
    'node-1',
    'Ready',
    'control-plane,worker',
    '3h',
    'v1.32.0',
    '10.0.0.2',
    '<none>',
    'Ubuntu 24.04',
    '6.8.0',
    'ferry://0.1.0',
  ]);
});

test('NotReady, Unknown and SchedulingDisabled', () => {
  const cells = (n: KubeObject) => nodeKind.table.cells(n, NOW);
  assert.equal(cells(node({ status: { conditions: [{ type: 'Ready', status: 'False' }] } }))[1], 'NotReady');
  assert.equal(cells(node({ status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } }))[1], 'NotReady');
  assert.equal(cells(node({ spec: { unschedulable: true } }))[1], 'Unknown,SchedulingDisabled');
  assert.equal(cells(node({}))[2], '<none>');
  assert.equal(cells(node({}))[7], '<unknown>');
});

test('discovery and selectors', () => {
  assert.equal(nodeKind.namespaced, false);
  assert.deepEqual(nodeKind.shortNames, ['no']);
  assert.equal(nodeKind.fieldSelectors['spec.unschedulable']?.(node({ spec: { unschedulable: true } })), 'true');
});
