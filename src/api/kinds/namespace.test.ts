import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../object.ts';
import { namespaceKind } from './namespace.ts';

test('defaults: Active phase, the kubernetes finalizer, the name label', () => {
  const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', labels: { env: 'dev' } } };
  namespaceKind.defaults(ns);
  assert.deepEqual(ns.status, { phase: 'Active' });
  assert.deepEqual(ns.spec, { finalizers: ['kubernetes'] });
  assert.deepEqual(ns.metadata.labels, { env: 'dev', 'kubernetes.io/metadata.name': 'team-a' });
  assert.deepEqual(namespaceKind.validate(ns), []);
});

test('namespace names are DNS-1123 labels: no dots', () => {
  const errs = namespaceKind.validate({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a.b' } });
  assert.equal(errs.length, 1);
  assert.match(errs[0]?.message ?? '', /^Invalid value: "a\.b": a lowercase RFC 1123 label/);
});

test('table and discovery', () => {
  const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default', creationTimestamp: '2026-01-08T12:00:00Z' }, status: { phase: 'Terminating' } };
  assert.deepEqual(namespaceKind.table.cells(ns, new Date('2026-01-10T12:00:00Z')), ['default', 'Terminating', '2d']);
  assert.equal(namespaceKind.namespaced, false);
  assert.deepEqual(namespaceKind.shortNames, ['ns']);
  assert.equal(namespaceKind.hasStatus, true);
});
