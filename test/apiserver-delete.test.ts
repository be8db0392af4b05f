// DELETE semantics over real HTTPS: preconditions, finalizers, cascading deletion by
// ownerReferences, namespace deletion and deletecollection, as kube-apiserver does them.
// https://kubernetes.io/docs/concepts/architecture/garbage-collection/
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { eventually } from './fixtures/api-client.ts';
import { CMS, DEPLOYS, ok, useApiServer } from './fixtures/api-suite.ts';
import type { Obj } from './fixtures/api-suite.ts';


const suite = useApiServer();

const RSS = '/apis/apps/v1/namespaces/default/replicasets';
const MERGE = 'application/merge-patch+json';


const statusOf = async (path: string): Promise<number> => (await suite.api.request('GET', path)).status;

function podTemplate(app: string): Obj {
  return { metadata: { labels: { app } }, spec: { containers: [{ name: 'web', image: 'registry.example.com/web:1' }] } };
}

/** A Deployment and a ReplicaSet it controls, as the deployment controller would create them. */
async function ownedPair(name: string): Promise<{ deployment: Obj; rs: Obj }> {
  const deployment = await ok(
    suite.api.request('POST', DEPLOYS, {
      body: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name }, spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: podTemplate(name) } },
    }),
    201,
  );
  const owner = { apiVersion: 'apps/v1', kind: 'Deployment', name, uid: deployment.metadata.uid, controller: true, blockOwnerDeletion: true };
  const rs = await ok(
    suite.api.request('POST', RSS, {
      body: {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: { name: `${name}-abc12`, ownerReferences: [owner] },
        spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: podTemplate(name) },
      },
    }),
    201,
  );
  return { deployment, rs };
}

