// Create, update, patch and scale semantics over real HTTPS, each checked against what
// kube-apiserver answers: https://kubernetes.io/docs/reference/using-api/api-concepts/
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CMS, DEPLOYS, ok, useApiServer } from './fixtures/api-suite.ts';
import type { Obj } from './fixtures/api-suite.ts';
import type { ApiResponse } from './fixtures/api-client.ts';


const suite = useApiServer();


function cm(name: string, data: Record<string, string> = {}): Obj {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data };
}

function deployment(name: string, replicas = 1): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'registry.example.com/web:1' }] } },
    },
  };
}


function assertStatus(r: ApiResponse<Obj>, code: number, reason: string, message?: string | RegExp): void {
  assert.equal(r.status, code, r.text);
  assert.equal(r.json.kind, 'Status');
  assert.equal(r.json.apiVersion, 'v1');
  assert.equal(r.json.status, 'Failure');
  assert.equal(r.json.code, code);
  assert.equal(r.json.reason, reason);
  if (typeof message === 'string') assert.equal(r.json.message, message);
  else if (message !== undefined) assert.match(r.json.message, message);
}

describe('create', () => {
  test('201 with uid, creationTimestamp and resourceVersion, as a later GET returns them', async () => {
    const created = await ok(suite.api.request('POST', CMS, { body: cm('fresh', { a: '1' }) }), 201);
    assert.match(created.metadata.uid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.match(created.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.match(created.metadata.resourceVersion, /^[1-9]\d*$/);
    assert.equal(created.metadata.namespace, 'default');
    const got = await ok(suite.api.request('GET', `${CMS}/fresh`));
    assert.deepEqual(
      [got.metadata.uid, got.metadata.creationTimestamp, got.metadata.resourceVersion],
      [created.metadata.uid, created.metadata.creationTimestamp, created.metadata.resourceVersion],
    );
  });

  test('generateName appends five random characters', async () => {
    const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'gen-' } };
    const a = await ok(suite.api.request('POST', CMS, { body }), 201);
    const b = await ok(suite.api.request('POST', CMS, { body }), 201);
    assert.match(a.metadata.name, /^gen-[a-z0-9]{5}$/);
    assert.notEqual(a.metadata.name, b.metadata.name);
    assert.equal(a.metadata.generateName, 'gen-');
  });

  test('a second create of the same name is 409 AlreadyExists with details', async () => {
    await ok(suite.api.request('POST', DEPLOYS, { body: deployment('dup') }), 201);
    const r = await suite.api.request<Obj>('POST', DEPLOYS, { body: deployment('dup') });
    assertStatus(r, 409, 'AlreadyExists', 'deployments.apps "dup" already exists');
    assert.deepEqual(r.json.details, { name: 'dup', group: 'apps', kind: 'deployments' });
  });

  test('a body namespace different from the URL namespace is 400', async () => {
    const body = { ...cm('elsewhere'), metadata: { name: 'elsewhere', namespace: 'kube-system' } };
    const r = await suite.api.request<Obj>('POST', CMS, { body });
    assertStatus(r, 400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
  });

  test('a create in a namespace that does not exist is 404 NotFound for the namespace', async () => {
    const r = await suite.api.request<Obj>('POST', '/api/v1/namespaces/no-such-ns/configmaps', { body: cm('x') });
    assertStatus(r, 404, 'NotFound', 'namespaces "no-such-ns" not found');
    assert.deepEqual(r.json.details, { name: 'no-such-ns', kind: 'namespaces' });
  });

  test('a YAML body is accepted; an unknown Content-Type is 415', async () => {
    const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  answer: "42"\n';
    const created = await ok(suite.api.request('POST', CMS, { body: yaml, contentType: 'application/yaml' }), 201);
    assert.deepEqual(created.data, { answer: '42' });
    const r = await suite.api.request<Obj>('POST', CMS, { body: 'name=x', contentType: 'text/plain' });
    assertStatus(r, 415, 'UnsupportedMediaType', 'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf');
    assert.equal((await suite.api.request('GET', `${CMS}/x`)).status, 404);
  });
});

describe('update', () => {
  test('a stale resourceVersion is 409 Conflict with kube\'s message', async () => {
    const v1 = await ok(suite.api.request('POST', CMS, { body: cm('stale', { v: '1' }) }), 201);
    await ok(suite.api.request('PUT', `${CMS}/stale`, { body: { ...v1, data: { v: '2' } } }));
    const r = await suite.api.request<Obj>('PUT', `${CMS}/stale`, { body: { ...v1, data: { v: '3' } } });
    assertStatus(
      r,
      409,
      'Conflict',
      'Operation cannot be fulfilled on configmaps "stale": the object has been modified; please apply your changes to the latest version and try again',
    );
    assert.deepEqual((await ok(suite.api.request('GET', `${CMS}/stale`))).data, { v: '2' });
  });

  test('the status subresource ignores spec; the main resource ignores status', async () => {
    const d = await ok(suite.api.request('POST', DEPLOYS, { body: deployment('split', 1) }), 201);
    assert.equal(d.status, undefined);
    const written = { ...d, metadata: { ...d.metadata, labels: { sneaky: 'yes' }, annotations: { 'deployment.kubernetes.io/revision': '1' } } };
    const viaStatus = await ok(suite.api.request('PUT', `${DEPLOYS}/split/status`, { body: { ...written, spec: { ...d.spec, replicas: 7 }, status: { replicas: 1, observedGeneration: 1 } } }));
    assert.equal(viaStatus.spec.replicas, 1);
    // Kept as kube's status strategies keep them: the writer's annotations, not its labels.
    assert.deepEqual(viaStatus.metadata.annotations, { 'deployment.kubernetes.io/revision': '1' });
    assert.deepEqual(viaStatus.metadata.labels, d.metadata.labels);
    assert.deepEqual(viaStatus.status, { replicas: 1, observedGeneration: 1 });
    const viaMain = await ok(suite.api.request('PUT', `${DEPLOYS}/split`, { body: { ...viaStatus, spec: { ...viaStatus.spec, replicas: 2 }, status: { replicas: 99 } } }));
    assert.equal(viaMain.spec.replicas, 2);
    assert.deepEqual(viaMain.status, { replicas: 1, observedGeneration: 1 });
  });

  test('generation counts spec changes of a Deployment, not metadata or status changes', async () => {
    const d = await ok(suite.api.request('POST', DEPLOYS, { body: deployment('gen', 1) }), 201);
    assert.equal(d.metadata.generation, 1);
    const merge = { contentType: 'application/merge-patch+json' };
    const spec = await ok(suite.api.request('PATCH', `${DEPLOYS}/gen`, { ...merge, body: { spec: { replicas: 3 } } }));
    assert.equal(spec.metadata.generation, 2);
    const meta = await ok(suite.api.request('PATCH', `${DEPLOYS}/gen`, { ...merge, body: { metadata: { labels: { tier: 'web' } } } }));
    assert.equal(meta.metadata.generation, 2);
    assert.notEqual(meta.metadata.resourceVersion, spec.metadata.resourceVersion);
    const status = await ok(suite.api.request('PATCH', `${DEPLOYS}/gen/status`, { ...merge, body: { status: { replicas: 3 } } }));
    assert.equal(status.metadata.generation, 2);
  });

  test('a no-op update or patch keeps the resourceVersion', async () => {
    const created = await ok(suite.api.request('POST', CMS, { body: cm('noop', { k: 'v' }) }), 201);
    const put = await ok(suite.api.request('PUT', `${CMS}/noop`, { body: created }));
    assert.equal(put.metadata.resourceVersion, created.metadata.resourceVersion);
    const patched = await ok(suite.api.request('PATCH', `${CMS}/noop`, { body: { data: { k: 'v' } }, contentType: 'application/merge-patch+json' }));
    assert.equal(patched.metadata.resourceVersion, created.metadata.resourceVersion);
    const got = await ok(suite.api.request('GET', `${CMS}/noop`));
    assert.equal(got.metadata.resourceVersion, created.metadata.resourceVersion);
  });
});

describe('patch', () => {
  test('a JSON patch whose test op fails is 422 and changes nothing', async () => {
    await ok(suite.api.request('POST', CMS, { body: cm('jp', { a: '1' }) }), 201);
    const body = [
      { op: 'test', path: '/data/a', value: '2' },
      { op: 'replace', path: '/data/a', value: '3' },
    ];
    const r = await suite.api.request<Obj>('PATCH', `${CMS}/jp`, { body, contentType: 'application/json-patch+json' });
    assertStatus(r, 422, 'Invalid');
    assert.deepEqual((await ok(suite.api.request('GET', `${CMS}/jp`))).data, { a: '1' });
    const good = [
      { op: 'test', path: '/data/a', value: '1' },
      { op: 'replace', path: '/data/a', value: '3' },
    ];
    assert.deepEqual((await ok(suite.api.request('PATCH', `${CMS}/jp`, { body: good, contentType: 'application/json-patch+json' }))).data, { a: '3' });
  });

  test('a merge patch merges maps and deletes keys set to null', async () => {
    await ok(suite.api.request('POST', CMS, { body: cm('mp', { a: '1', b: '2' }) }), 201);
    const r = await ok(suite.api.request('PATCH', `${CMS}/mp`, { body: { data: { b: null, c: '3' } }, contentType: 'application/merge-patch+json' }));
    assert.deepEqual(r.data, { a: '1', c: '3' });
  });

  test('a strategic merge patch on a custom kind is 415', async () => {
    const ic = { apiVersion: 'eci.alibabacloud.com/v1', kind: 'ImageCache', metadata: { name: 'ic-smp' }, spec: { images: ['registry.example.com/web:1'] } };
    await ok(suite.api.request('POST', '/apis/eci.alibabacloud.com/v1/imagecaches', { body: ic }), 201);
    const r = await suite.api.request<Obj>('PATCH', '/apis/eci.alibabacloud.com/v1/imagecaches/ic-smp', {
      body: { spec: { retentionDays: 3 } },
      contentType: 'application/strategic-merge-patch+json',
    });
    assertStatus(r, 415, 'UnsupportedMediaType', 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml');
    // A built-in kind takes strategic merge patches, and no plain JSON as a patch.
    const plain = await suite.api.request<Obj>('PATCH', `${CMS}/fresh`, { body: { data: {} }, contentType: 'application/json' });
    assertStatus(
      plain,
      415,
      'UnsupportedMediaType',
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml',
    );
    // The same patch as a merge patch works.
    const merged = await ok(suite.api.request('PATCH', '/apis/eci.alibabacloud.com/v1/imagecaches/ic-smp', { body: { spec: { retentionDays: 3 } }, contentType: 'application/merge-patch+json' }));
    assert.equal(merged.spec.retentionDays, 3);
  });

  test('server-side apply needs a fieldManager, creates when absent (201) and then updates (200)', async () => {
    const path = `${CMS}/applied`;
    const body = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  k: one\n';
    const type = 'application/apply-patch+yaml';
    const missing = await suite.api.request<Obj>('PATCH', path, { body, contentType: type });
    assertStatus(missing, 400, 'BadRequest', /fieldManager/);
    assert.equal((await suite.api.request('GET', path)).status, 404);
    const created = await ok(suite.api.request('PATCH', `${path}?fieldManager=tester`, { body, contentType: type }), 201);
    assert.equal(created.data.k, 'one');
    assert.equal(created.metadata.managedFields?.[0]?.manager, 'tester');
    assert.equal(created.metadata.managedFields?.[0]?.operation, 'Apply');
    const updated = await ok(suite.api.request('PATCH', `${path}?fieldManager=tester`, { body: body.replace('one', 'two'), contentType: type }));
    assert.equal(updated.data.k, 'two');
    assert.equal(updated.metadata.uid, created.metadata.uid);
  });
});

describe('scale subresource', () => {
  test('GET is an autoscaling/v1 Scale; PUT and PATCH change the deployment\'s replicas', async () => {
    await ok(suite.api.request('POST', DEPLOYS, { body: deployment('scaled', 2) }), 201);
    const scale = await ok(suite.api.request('GET', `${DEPLOYS}/scaled/scale`));
    assert.equal(scale.kind, 'Scale');
    assert.equal(scale.apiVersion, 'autoscaling/v1');
    assert.equal(scale.metadata.name, 'scaled');
    assert.equal(scale.spec.replicas, 2);
    assert.equal(scale.status.selector, 'app=scaled');
    const put = await ok(suite.api.request('PUT', `${DEPLOYS}/scaled/scale`, { body: { ...scale, spec: { replicas: 4 } } }));
    assert.equal(put.spec.replicas, 4);
    assert.equal((await ok(suite.api.request('GET', `${DEPLOYS}/scaled`))).spec.replicas, 4);
    const patched = await ok(suite.api.request('PATCH', `${DEPLOYS}/scaled/scale`, { body: { spec: { replicas: 0 } }, contentType: 'application/merge-patch+json' }));
    assert.equal(patched.spec.replicas, 0);
    const d = await ok(suite.api.request('GET', `${DEPLOYS}/scaled`));
    assert.equal(d.spec.replicas, 0);
    assert.equal(d.metadata.generation, 3);
    // A stale resourceVersion in the Scale is a conflict, as for the object itself.
    const stale = await suite.api.request<Obj>('PUT', `${DEPLOYS}/scaled/scale`, { body: { ...scale, spec: { replicas: 5 } } });
    assertStatus(stale, 409, 'Conflict');
  });
});
