import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../object.ts';
import { replicaSetKind } from './replicaset.ts';

function rs(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'foo-5d9c7b', namespace: 'default', creationTimestamp: '2026-01-10T11:59:00Z' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'foo', 'pod-template-hash': '5d9c7b' } },
      template: { metadata: { labels: { app: 'foo', 'pod-template-hash': '5d9c7b' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } },
    },
    status: { replicas: 2, readyReplicas: 1 },
  };
}

test('defaults and validation', () => {
  const r = rs();
  delete (r.spec as Record<string, unknown>).replicas;
  replicaSetKind.defaults(r);
  assert.equal((r.spec as Record<string, unknown>).replicas, 1);
  assert.deepEqual(replicaSetKind.validate(r), []);
  (r.spec as Record<string, unknown>).replicas = -1;
  assert.deepEqual(replicaSetKind.validate(r).map((e) => `${e.field}: ${e.message}`), ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']);
});

test('the selector is immutable', () => {
  const old = rs();
  replicaSetKind.defaults(old);
  const next = structuredClone(old);
  (next.spec as Record<string, unknown>).selector = { matchLabels: { app: 'foo' } };
  assert.deepEqual(replicaSetKind.validate(next, old).map((e) => e.field), ['spec.selector']);
});

test('table: Desired, Current, Ready, Age, then wide columns', () => {
  const r = rs();
  assert.deepEqual(replicaSetKind.table.cells(r, new Date('2026-01-10T12:00:00Z')), ['foo-5d9c7b', 2, 2, 1, '60s', 'web', 'nginx', 'app=foo,pod-template-hash=5d9c7b']);
  assert.equal(replicaSetKind.fieldSelectors['status.replicas']?.(r), '2');
});