describe('delete', () => {
  test('a precondition on uid or resourceVersion that does not hold is 409 and keeps the object', async () => {
    const created = await ok(suite.api.request('POST', CMS, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'pre' } } }), 201);
    const wrongUid = '00000000-0000-0000-0000-000000000000';
    const r = await suite.api.request<Obj>('DELETE', `${CMS}/pre`, { body: { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: wrongUid } } });
    assert.equal(r.status, 409, r.text);
    assert.equal(r.json.reason, 'Conflict');
    assert.equal(r.json.message, `Operation cannot be fulfilled on configmaps "pre": Precondition failed: UID in precondition: ${wrongUid}, UID in object meta: ${created.metadata.uid}`);
    const rv = await suite.api.request<Obj>('DELETE', `${CMS}/pre`, { body: { preconditions: { resourceVersion: '1' } } });
    assert.equal(rv.status, 409, rv.text);
    assert.equal(await statusOf(`${CMS}/pre`), 200);
    const good = await ok(suite.api.request('DELETE', `${CMS}/pre`, { body: { preconditions: { uid: created.metadata.uid, resourceVersion: created.metadata.resourceVersion } } }));
    assert.equal(good.kind, 'Status');
    assert.equal(good.status, 'Success');
    assert.equal(good.details.uid, created.metadata.uid);
    assert.equal(await statusOf(`${CMS}/pre`), 404);
  });

  test('an object with a finalizer gets a deletionTimestamp and stays until a patch removes the finalizer', async () => {
    const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', finalizers: ['example.com/hold'] } };
    const created = await ok(suite.api.request('POST', CMS, { body }), 201);
    const w = suite.api.watch(`${CMS}?watch=1&fieldSelector=metadata.name%3Dheld&resourceVersion=${created.metadata.resourceVersion}`);
    try {
      const marked = await ok(suite.api.request('DELETE', `${CMS}/held`));
      assert.equal(marked.metadata.name, 'held');
      assert.match(marked.metadata.deletionTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.deepEqual(marked.metadata.finalizers, ['example.com/hold']);
      const still = await ok(suite.api.request('GET', `${CMS}/held`));
      assert.equal(still.metadata.deletionTimestamp, marked.metadata.deletionTimestamp);
      // A second delete does not remove it either.
      await ok(suite.api.request('DELETE', `${CMS}/held`));
      assert.equal(await statusOf(`${CMS}/held`), 200);
      await ok(suite.api.request('PATCH', `${CMS}/held`, { body: { metadata: { finalizers: null } }, contentType: MERGE }));
      assert.equal(await statusOf(`${CMS}/held`), 404);
      const types: string[] = [];
      for (let e = await w.next(); e !== undefined; e = await w.next()) {
        types.push(e.type);
        if (e.type === 'DELETED') break;
      }
      assert.deepEqual(types, ['MODIFIED', 'DELETED']);
    } finally {
      w.close();
    }
  });

  test('marking a Deployment for deletion bumps its generation once', async () => {
    const body = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'held-deploy', finalizers: ['example.com/hold'] },
      spec: { replicas: 1, selector: { matchLabels: { app: 'held' } }, template: podTemplate('held') },
    };
    assert.equal((await ok(suite.api.request('POST', DEPLOYS, { body }), 201)).metadata.generation, 1);
    const marked = await ok(suite.api.request('DELETE', `${DEPLOYS}/held-deploy`));
    assert.equal(marked.metadata.generation, 2);
    const again = await ok(suite.api.request('DELETE', `${DEPLOYS}/held-deploy`));
    assert.equal(again.metadata.generation, 2);
    assert.equal(again.metadata.resourceVersion, marked.metadata.resourceVersion);
    await ok(suite.api.request('PATCH', `${DEPLOYS}/held-deploy`, { body: { metadata: { finalizers: [] } }, contentType: MERGE }));
    assert.equal(await statusOf(`${DEPLOYS}/held-deploy`), 404);
  });

  test('deleting a Deployment deletes the ReplicaSet it controls (Background)', async () => {
    const { rs } = await ownedPair('cascade');
    const r = await ok(suite.api.request('DELETE', `${DEPLOYS}/cascade`));
    assert.equal(r.status, 'Success');
    assert.equal(await statusOf(`${DEPLOYS}/cascade`), 404);
    assert.ok(await eventually(async () => (await statusOf(`${RSS}/${rs.metadata.name}`)) === 404), 'the ReplicaSet was garbage collected');
  });

  test('Foreground deletion removes the dependents before the owner', async () => {
    const { rs } = await ownedPair('fg');
    await ok(suite.api.request('DELETE', `${DEPLOYS}/fg`, { body: { propagationPolicy: 'Foreground' } }));
    assert.ok(await eventually(async () => (await statusOf(`${DEPLOYS}/fg`)) === 404), 'the owner goes once its dependents are gone');
    assert.equal(await statusOf(`${RSS}/${rs.metadata.name}`), 404);
  });

  test('a dependent with another owner left loses only the reference to the deleted one', async () => {
    const cms = '/api/v1/namespaces/default/configmaps';
    const a = await ok(suite.api.request('POST', cms, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owner-a' } } }), 201);
    const b = await ok(suite.api.request('POST', cms, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owner-b' } } }), 201);
    const ref = (o: Obj) => ({ apiVersion: 'v1', kind: 'ConfigMap', name: o.metadata.name, uid: o.metadata.uid });
    await ok(suite.api.request('POST', cms, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shared', ownerReferences: [ref(a), ref(b)] } } }), 201);
    await ok(suite.api.request('DELETE', `${cms}/owner-a`));
    assert.ok(await eventually(async () => {
      const shared = await ok(suite.api.request('GET', `${cms}/shared`));
      return JSON.stringify(shared.metadata.ownerReferences?.map((r: { name: string }) => r.name)) === '["owner-b"]';
    }), 'only owner-a\'s reference is dropped');
    await ok(suite.api.request('DELETE', `${cms}/owner-b`));
    assert.ok(await eventually(async () => (await statusOf(`${cms}/shared`)) === 404), 'with no owner left it is collected');
  });

  test('a dependent whose owner never existed (dangling uid) is collected', async () => {
    const cms = '/api/v1/namespaces/default/configmaps';
    const ghost = { apiVersion: 'v1', kind: 'ConfigMap', name: 'ghost', uid: '00000000-0000-4000-8000-000000000000' };
    await ok(suite.api.request('POST', cms, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'haunted', ownerReferences: [ghost] } } }), 201);
    assert.ok(await eventually(async () => (await statusOf(`${cms}/haunted`)) === 404));
  });

  test('propagationPolicy=Orphan keeps the ReplicaSet and removes its ownerReference', async () => {
    const { rs } = await ownedPair('orphan');
    await ok(suite.api.request('DELETE', `${DEPLOYS}/orphan?propagationPolicy=Orphan`));
    assert.ok(await eventually(async () => (await statusOf(`${DEPLOYS}/orphan`)) === 404), 'the Deployment is deleted');
    const left = await ok(suite.api.request('GET', `${RSS}/${rs.metadata.name}`));
    assert.equal(left.metadata.uid, rs.metadata.uid);
    assert.equal(left.metadata.ownerReferences, undefined);
    assert.equal(left.metadata.deletionTimestamp, undefined);
  });

  test('a namespace held by a finalizer stays Terminating, refuses new content, and goes when released', async () => {
    await ok(suite.api.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'held', finalizers: ['example.com/hold'] } } }), 201);
    const deleted = await ok(suite.api.request('DELETE', '/api/v1/namespaces/held'));
    assert.equal(deleted.status.phase, 'Terminating');
    assert.ok(deleted.metadata.deletionTimestamp);
    const live = await ok(suite.api.request('GET', '/api/v1/namespaces/held'));
    assert.equal(live.status.phase, 'Terminating');
    const refused = await suite.api.request<Obj>('POST', '/api/v1/namespaces/held/configmaps', { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late' } } });
    assert.equal(refused.status, 403);
    assert.equal(refused.json.message, 'configmaps "late" is forbidden: unable to create new content in namespace held because it is being terminated');
    // The namespace controller empties it while the other finalizer still holds it.
    assert.ok(await eventually(async () => (await ok(suite.api.request('GET', '/api/v1/namespaces/held/secrets'))).items.length === 0), 'its contents are deleted');
    assert.equal((await ok(suite.api.request('GET', '/api/v1/namespaces/held'))).status.phase, 'Terminating');
    await ok(suite.api.request('PATCH', '/api/v1/namespaces/held', { body: { metadata: { finalizers: null } }, contentType: 'application/merge-patch+json' }));
    assert.ok(await eventually(async () => (await statusOf('/api/v1/namespaces/held')) === 404), 'released, the namespace goes');
  });

  test('deleting a namespace deletes the objects in it', async () => {
    await ok(suite.api.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'doomed' } } }), 201);
    const nsCms = '/api/v1/namespaces/doomed/configmaps';
    for (const name of ['a', 'b']) await ok(suite.api.request('POST', nsCms, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } } }), 201);
    await ok(suite.api.request('DELETE', '/api/v1/namespaces/doomed'));
    assert.ok(await eventually(async () => (await statusOf('/api/v1/namespaces/doomed')) === 404), 'the namespace goes');
    const remaining = await ok(suite.api.request('GET', nsCms));
    assert.deepEqual(remaining.items, []);
    const secrets = await ok(suite.api.request('GET', '/api/v1/namespaces/doomed/secrets'));
    assert.deepEqual(secrets.items, [], 'the namespace\'s default secret goes too');
    // A new namespace of the same name starts empty.
    await ok(suite.api.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'doomed' } } }), 201);
    assert.deepEqual((await ok(suite.api.request('GET', nsCms))).items, []);
  });

  test('default, kube-system and kube-public may not be deleted (403)', async () => {
    for (const name of ['default', 'kube-system', 'kube-public']) {
      const r = await suite.api.request<Obj>('DELETE', `/api/v1/namespaces/${name}`);
      assert.equal(r.status, 403, r.text);
      assert.equal(r.json.reason, 'Forbidden');
      assert.equal(r.json.message, `namespaces "${name}" is forbidden: this namespace may not be deleted`);
      assert.deepEqual(r.json.details, { name, kind: 'namespaces' });
      const ns = await ok(suite.api.request('GET', `/api/v1/namespaces/${name}`));
      assert.equal(ns.metadata.deletionTimestamp, undefined);
    }
  });

  test('deletecollection with a label selector deletes only the matching objects', async () => {
    const make = (name: string, set: string): Promise<Obj> =>
      ok(suite.api.request('POST', CMS, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { set } } } }), 201);
    for (const name of ['dc-a1', 'dc-a2', 'dc-a3']) await make(name, 'a');
    for (const name of ['dc-b1', 'dc-b2']) await make(name, 'b');
    const r = await ok(suite.api.request('DELETE', `${CMS}?labelSelector=set%3Da`));
    assert.equal(r.kind, 'ConfigMapList');
    assert.deepEqual(r.items.map((o: Obj) => o.metadata.name).sort(), ['dc-a1', 'dc-a2', 'dc-a3']);
    const left = await ok(suite.api.request('GET', `${CMS}?labelSelector=set`));
    assert.deepEqual(left.items.map((o: Obj) => o.metadata.name), ['dc-b1', 'dc-b2']);
  });
});
