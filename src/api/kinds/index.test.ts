import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ALL_KINDS, kindByKind, kindByResource } from './index.ts';

test('lookups by resource and by kind', () => {
  assert.equal(kindByResource('apps', 'deployments')?.kind, 'Deployment');
  assert.equal(kindByResource('', 'pods')?.kind, 'Pod');
  assert.equal(kindByResource('', 'deployments'), undefined);
  assert.equal(kindByResource('eci.alibabacloud.com', 'imagecaches')?.kind, 'ImageCache');
  assert.equal(kindByKind('', 'Secret')?.resource, 'secrets');
  assert.equal(kindByKind('coordination.k8s.io', 'Lease')?.resource, 'leases');
  assert.equal(kindByKind('apps', 'Pod'), undefined);
});

test('every kind is served with all verbs and a consistent definition', () => {
  assert.equal(new Set(ALL_KINDS.map((k) => `${k.group}/${k.resource}`)).size, ALL_KINDS.length);
  for (const k of ALL_KINDS) {
    assert.deepEqual(k.verbs, ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], k.kind);
    assert.equal(k.listKind, `${k.kind}List`);
    assert.equal(k.singular, k.kind.toLowerCase());
    assert.equal(k.hasStatus, k.subresources.some((s) => s.name === 'status'), k.kind);
    assert.equal(k.table.columns[0]?.name === 'Name' || k.kind === 'Event', true, k.kind);
    const groupPart = k.group === '' ? 'core' : k.group.split('.')[0];
    if (k.group !== 'eci.alibabacloud.com') assert.equal(k.schema, `io.k8s.api.${groupPart}.${k.version}.${k.kind}`);
  }
});

test('each table row has one cell per column', () => {
  const now = new Date();
  for (const k of ALL_KINDS) {
    const object = { apiVersion: 'v1', kind: k.kind, metadata: { name: 'x', namespace: k.namespaced ? 'default' : undefined } };
    assert.equal(k.table.cells(object, now).length, k.table.columns.length, k.kind);
  }
});

test('kubectl get all reads the kinds in category all', () => {
  assert.deepEqual(
    ALL_KINDS.filter((k) => k.categories.includes('all')).map((k) => k.resource),
    ['pods', 'deployments', 'replicasets', 'statefulsets'],
  );
});
