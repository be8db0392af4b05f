import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nameIsDNSLabel } from './names.ts';
import { semanticEqual, validateObjectMeta, validateObjectMetaUpdate } from './object-meta.ts';

test('a name or generateName is required', () => {
  assert.deepEqual(validateObjectMeta({ namespace: 'default' }, { namespaced: true }), [
    { reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' },
  ]);
});

test('names are checked with the kind’s validator', () => {
  assert.deepEqual(validateObjectMeta({ name: 'a.b' }, { namespaced: false }), []);
  const errs = validateObjectMeta({ name: 'a.b' }, { namespaced: false, nameValidator: nameIsDNSLabel });
  assert.equal(errs.length, 1);
  assert.equal(errs[0]?.field, 'metadata.name');
  assert.match(errs[0]?.message ?? '', /^Invalid value: "a\.b": a lowercase RFC 1123 label/);
});

test('namespaced kinds need a namespace; cluster-scoped kinds may not have one', () => {
  assert.deepEqual(validateObjectMeta({ name: 'x' }, { namespaced: true }), [
    { reason: 'FieldValueRequired', field: 'metadata.namespace', message: 'Required value' },
  ]);
  assert.deepEqual(validateObjectMeta({ name: 'x', namespace: 'default' }, { namespaced: false }), [
    { reason: 'FieldValueForbidden', field: 'metadata.namespace', message: 'Forbidden: not allowed on this type' },
  ]);
  assert.match(validateObjectMeta({ name: 'x', namespace: 'Bad' }, { namespaced: true })[0]?.message ?? '', /^Invalid value: "Bad": a lowercase RFC 1123 label/);
});

test('labels, annotations, owner references and finalizers are checked', () => {
  const errs = validateObjectMeta(
    {
      name: 'x',
      namespace: 'default',
      labels: { 'bad key': 'v' },
      finalizers: ['orphan', 'foregroundDeletion'],
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: '', uid: 'u' }],
    },
    { namespaced: true },
  );
  assert.deepEqual(
    errs.map((e) => e.field),
    ['metadata.labels', 'metadata.ownerReferences.name', 'metadata.finalizers'],
  );
  assert.match(errs[2]?.message ?? '', /finalizer orphan and foregroundDeletion cannot be both set$/);
});

test('name, namespace and uid are immutable on update', () => {
  const old = { name: 'a', namespace: 'default', uid: 'u1', creationTimestamp: '2024-01-01T00:00:00Z' };
  assert.deepEqual(validateObjectMetaUpdate({ ...old }, old), []);
  assert.deepEqual(validateObjectMetaUpdate({ ...old, name: 'b', uid: 'u2' }, old), [
    { reason: 'FieldValueInvalid', field: 'metadata.name', message: 'Invalid value: "b": field is immutable' },
    { reason: 'FieldValueInvalid', field: 'metadata.uid', message: 'Invalid value: "u2": field is immutable' },
  ]);
  assert.deepEqual(validateObjectMetaUpdate({ ...old, creationTimestamp: '2025-02-03T04:05:06Z' }, old), [
    { reason: 'FieldValueInvalid', field: 'metadata.creationTimestamp', message: 'Invalid value: 2025-02-03 04:05:06 +0000 UTC: field is immutable' },
  ]);
});

test('no finalizers may be added once deletion started', () => {
  const old = { name: 'a', deletionTimestamp: '2024-01-01T00:00:00Z', finalizers: ['x.io/a'] };
  const errs = validateObjectMetaUpdate({ ...old, finalizers: ['x.io/a', 'x.io/b'] }, old);
  assert.deepEqual(errs, [
    {
      reason: 'FieldValueForbidden',
      field: 'metadata.finalizers',
      message: 'Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"x.io/b"}',
    },
  ]);
});

test('semanticEqual treats absent, null and empty alike', () => {
  assert.ok(semanticEqual({ a: [], b: null }, {}));
  assert.ok(semanticEqual({ a: { b: 1 } }, { a: { b: 1 } }));
  assert.ok(!semanticEqual({ a: { b: 1 } }, { a: { b: 2 } }));
  assert.ok(!semanticEqual([1, 2], [2, 1]));
});
