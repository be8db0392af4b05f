import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../object.ts';
import { statefulSetKind } from './statefulset.ts';

function sts(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db', namespace: 'default', creationTimestamp: '2026-01-10T11:00:00Z' },
    spec: {
      selector: { matchLabels: { app: 'db' } },
      template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'pg', image: 'postgres:16' }] } },
    },
  };
}

test('defaults', () => {
  const s = sts();
  statefulSetKind.defaults(s);
  const spec = s.spec as Record<string, unknown>;
  assert.equal(spec.replicas, 1);
  assert.equal(spec.podManagementPolicy, 'OrderedReady');
  assert.deepEqual(spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
  assert.equal(spec.revisionHistoryLimit, 10);
  assert.deepEqual(spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' });
  assert.equal(spec.serviceName, undefined);
  assert.deepEqual(statefulSetKind.validate(s), [], 'serviceName is optional');
});

test('validation: selector match and enums', () => {
  const s = sts();
  (s.spec as Record<string, unknown>).podManagementPolicy = 'Random';
  ((s.spec as Record<string, Record<string, unknown>>).template!.metadata as Record<string, unknown>).labels = { app: 'other' };
  statefulSetKind.defaults(s);
  assert.deepEqual(
    statefulSetKind.validate(s).map((e) => `${e.field}: ${e.message}`),
    [
      'spec.podManagementPolicy: Unsupported value: "Random": supported values: "OrderedReady", "Parallel"',
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"other"}: `selector` does not match template `labels`',
    ],
  );
});

test('updates may only touch replicas, template, updateStrategy and a few more', () => {
  const old = sts();
  statefulSetKind.defaults(old);
  const scaled = structuredClone(old);
  (scaled.spec as Record<string, unknown>).replicas = 3;
  assert.deepEqual(statefulSetKind.validate(scaled, old), []);
  const renamed = structuredClone(old);
  (renamed.spec as Record<string, unknown>).serviceName = 'db-headless';
  const errs = statefulSetKind.validate(renamed, old);
  assert.equal(errs.length, 1);
  assert.equal(errs[0]?.field, 'spec');
  assert.match(errs[0]?.message ?? '', /^Forbidden: updates to statefulset spec for fields other than 'replicas'/);
});

test('table: Ready ready/desired', () => {
  const s = sts();
  statefulSetKind.defaults(s);
  s.status = { readyReplicas: 1 };
  assert.deepEqual(statefulSetKind.table.cells(s, new Date('2026-01-10T12:00:00Z')), ['db', '1/1', '60m', 'pg', 'postgres:16']);
  assert.deepEqual(statefulSetKind.shortNames, ['sts']);
});
