// The official JavaScript client (@kubernetes/client-node 2.x) against a real control plane
// (HTTPS, token auth, SQLite): create, list, watch, patch (merge, strategic, JSON patch), update
// with optimistic concurrency, delete, and the ImageCache custom kind.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { startTestControlPlane } from './fixtures/control-plane.ts';
import type { TestControlPlane } from './fixtures/control-plane.ts';

const namespace = 'default';
const SECRET = 'js-regcred';
const DEPLOYMENT = 'js-web';
const CONFIG_MAP = 'js-watched';
const IMAGE_CACHE = 'js-cache';
const IC = { group: 'eci.alibabacloud.com', version: 'v1', plural: 'imagecaches' };

interface ImageCache {
  apiVersion?: string;
  kind?: string;
  metadata: k8s.V1ObjectMeta;
  spec: { images: string[]; imagePullSecrets?: string[]; retentionDays?: number };
}
interface ImageCacheList {
  kind?: string;
  metadata?: k8s.V1ListMeta;
  items: ImageCache[];
}

/** The HTTP status and Status reason of the ApiException a call rejects with. */
async function failure(call: Promise<unknown>): Promise<{ code: number; reason: unknown; message: unknown }> {
  try {
    await call;
  } catch (error) {
    assert.ok(error instanceof k8s.ApiException, `expected an ApiException, got ${String(error)}`);
    const raw: unknown = error.body;
    const body = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { reason?: unknown; message?: unknown; kind?: unknown; code?: unknown };
    assert.equal(body.kind, 'Status');
    assert.equal(body.code, error.code);
    return { code: error.code, reason: body.reason, message: body.message };
  }
  assert.fail('expected the call to fail');
}

