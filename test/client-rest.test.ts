// The client's REST calls against a real Ferry control plane (HTTPS, token auth, SQLite): CRUD,
// the four patch types, errors as ApiStatusError, paging, watch, and the pod/scale subresources.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { configMapKind, deploymentKind, namespaceKind, podKind } from '../src/api/kinds/index.ts';
import type { KubeObject } from '../src/api/object.ts';
import {
  ApiStatusError,
  ClientError,
  ClientErrorCode,
  clientFromKubeconfig,
  isAlreadyExists,
  isConflict,
  isGone,
  isNotFound,
  refFor,
} from '../src/client/index.ts';
import type { KubeClient, ResourceClient, WatchEvent } from '../src/client/index.ts';
import { startTestControlPlane } from './fixtures/control-plane.ts';
import type { TestControlPlane } from './fixtures/control-plane.ts';

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = any;

let cp: TestControlPlane;
let client: KubeClient;

before(async () => {
  cp = await startTestControlPlane();
  client = clientFromKubeconfig(cp.kubeconfig);
});
after(async () => {
  client.close();
  await cp.close();
});

async function namespace(name: string): Promise<void> {
  await client.resource(refFor(namespaceKind)).create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

function configMaps(ns: string): ResourceClient<ConfigMap> {
  return client.resource<ConfigMap>(refFor(configMapKind), ns);
}

async function rejection(call: Promise<unknown>): Promise<ApiStatusError> {
  try {
    await call;
  } catch (error) {
    assert.ok(error instanceof ApiStatusError, `expected an ApiStatusError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the call to fail');
}

/** The next `n` events, failing if they do not arrive within `ms`. */
async function take<T extends KubeObject>(it: AsyncIterator<WatchEvent<T>>, n: number, ms = 5000): Promise<WatchEvent<T>[]> {
  const out: WatchEvent<T>[] = [];
  while (out.length < n) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`only ${out.length} of ${n} events in ${ms} ms`)), ms)));
    const r = await Promise.race([it.next(), timeout]).finally(() => clearTimeout(timer));
    assert.equal(r.done, false, `the watch ended after ${out.length} of ${n} events`);
    out.push(r.value as WatchEvent<T>);
  }
  return out;
}

const deployment = (name: string): Obj => ({
  metadata: { name, labels: { app: name } },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { schedulerName: 'client-test-none', containers: [{ name: 'web', image: 'nginx:1.27', env: [{ name: 'A', value: '1' }] }] },
    },
  },
});

describe('kubeconfig and discovery', () => {
  test('the kubeconfig gives the server, CA, token and namespace; /version answers', async () => {
    assert.match(client.server, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(client.namespace, 'default');
    const version = await client.version();
    assert.equal(typeof version.gitVersion, 'string');
    assert.match(version.major, /^\d+$/);
  });

  test('a wrong token is a 401 Unauthorized ApiStatusError', async () => {
    const bad = clientFromKubeconfig(cp.kubeconfig, undefined, { token: 'not-the-token' });
    try {
      const error = await rejection(bad.resource(refFor(configMapKind), 'default').list());
      assert.equal(error.code, 401);
      assert.equal(error.reason, 'Unauthorized');
    } finally {
      bad.close();
    }
  });
});

describe('CRUD', () => {
  before(() => namespace('crud'));

  test('create fills apiVersion and kind, get returns it, update bumps resourceVersion', async () => {
    const cms = configMaps('crud');
    const created = await cms.create({ metadata: { name: 'one' }, data: { a: '1' } });
    assert.equal(created.kind, 'ConfigMap');
    assert.equal(created.metadata.namespace, 'crud');
    assert.ok(created.metadata.uid);
    const got = await cms.get('one');
    assert.deepEqual(got.data, { a: '1' });
    assert.equal(got.metadata.resourceVersion, created.metadata.resourceVersion);
    const updated = await cms.update({ ...got, data: { a: '2' } });
    assert.deepEqual(updated.data, { a: '2' });
    assert.notEqual(updated.metadata.resourceVersion, got.metadata.resourceVersion);
  });

  test('errors carry the HTTP code and Status reason, and the predicates read them', async () => {
    const cms = configMaps('crud');
    await cms.create({ metadata: { name: 'errs' }, data: {} });
    const stale = await cms.get('errs');
    await cms.update({ ...stale, data: { x: 'y' } });

    const conflict = await rejection(cms.update({ ...stale, data: { x: 'z' } }));
    assert.equal(conflict.code, 409);
    assert.ok(isConflict(conflict) && !isAlreadyExists(conflict));

    const exists = await rejection(cms.create({ metadata: { name: 'errs' } }));
    assert.equal(exists.code, 409);
    assert.ok(isAlreadyExists(exists) && !isConflict(exists));

    const missing = await rejection(cms.get('nope'));
    assert.equal(missing.code, 404);
    assert.ok(isNotFound(missing));
    assert.equal(missing.details?.name, 'nope');
    assert.match(missing.message, /not found/);

    const invalid = await rejection(cms.create({ metadata: { name: 'Not_Valid' } }));
    assert.equal(invalid.code, 422);
    assert.equal(invalid.reason, 'Invalid');
    assert.ok((invalid.details?.causes ?? []).length > 0);
  });

  test('a namespaced write without a namespace fails before any request', async () => {
    const all = client.resource(refFor(configMapKind));
    await assert.rejects(all.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }), (e: unknown) => e instanceof ClientError && e.code === ClientErrorCode.NamespaceRequired);
    // The object's own namespace is enough.
    const created = await all.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'own-ns', namespace: 'crud' } });
    assert.equal(created.metadata.namespace, 'crud');
  });

  test('delete with a wrong uid precondition is a conflict; a plain delete removes the object', async () => {
    const cms = configMaps('crud');
    await cms.create({ metadata: { name: 'gone' } });
    const pre = await rejection(cms.delete('gone', { preconditions: { uid: 'not-the-uid' } }));
    assert.ok(isConflict(pre));
    await cms.get('gone');
    await cms.delete('gone', { propagationPolicy: 'Background', gracePeriodSeconds: 0 });
    assert.ok(isNotFound(await rejection(cms.get('gone'))));
    assert.ok(isNotFound(await rejection(cms.delete('gone'))));
  });
});

describe('patch', () => {
  before(() => namespace('patch'));

  test('merge, JSON and strategic merge patches', async () => {
    const cms = configMaps('patch');
    await cms.create({ metadata: { name: 'p' }, data: { a: '1', b: '2' } });
    const merged = await cms.patch('p', { data: { b: null, c: '3' } }, 'merge');
    assert.deepEqual(merged.data, { a: '1', c: '3' });
    const jsonPatched = await cms.patch('p', [{ op: 'add', path: '/metadata/labels', value: { tier: 'x' } }, { op: 'replace', path: '/data/a', value: 'one' }], 'json');
    assert.deepEqual(jsonPatched.metadata.labels, { tier: 'x' });
    assert.equal(jsonPatched.data?.['a'], 'one');

    const deployments = client.resource(refFor(deploymentKind), 'patch');
    await deployments.create(deployment('web'));
    // Strategic merge merges the containers list by name; a merge patch would replace it.
    const strategic: Obj = await deployments.patch('web', { spec: { template: { spec: { containers: [{ name: 'side', image: 'busybox:1.36' }] } } } }, 'strategic');
    assert.deepEqual(strategic.spec.template.spec.containers.map((c: Obj) => c.name).sort(), ['side', 'web']);
  });

  test('server-side apply creates, reports conflicts between managers, and force takes the field', async () => {
    const cms = configMaps('patch');
    const applied = await cms.patch('applied', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied' }, data: { k: 'a' } }, 'apply', { fieldManager: 'alice' });
    assert.deepEqual(applied.data, { k: 'a' });
    const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied' }, data: { k: 'b' } };
    const conflict = await rejection(cms.patch('applied', body, 'apply', { fieldManager: 'bob' }));
    assert.ok(isConflict(conflict));
    assert.match(conflict.message, /alice/);
    const forced = await cms.patch('applied', body, 'apply', { fieldManager: 'bob', force: true });
    assert.deepEqual(forced.data, { k: 'b' });
    assert.ok(forced.metadata.managedFields?.some((f) => f.manager === 'bob'));
  });

  test('status is written only through the status subresource', async () => {
    const deployments = client.resource(refFor(deploymentKind), 'patch');
    const created: Obj = await deployments.create(deployment('stat'));
    const viaMain: Obj = await deployments.update({ ...created, status: { replicas: 7 } });
    assert.notEqual(viaMain.status?.replicas, 7);
    const viaStatus: Obj = await deployments.updateStatus({ ...viaMain, status: { replicas: 7, observedGeneration: 1 } });
    assert.equal(viaStatus.status.replicas, 7);
    const patched: Obj = await deployments.patch('stat', { status: { replicas: 2 } }, 'merge', { subresource: 'status' });
    assert.equal(patched.status.replicas, 2);
  });
});

describe('list', () => {
  before(async () => {
    await namespace('paging');
    const cms = configMaps('paging');
    for (let i = 0; i < 7; i++) await cms.create({ metadata: { name: `cm-${i}`, labels: { set: i % 2 === 0 ? 'even' : 'odd' } } });
  });

  test('one page with a continue token, or every page with all', async () => {
    const cms = configMaps('paging');
    const page = await cms.list({ limit: 3 });
    assert.equal(page.items.length, 3);
    assert.ok(page.metadata.continue);
    const next = await cms.list({ limit: 3, continue: page.metadata.continue });
    assert.deepEqual(next.items.map((i) => i.metadata.name), ['cm-3', 'cm-4', 'cm-5']);
    const all = await cms.list({ limit: 3, all: true });
    assert.deepEqual(all.items.map((i) => i.metadata.name), ['cm-0', 'cm-1', 'cm-2', 'cm-3', 'cm-4', 'cm-5', 'cm-6']);
    assert.equal(all.metadata.continue, undefined);
    assert.match(all.metadata.resourceVersion ?? '', /^\d+$/);
    // List items come without apiVersion/kind on the wire; the client fills them.
    assert.ok(all.items.every((i) => i.kind === 'ConfigMap' && i.apiVersion === 'v1'));
  });

  test('label selectors as a string or as matchLabels, and field selectors', async () => {
    const cms = configMaps('paging');
    assert.equal((await cms.list({ labelSelector: 'set=even' })).items.length, 4);
    assert.equal((await cms.list({ labelSelector: { set: 'odd' } })).items.length, 3);
    const byName = await cms.list({ fieldSelector: 'metadata.name=cm-5' });
    assert.deepEqual(byName.items.map((i) => i.metadata.name), ['cm-5']);
    const everywhere = await client.resource(refFor(configMapKind)).list({ fieldSelector: { 'metadata.namespace': 'paging' } });
    assert.equal(everywhere.items.length, 7);
  });

  test('an expired continue token falls back to one full list', async () => {
    const cms = configMaps('paging');
    const kv = cp.plane.api.state.objects.kv;
    // Compact between the first page and the next: the token's revision is gone.
    const page = await cms.list({ limit: 2 });
    await configMaps('paging').create({ metadata: { name: 'cm-late' } });
    await kv.compact(await kv.currentRevision());
    const error = await rejection(cms.list({ limit: 2, continue: page.metadata.continue }));
    assert.ok(isGone(error));
    const all = await cms.list({ limit: 2, all: true });
    assert.equal(all.items.length, 8);
    await cms.delete('cm-late');
  });
});

describe('watch', () => {
  before(() => namespace('watch'));

  test('from a list resourceVersion: ADDED, MODIFIED, DELETED in order; cancel ends the iteration', async () => {
    const cms = configMaps('watch');
    const list = await cms.list();
    const w = cms.watch({ resourceVersion: list.metadata.resourceVersion });
    const it = w[Symbol.asyncIterator]();
    await cms.create({ metadata: { name: 'w1' }, data: { v: '1' } });
    await cms.patch('w1', { data: { v: '2' } });
    await cms.delete('w1');
    const events = await take(it, 3);
    assert.deepEqual(events.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
    assert.deepEqual(events.map((e) => e.object.metadata.name), ['w1', 'w1', 'w1']);
    assert.equal(events[1]?.object.data?.['v'], '2');
    assert.equal(events[0]?.object.kind, 'ConfigMap');
    w.cancel();
    assert.deepEqual(await it.next(), { value: undefined, done: true });
  });

  test('without a resourceVersion the current objects come first as ADDED; selectors apply', async () => {
    const cms = configMaps('watch');
    await cms.create({ metadata: { name: 'pre', labels: { w: 'yes' } } });
    await cms.create({ metadata: { name: 'other' } });
    const w = cms.watch({ labelSelector: { w: 'yes' } });
    const seen: string[] = [];
    for await (const event of w) {
      seen.push(`${event.type} ${event.object.metadata.name}`);
      if (seen.length === 1) await cms.create({ metadata: { name: 'post', labels: { w: 'yes' } } });
      if (seen.length === 2) break;
    }
    assert.deepEqual(seen, ['ADDED pre', 'ADDED post']);
  });

  test('timeoutSeconds: the server ends the watch and the iteration completes', async () => {
    const started = Date.now();
    const w = configMaps('watch').watch({ resourceVersion: (await configMaps('watch').list()).metadata.resourceVersion, timeoutSeconds: 1 });
    let count = 0;
    for await (const _ of w) count++;
    assert.equal(count, 0);
    assert.ok(Date.now() - started >= 900, 'ended before the timeout');
  });

  test('a compacted resourceVersion ends the iteration with 410 Gone', async () => {
    const cms = configMaps('watch');
    const old = (await cms.list()).metadata.resourceVersion;
    await cms.create({ metadata: { name: 'compact-me' } });
    const kv = cp.plane.api.state.objects.kv;
    await kv.compact(await kv.currentRevision());
    const w = cms.watch({ resourceVersion: old });
    await assert.rejects(
      (async () => {
        for await (const _ of w) assert.fail('no event expected before the error');
      })(),
      (e: unknown) => isGone(e) && (e as ApiStatusError).code === 410,
    );
  });

  test('an aborted signal ends the watch quietly', async () => {
    const abort = new AbortController();
    const w = configMaps('watch').watch({ resourceVersion: (await configMaps('watch').list()).metadata.resourceVersion, signal: abort.signal });
    setTimeout(() => abort.abort(), 100);
    let count = 0;
    for await (const _ of w) count++;
    assert.equal(count, 0);
  });
});

describe('subresources', () => {
  before(() => namespace('sub'));

  // Ferry's apiserver runs pods/binding through the pod-update validation, which forbids changing
  // spec.nodeName (src/apiserver/handlers/subresources.ts handleBinding -> commitUpdate): a server
  // bug, not the client's. The test stays to pass once it is fixed.
  test('bind sets the pod\'s node; binding a bound pod is a conflict', async () => {
    const pods = client.resource(refFor(podKind), 'sub');
    await pods.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { schedulerName: 'client-test-none', containers: [{ name: 'c', image: 'busybox:1.36' }] } });
    await pods.bind('p', 'node-a');
    const bound: Obj = await pods.get('p');
    assert.equal(bound.spec.nodeName, 'node-a');
    assert.ok(isConflict(await rejection(pods.bind('p', 'node-b'))));
    assert.ok(isNotFound(await rejection(pods.bind('missing', 'node-a'))));
  });

  test('getScale and setScale', async () => {
    const deployments = client.resource(refFor(deploymentKind), 'sub');
    await deployments.create(deployment('scaled'));
    const scale = await deployments.getScale('scaled');
    assert.equal(scale.kind, 'Scale');
    assert.equal(scale.spec.replicas, 1);
    const after = await deployments.setScale('scaled', 4);
    assert.equal(after.spec.replicas, 4);
    const live: Obj = await deployments.get('scaled');
    assert.equal(live.spec.replicas, 4);
  });
});
