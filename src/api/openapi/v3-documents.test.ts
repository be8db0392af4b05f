import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { testKinds } from './test-kinds.ts';
import { openApiV3GroupVersion, openApiV3GroupVersionDocument, openApiV3Root, openApiV3RootDocument } from './v3-documents.ts';

interface Parameter {
  name: string;
  in: string;
  schema: { type: string };
}
interface Operation {
  operationId: string;
  parameters: Parameter[];
  requestBody?: { content: Record<string, { schema: { $ref: string } }> };
  responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }>;
  'x-kubernetes-action': string;
  'x-kubernetes-group-version-kind': { group: string; version: string; kind: string };
}
type PathItem = Partial<Record<'get' | 'put' | 'post' | 'patch' | 'delete', Operation>> & { parameters: Parameter[] };
interface Doc {
  openapi: string;
  paths: Record<string, PathItem>;
  components: { schemas: Record<string, unknown> };
}

function doc(path: string): Doc {
  const d = openApiV3GroupVersion(testKinds, path);
  assert.ok(d, `no document for ${path}`);
  return d as Doc;
}

test('the root lists every group version with a serverRelativeURL carrying the document hash', () => {
  const root = openApiV3Root(testKinds) as { paths: Record<string, { serverRelativeURL: string }> };
  assert.deepEqual(Object.keys(root.paths), ['api/v1', 'apis/apps/v1', 'apis/coordination.k8s.io/v1', 'apis/eci.alibabacloud.com/v1']);
  for (const [key, { serverRelativeURL }] of Object.entries(root.paths)) {
    const serialized = openApiV3GroupVersionDocument(testKinds, key);
    assert.ok(serialized);
    const hash = createHash('sha512').update(serialized.body).digest('hex').toUpperCase();
    assert.equal(serverRelativeURL, `/openapi/v3/${key}?hash=${hash}`);
    assert.equal(serialized.hash, hash);
    assert.equal(serialized.etag, `"${hash}"`);
    assert.deepEqual(JSON.parse(serialized.body), openApiV3GroupVersion(testKinds, key));
  }
  assert.equal(openApiV3RootDocument(testKinds).body, JSON.stringify(root));
});

test('every kind has a PATCH carrying its group-version-kind and a fieldValidation parameter', () => {
  for (const kind of testKinds) {
    const prefix = kind.group === '' ? '/api/v1' : `/apis/${kind.group}/v1`;
    const scope = kind.namespaced ? `${prefix}/namespaces/{namespace}` : prefix;
    const d = doc(prefix.slice(1));
    const item = d.paths[`${scope}/${kind.resource}/{name}`];
    assert.ok(item?.patch, `${kind.kind} has no PATCH`);
    assert.deepEqual(item.patch['x-kubernetes-group-version-kind'], { group: kind.group, version: 'v1', kind: kind.kind });
    const names = item.patch.parameters.map((p) => p.name);
    for (const name of ['fieldValidation', 'fieldManager', 'dryRun', 'force']) assert.ok(names.includes(name), `${kind.kind} PATCH lacks ${name}`);
    assert.ok(item.patch.parameters.every((p) => p.in === 'query'));
    assert.deepEqual(item.parameters.map((p) => p.name), kind.namespaced ? ['name', 'namespace', 'pretty'] : ['name', 'pretty']);
    assert.ok(item.get && item.put && item.delete, `${kind.kind} item operations`);
    assert.ok(d.paths[`${scope}/${kind.resource}`]?.post, `${kind.kind} has POST on its collection`);
    assert.equal(d.components.schemas[kind.schema] !== undefined, true, `${kind.schema} in components`);
  }
});

test('paths, operation ids and bodies follow Kubernetes', () => {
  const apps = doc('apis/apps/v1');
  const item = apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'] as PathItem;
  assert.equal(item.patch?.operationId, 'patchAppsV1NamespacedDeployment');
  assert.deepEqual(Object.keys(item.patch?.requestBody?.content ?? {}), [
    'application/apply-patch+yaml',
    'application/json-patch+json',
    'application/merge-patch+json',
    'application/strategic-merge-patch+json',
  ]);
  assert.equal(item.get?.responses['200']?.content?.['application/json']?.schema.$ref, '#/components/schemas/io.k8s.api.apps.v1.Deployment');
  const scale = apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale'] as PathItem;
  assert.deepEqual(scale.patch?.['x-kubernetes-group-version-kind'], { group: 'autoscaling', version: 'v1', kind: 'Scale' });
  assert.equal(scale.get?.operationId, 'readAppsV1NamespacedDeploymentScale');
  assert.ok(apps.components.schemas['io.k8s.api.autoscaling.v1.Scale']);
  const list = apps.paths['/apis/apps/v1/deployments']?.get;
  assert.equal(list?.operationId, 'listAppsV1DeploymentForAllNamespaces');
  assert.equal(list?.responses['200']?.content?.['application/json']?.schema.$ref, '#/components/schemas/io.k8s.api.apps.v1.DeploymentList');

  const core = doc('/api/v1');
  assert.equal(core.paths['/api/v1/namespaces/{namespace}/pods']?.delete?.operationId, 'deleteCoreV1CollectionNamespacedPod');
  assert.equal(core.paths['/api/v1/namespaces/{namespace}/pods/{name}/log']?.get?.operationId, 'readCoreV1NamespacedPodLog');
  assert.equal(core.paths['/api/v1/namespaces/{namespace}/pods/{name}/binding']?.post?.['x-kubernetes-group-version-kind'].kind, 'Binding');
  assert.equal(core.paths['/api/v1/nodes/{name}/status']?.patch?.operationId, 'patchCoreV1NodeStatus');

  const eci = doc('openapi/v3/apis/eci.alibabacloud.com/v1');
  const cache = eci.paths['/apis/eci.alibabacloud.com/v1/imagecaches/{name}'] as PathItem;
  assert.equal(cache.patch?.operationId, 'patchEciAlibabacloudComV1ImageCache');
  assert.ok(!Object.keys(cache.patch?.requestBody?.content ?? {}).includes('application/strategic-merge-patch+json'));
  assert.ok(!Object.keys(eci.paths).some((p) => p.includes('{namespace}')));
});

test('a document holds every schema its paths reference, transitively', () => {
  for (const path of ['api/v1', 'apis/apps/v1', 'apis/coordination.k8s.io/v1', 'apis/eci.alibabacloud.com/v1']) {
    const d = doc(path);
    const text = JSON.stringify(d);
    for (const [, name] of text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) {
      assert.ok(d.components.schemas[name as string], `${path} refers to ${name} but does not hold it`);
    }
    assert.ok(d.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']);
    assert.ok(d.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.Status']);
  }
  assert.ok(!doc('apis/coordination.k8s.io/v1').components.schemas['io.k8s.api.core.v1.PodSpec'], 'Lease does not pull in pods');
});

test('documents are built once and unknown group versions have none', () => {
  assert.equal(openApiV3GroupVersion(testKinds, 'apis/apps/v1'), openApiV3GroupVersion(testKinds, '/apis/apps/v1/'));
  assert.equal(openApiV3Root(testKinds), openApiV3Root(testKinds));
  assert.equal(openApiV3GroupVersion(testKinds, 'apis/batch/v1'), undefined);
  assert.equal(openApiV3GroupVersionDocument(testKinds, 'apis/batch/v1'), undefined);
  const other = testKinds.slice(0, 1);
  assert.deepEqual(Object.keys((openApiV3Root(other) as { paths: object }).paths), ['api/v1']);
});
