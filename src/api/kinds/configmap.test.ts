import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../object.ts';
import { configMapKind } from './configmap.ts';

function cm(fields: Record<string, unknown>): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, ...fields };
}

test('keys must be config keys and not repeat across data and binaryData', () => {
  assert.deepEqual(configMapKind.validate(cm({ data: { 'app.conf': 'x' } })), []);
  const got = configMapKind.validate(cm({ data: { a: 'x', 'b c': 'y' }, binaryData: { a: 'eA==' } })).map((e) => `${e.field}: ${e.message}`);
  assert.equal(got.length, 3);
  assert.ok(got.some((m) => /^data\[b c\]: Invalid value: "b c": a valid config key/.test(m)), got.join('\n'));
  assert.ok(got.includes('data[a]: Invalid value: "a": duplicate of key present in binaryData'));
  assert.ok(got.includes('binaryData[a]: Invalid value: "a": duplicate of key present in data'));
});

test('immutable config maps keep their data', () => {
  const old = cm({ immutable: true, data: { a: '1' } });
  assert.deepEqual(configMapKind.validate(cm({ immutable: true, data: { a: '2' } }), old).map((e) => e.message), ['Forbidden: field is immutable when `immutable` is set']);
});

test('table counts data and binaryData keys', () => {
  const c = cm({ data: { a: '1', b: '2' }, binaryData: { c: 'eA==' } });
  c.metadata.creationTimestamp = '2026-01-10T11:00:00Z';
  assert.deepEqual(configMapKind.table.cells(c, new Date('2026-01-10T12:00:00Z')), ['cfg', 3, '60m']);
  assert.deepEqual(configMapKind.shortNames, ['cm']);
});
