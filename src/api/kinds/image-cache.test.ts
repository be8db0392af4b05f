import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../object.ts';
import { imageCacheKind } from './image-cache.ts';

function cache(spec: unknown): KubeObject {
  return { apiVersion: 'eci.alibabacloud.com/v1', kind: 'ImageCache', metadata: { name: 'imagecache-sample' }, spec };
}

function messages(c: KubeObject): string[] {
  return imageCacheKind.validate(c).map((e) => `${e.field}: ${e.message}`);
}

test('the seed document’s ImageCache is valid', () => {
  const c = cache({
    images: ['192.168.1.10:5000/test/nginx:latest'],
    imagePullSecrets: ['default:secret1', 'default:secret2', 'kube-system:secret3'],
    imageCacheSize: 25,
    retentionDays: 7,
  });
  c.metadata.annotations = { 'k8s.aliyun.com/plain-http-registry': '192.168.1.10:5000' };
  assert.deepEqual(messages(c), []);
});

test('images are required, each a valid reference', () => {
  assert.deepEqual(messages(cache({})), ['spec.images: Required value']);
  assert.deepEqual(messages(cache({ images: [] })), ['spec.images: Required value']);
  assert.deepEqual(messages(cache(undefined)), ['spec.images: Required value']);
  assert.deepEqual(messages(cache({ images: ['nginx', 'Nginx:1', '', 'nginx'] })), [
    'spec.images[1]: Invalid value: "Nginx:1": invalid reference format: repository name (Nginx) must be lowercase',
    'spec.images[2]: Required value',
    'spec.images[3]: Duplicate value: "nginx"',
  ]);
  assert.deepEqual(messages(cache({ images: 'nginx' })), ['spec.images: Invalid value: "string": spec.images in body must be of type array: "string"']);
});

test('pull secrets are namespace:name', () => {
  const got = messages(cache({ images: ['nginx'], imagePullSecrets: ['secret1', 'Default:s', 'default:'] }));
  assert.equal(got.length, 3);
  assert.equal(got[0], "spec.imagePullSecrets[0]: Invalid value: \"secret1\": must be in the form '<namespace>:<name>', e.g. 'default:my-registry-secret'");
  assert.match(got[1] ?? '', /^spec\.imagePullSecrets\[1\]: Invalid value: "Default:s": namespace part a lowercase RFC 1123 label/);
  assert.match(got[2] ?? '', /must be in the form/);
});

test('retentionDays and imageCacheSize are positive integers', () => {
  assert.deepEqual(messages(cache({ images: ['nginx'], retentionDays: 0, imageCacheSize: -5 })), [
    'spec.imageCacheSize: Invalid value: -5: must be greater than or equal to 1',
    'spec.retentionDays: Invalid value: 0: must be greater than or equal to 1',
  ]);
  assert.deepEqual(messages(cache({ images: ['nginx'], retentionDays: '7' })), [
    'spec.retentionDays: Invalid value: "string": spec.retentionDays in body must be of type integer: "string"',
  ]);
});

test('discovery and table', () => {
  assert.equal(imageCacheKind.namespaced, false);
  assert.deepEqual(imageCacheKind.shortNames, ['ic']);
  assert.equal(imageCacheKind.schema, 'com.alibabacloud.eci.v1.ImageCache');
  assert.deepEqual(imageCacheKind.subresources.map((s) => s.name), ['status']);
  const c = cache({ images: ['nginx'] });
  c.metadata.creationTimestamp = '2026-01-09T12:00:00Z';
  assert.deepEqual(imageCacheKind.table.columns.map((col) => col.name), ['Name', 'Phase', 'Progress', 'Age']);
  assert.deepEqual(imageCacheKind.table.cells(c, new Date('2026-01-10T12:00:00Z')), ['imagecache-sample', '', '', '24h']);
  const ready = { ...c, status: { phase: 'Ready', progress: '1/1' } };
  assert.deepEqual(imageCacheKind.table.cells(ready, new Date('2026-01-10T12:00:00Z')), ['imagecache-sample', 'Ready', '1/1', '24h']);
  assert.ok(imageCacheKind.validate({ ...c, metadata: { name: 'x', namespace: 'default' } }).some((e) => e.field === 'metadata.namespace'));
});