describe('@kubernetes/client-node', () => {
  let cp: TestControlPlane;
  let core: k8s.CoreV1Api;
  let apps: k8s.AppsV1Api;
  let custom: k8s.CustomObjectsApi;
  let kc: k8s.KubeConfig;
  let created: k8s.V1Deployment;

  before(async () => {
    cp = await startTestControlPlane();
    kc = new k8s.KubeConfig();
    kc.loadFromFile(cp.kubeconfig);
    assert.match(kc.getCurrentCluster()?.server ?? '', /^https:\/\/127\.0\.0\.1:\d+$/);
    core = kc.makeApiClient(k8s.CoreV1Api);
    apps = kc.makeApiClient(k8s.AppsV1Api);
    custom = kc.makeApiClient(k8s.CustomObjectsApi);
  });
  after(async () => {
    await cp.close();
  });

  test('create a docker-registry secret and a deployment', async () => {
    const auths = { 'www.example.com': { username: 'ssl', password: 'xxx', auth: Buffer.from('ssl:xxx').toString('base64') } };
    const secret = await core.createNamespacedSecret({
      namespace,
      body: {
        metadata: { name: SECRET },
        type: 'kubernetes.io/dockerconfigjson',
        data: { '.dockerconfigjson': Buffer.from(JSON.stringify({ auths })).toString('base64') },
      },
    });
    assert.equal(secret.metadata?.name, SECRET);
    assert.equal(secret.metadata?.namespace, namespace);
    assert.equal(secret.type, 'kubernetes.io/dockerconfigjson');
    assert.match(secret.metadata?.uid ?? '', /^[0-9a-f-]{36}$/);
    assert.deepEqual(JSON.parse(Buffer.from(secret.data?.['.dockerconfigjson'] ?? '', 'base64').toString()), { auths });

    const labels = { app: DEPLOYMENT };
    created = await apps.createNamespacedDeployment({
      namespace,
      body: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: DEPLOYMENT, labels: { app: DEPLOYMENT, tier: 'web' } },
        spec: {
          replicas: 1,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              imagePullSecrets: [{ name: SECRET }],
              containers: [
                { name: 'web', image: 'nginx:1.25', ports: [{ containerPort: 80 }] },
                { name: 'sidecar', image: 'busybox:1.36', command: ['sleep', 'infinity'] },
              ],
            },
          },
        },
      },
    });
    assert.equal(created.metadata?.name, DEPLOYMENT);
    assert.equal(created.metadata?.generation, 1);
    assert.ok(created.metadata?.creationTimestamp instanceof Date, 'creationTimestamp is an RFC 3339 time');
    assert.ok(created.metadata?.resourceVersion);
    // Defaults a real API server fills in.
    assert.equal(created.spec?.strategy?.type, 'RollingUpdate');
    assert.equal(created.spec?.template.spec?.containers[0]?.imagePullPolicy, 'IfNotPresent');

    const again = await failure(apps.createNamespacedDeployment({ namespace, body: { metadata: { name: DEPLOYMENT }, spec: created.spec } }));
    assert.equal(again.code, 409);
    assert.equal(again.reason, 'AlreadyExists');
  });

  test('list deployments and secrets', async () => {
    const deployments = await apps.listNamespacedDeployment({ namespace });
    assert.deepEqual(deployments.items.map((d) => d.metadata?.name), [DEPLOYMENT]);
    assert.ok(deployments.metadata?.resourceVersion);
    const secrets = await core.listNamespacedSecret({ namespace });
    const types = Object.fromEntries(secrets.items.map((s) => [s.metadata?.name, s.type]));
    assert.deepEqual(types, { 'default-secret': 'kubernetes.io/dockerconfigjson', [SECRET]: 'kubernetes.io/dockerconfigjson' });
    const all = await apps.listDeploymentForAllNamespaces();
    assert.deepEqual(all.items.map((d) => `${d.metadata?.namespace}/${d.metadata?.name}`), [`${namespace}/${DEPLOYMENT}`]);
    const selected = await apps.listNamespacedDeployment({ namespace, labelSelector: 'tier=web' });
    assert.deepEqual(selected.items.map((d) => d.metadata?.name), [DEPLOYMENT]);
    const none = await apps.listNamespacedDeployment({ namespace, labelSelector: 'tier=db' });
    assert.deepEqual(none.items, []);
    const byName = await core.listNamespacedSecret({ namespace, fieldSelector: `metadata.name=${SECRET}` });
    assert.deepEqual(byName.items.map((s) => s.metadata?.name), [SECRET]);
  });

  test('watch sees ADDED, MODIFIED and DELETED from the list resourceVersion', async () => {
    const list = await core.listNamespacedConfigMap({ namespace });
    const resourceVersion = list.metadata?.resourceVersion;
    assert.ok(resourceVersion);
    const events: { type: string; name: string | undefined; rv: string | undefined; step: string | undefined }[] = [];
    let sawDeleted!: () => void;
    const deleted = new Promise<void>((resolve) => (sawDeleted = resolve));
    let doneError: unknown = 'not done';
    const watch = new k8s.Watch(kc);
    const controller = await watch.watch(
      `/api/v1/namespaces/${namespace}/configmaps`,
      { resourceVersion, timeoutSeconds: 30, allowWatchBookmarks: true },
      (type, object: k8s.V1ConfigMap) => {
        if (object.metadata?.name !== CONFIG_MAP) return;
        events.push({ type, name: object.metadata.name, rv: object.metadata.resourceVersion, step: object.data?.['step'] });
        if (type === 'DELETED') sawDeleted();
      },
      (err: unknown) => {
        doneError = err;
      },
    );
    try {
      const cm = await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: CONFIG_MAP }, data: { step: 'created' } } });
      const patched = await core.patchNamespacedConfigMap(
        { name: CONFIG_MAP, namespace, body: { data: { step: 'patched' } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      );
      await core.deleteNamespacedConfigMap({ name: CONFIG_MAP, namespace });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        deleted,
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no DELETED event; saw ${JSON.stringify(events)}`)), 15_000);
        }),
      ]).finally(() => clearTimeout(timer));
      assert.deepEqual(events.map((e) => [e.type, e.name, e.step]), [
        ['ADDED', CONFIG_MAP, 'created'],
        ['MODIFIED', CONFIG_MAP, 'patched'],
        ['DELETED', CONFIG_MAP, 'patched'],
      ]);
      assert.equal(events[0]?.rv, cm.metadata?.resourceVersion);
      assert.equal(events[1]?.rv, patched.metadata?.resourceVersion);
      assert.ok(Number(events[2]?.rv) > Number(events[1]?.rv), 'the DELETED event carries the deletion revision');
      assert.equal(doneError, 'not done', 'the watch stayed open until we stopped it');
    } finally {
      controller.abort();
    }
    await assert.rejects(core.readNamespacedConfigMap({ name: CONFIG_MAP, namespace }), (e: unknown) => e instanceof k8s.ApiException && e.code === 404);
  });

  test('patch: strategic merge, JSON merge and JSON patch, then read back', async () => {
    const strategic = await apps.patchNamespacedDeployment(
      {
        name: DEPLOYMENT,
        namespace,
        body: {
          metadata: { labels: { patched: 'strategic' } },
          spec: { replicas: 2, template: { spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } },
        },
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch),
    );
    // Strategic merge merges containers by name: the sidecar stays.
    assert.deepEqual(strategic.spec?.template.spec?.containers.map((c) => [c.name, c.image]), [['web', 'nginx:1.27'], ['sidecar', 'busybox:1.36']]);
    assert.equal(strategic.spec?.replicas, 2);
    assert.deepEqual(strategic.metadata?.labels, { app: DEPLOYMENT, tier: 'web', patched: 'strategic' });
    assert.equal(strategic.metadata?.generation, 2);

    const merged = await apps.patchNamespacedDeployment(
      { name: DEPLOYMENT, namespace, body: { metadata: { labels: { tier: null, patched: 'merge' } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    assert.deepEqual(merged.metadata?.labels, { app: DEPLOYMENT, patched: 'merge' });
    assert.equal(merged.metadata?.generation, 2, 'a metadata-only change does not bump the generation');

    // A merge patch replaces lists wholesale (unlike the strategic merge above).
    const replacedList = await apps.patchNamespacedDeployment(
      { name: DEPLOYMENT, namespace, body: { spec: { template: { spec: { imagePullSecrets: [{ name: 'other' }, { name: SECRET }] } } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    assert.deepEqual(replacedList.spec?.template.spec?.imagePullSecrets?.map((s) => s.name), ['other', SECRET]);

    // The generated method's default content type is JSON patch.
    const jsonPatched = await apps.patchNamespacedDeployment({
      name: DEPLOYMENT,
      namespace,
      body: [
        { op: 'test', path: '/spec/replicas', value: 2 },
        { op: 'remove', path: '/spec/template/spec/imagePullSecrets/0' },
        { op: 'add', path: '/metadata/annotations', value: { 'ferry.test/by': 'json-patch' } },
      ],
    });
    assert.deepEqual(jsonPatched.metadata?.annotations, { 'ferry.test/by': 'json-patch' });

    const failedTest = await failure(apps.patchNamespacedDeployment({ name: DEPLOYMENT, namespace, body: [{ op: 'test', path: '/spec/replicas', value: 9 }] }));
    assert.equal(failedTest.code, 422);

    const read = await apps.readNamespacedDeployment({ name: DEPLOYMENT, namespace });
    assert.deepEqual(read.metadata?.labels, { app: DEPLOYMENT, patched: 'merge' });
    assert.equal(read.spec?.replicas, 2);
    assert.deepEqual(read.spec?.template.spec?.containers.map((c) => [c.name, c.image]), [['web', 'nginx:1.27'], ['sidecar', 'busybox:1.36']]);
    assert.deepEqual(read.spec?.template.spec?.imagePullSecrets?.map((s) => s.name), [SECRET]);
    assert.equal(read.metadata?.uid, created.metadata?.uid);
    assert.equal(read.metadata?.resourceVersion, jsonPatched.metadata?.resourceVersion);
  });

  test('replace with a stale resourceVersion is a 409 Conflict; with the current one it succeeds', async () => {
    assert.ok(created.spec);
    const stale: k8s.V1Deployment = { ...created, spec: { ...created.spec, replicas: 5 } };
    const conflict = await failure(apps.replaceNamespacedDeployment({ name: DEPLOYMENT, namespace, body: stale }));
    assert.equal(conflict.code, 409);
    assert.equal(conflict.reason, 'Conflict');
    assert.match(String(conflict.message), /the object has been modified; please apply your changes to the latest version and try again/);

    const current = await apps.readNamespacedDeployment({ name: DEPLOYMENT, namespace });
    assert.equal(current.spec?.replicas, 2, 'the stale replace changed nothing');
    assert.ok(current.spec);
    const replaced = await apps.replaceNamespacedDeployment({ name: DEPLOYMENT, namespace, body: { ...current, spec: { ...current.spec, replicas: 3 } } });
    assert.equal(replaced.spec?.replicas, 3);
    assert.notEqual(replaced.metadata?.resourceVersion, current.metadata?.resourceVersion);
  });

  test('ImageCache: create, list, merge patch, get, delete', async () => {
    const cache = (await custom.createClusterCustomObject({
      ...IC,
      body: {
        apiVersion: `${IC.group}/${IC.version}`,
        kind: 'ImageCache',
        metadata: { name: IMAGE_CACHE },
        spec: { images: ['nginx:1.25'], imagePullSecrets: ['default:test'] },
      },
    })) as ImageCache;
    assert.equal(cache.kind, 'ImageCache');
    assert.equal(cache.apiVersion, 'eci.alibabacloud.com/v1');
    assert.equal(cache.metadata.name, IMAGE_CACHE);
    assert.equal(cache.metadata.namespace, undefined, 'ImageCache is cluster-scoped');
    assert.deepEqual(cache.spec, { images: ['nginx:1.25'], imagePullSecrets: ['default:test'] });

    const list = (await custom.listClusterCustomObject(IC)) as ImageCacheList;
    assert.equal(list.kind, 'ImageCacheList');
    assert.deepEqual(list.items.map((i) => i.metadata.name), [IMAGE_CACHE]);

    const patched = (await custom.patchClusterCustomObject(
      { ...IC, name: IMAGE_CACHE, body: { spec: { retentionDays: 7 } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    )) as ImageCache;
    assert.deepEqual(patched.spec, { images: ['nginx:1.25'], imagePullSecrets: ['default:test'], retentionDays: 7 });
    const got = (await custom.getClusterCustomObject({ ...IC, name: IMAGE_CACHE })) as ImageCache;
    assert.deepEqual(got.spec, patched.spec);

    await custom.deleteClusterCustomObject({ ...IC, name: IMAGE_CACHE });
    const gone = await failure(custom.getClusterCustomObject({ ...IC, name: IMAGE_CACHE }));
    assert.equal(gone.code, 404);
    assert.equal(gone.reason, 'NotFound');
  });

  test('delete the deployment and the secret, then 404', async () => {
    await apps.deleteNamespacedDeployment({ name: DEPLOYMENT, namespace });
    await core.deleteNamespacedSecret({ name: SECRET, namespace });
    const deployment = await failure(apps.readNamespacedDeployment({ name: DEPLOYMENT, namespace }));
    assert.deepEqual([deployment.code, deployment.reason, deployment.message], [404, 'NotFound', `deployments.apps "${DEPLOYMENT}" not found`]);
    const secret = await failure(core.readNamespacedSecret({ name: SECRET, namespace }));
    assert.deepEqual([secret.code, secret.reason, secret.message], [404, 'NotFound', `secrets "${SECRET}" not found`]);
    const again = await failure(apps.deleteNamespacedDeployment({ name: DEPLOYMENT, namespace }));
    assert.equal(again.code, 404);
    assert.deepEqual((await apps.listNamespacedDeployment({ namespace })).items, []);
    assert.deepEqual((await core.listNamespacedSecret({ namespace })).items.map((s) => s.metadata?.name), ['default-secret']);
  });
});
