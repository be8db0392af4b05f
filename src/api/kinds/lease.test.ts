import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../object.ts';
import { leaseKind } from './lease.ts';

function lease(spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'node-1', namespace: 'kube-node-lease', creationTimestamp: '2026-01-10T11:59:00Z' }, spec };
}

test('table shows the holder', () => {
  assert.deepEqual(leaseKind.table.cells(lease({ holderIdentity: 'node-1' }), new Date('2026-01-10T12:00:00Z')), ['node-1', 'node-1', '60s']);
  assert.deepEqual(leaseKind.table.cells(lease({}), new Date('2026-01-10T12:00:00Z'))[1], '');
});

test('durations must be positive', () => {
  assert.deepEqual(leaseKind.validate(lease({ leaseDurationSeconds: 40 })), []);
  assert.deepEqual(leaseKind.validate(lease({ leaseDurationSeconds: 0, leaseTransitions: -1 })).map((e) => `${e.field}: ${e.message}`), [
    'spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0',
    'spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0',
  ]);
});
