import assert from 'node:assert/strict';
import { test } from 'node:test';
import { statefulSet } from '../testing/fixtures.ts';
import { identityMatches, isMemberOf, newStatefulSetPod, parentAndOrdinal } from './identity.ts';
import { controllerRevisionFor, controllerRevisionName, hashRevision, revisionPatch, updateRevisionName } from './revision.ts';
import { fnv32 } from '../common/hash.ts';

// stateful_set_utils_test.go TestGetParentNameAndOrdinal
test('parentAndOrdinal parses <parent>-<ordinal>', () => {
  assert.deepEqual(parentAndOrdinal('web-0'), { parent: 'web', ordinal: 0 });
  assert.deepEqual(parentAndOrdinal('my-web-12'), { parent: 'my-web', ordinal: 12 });
  assert.deepEqual(parentAndOrdinal('web'), { parent: '', ordinal: -1 });
  assert.deepEqual(parentAndOrdinal('web-x'), { parent: '', ordinal: -1 });
  assert.equal(parentAndOrdinal('web-99999999999').ordinal, -1);
});

test('newStatefulSetPod: name, hostname, subdomain, labels, owner', () => {
  const set = statefulSet('web', 3);
  const p = newStatefulSetPod(set, 2, 'web-abc');
  assert.equal(p.metadata.name, 'web-2');
  assert.equal(p.metadata.namespace, 'default');
  assert.equal(p.spec?.hostname, 'web-2');
  assert.equal(p.spec?.subdomain, 'web-svc');
  assert.deepEqual(p.metadata.labels, {
    app: 'web',
    'statefulset.kubernetes.io/pod-name': 'web-2',
    'apps.kubernetes.io/pod-index': '2',
    'controller-revision-hash': 'web-abc',
  });
  assert.deepEqual(p.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'web-uid', controller: true, blockOwnerDeletion: true }]);
  assert.equal(identityMatches(set, p), true);
  assert.equal(isMemberOf(set, p), true);
  assert.equal(isMemberOf(statefulSet('web2', 1), p), false);
  const noService = statefulSet('db', 1, { serviceName: '' });
  assert.equal(newStatefulSetPod(noService, 0).spec?.subdomain, undefined);
});

test('identityMatches checks name, namespace and the pod-name label', () => {
  const set = statefulSet('web', 3);
  const p = newStatefulSetPod(set, 0);
  assert.equal(identityMatches(set, { ...p, metadata: { ...p.metadata, namespace: 'other' } }), false);
  assert.equal(identityMatches(set, { ...p, metadata: { ...p.metadata, labels: {} } }), false);
  assert.equal(identityMatches(statefulSet('api', 1), p), false);
});

test('fnv32 (FNV-1) test vectors', () => {
  const bytes = (s: string) => new TextEncoder().encode(s);
  assert.equal(fnv32(bytes('')), 0x811c9dc5);
  assert.equal(fnv32(bytes('a')), 0x050c5d7e);
  assert.equal(fnv32(bytes('foobar')), 0x31f0b262);
});

test('revision naming follows ControllerRevision hashing', () => {
  const set = statefulSet('web', 1);
  const patch = revisionPatch(set);
  assert.equal(patch, '{"spec":{"template":{"$patch":"replace","metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"image":"nginx:1","name":"c"}]}}}}');
  const name = updateRevisionName(set);
  assert.match(name, /^web-[456789bcdf]{1,10}$/);
  assert.equal(name, controllerRevisionName('web', hashRevision(patch, 0)));
  assert.notEqual(hashRevision(patch, 1), hashRevision(patch, 0));
  const changed = statefulSet('web', 1);
  changed.spec!.template!.spec!.containers![0]!.image = 'nginx:2';
  assert.notEqual(updateRevisionName(changed), name);
  assert.equal(updateRevisionName(statefulSet('web', 5)), name, 'replicas are not part of the revision');
  assert.equal(controllerRevisionName('x'.repeat(300), 'h').length, 225);
  assert.match(revisionPatch({ ...set, spec: { template: { metadata: { annotations: { a: '<&>' } } } } }), /\\u003c\\u0026\\u003e/);
});

test('controllerRevisionFor builds the object Kubernetes would store', () => {
  const set = statefulSet('web', 1);
  const cr = controllerRevisionFor(set, 3);
  assert.equal(cr.kind, 'ControllerRevision');
  assert.equal(cr.metadata.name, updateRevisionName(set));
  assert.equal(cr.metadata.labels?.['controller.kubernetes.io/hash'], updateRevisionName(set).slice('web-'.length));
  assert.equal(cr.metadata.labels?.app, 'web');
  assert.equal(cr.revision, 3);
  assert.deepEqual((cr.data as { spec: { template: { $patch: string } } }).spec.template.$patch, 'replace');
});
