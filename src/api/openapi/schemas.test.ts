import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { SchemaNode } from '../schema.ts';
import { componentForKind, referencedComponents, schemaFor, schemaResolver, schemas } from './schemas.ts';

const CORE = 'io.k8s.api.core.v1.';
const APPS = 'io.k8s.api.apps.v1.';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';

function property(component: string, name: string): SchemaNode {
  const node = schemaFor(component)?.properties?.[name];
  assert.ok(node, `${component}.${name} is missing`);
  return node;
}

test('the resolver follows $ref and a lone allOf wrapper to the component', () => {
  const containers = property(CORE + 'PodSpec', 'containers');
  assert.equal(containers.type, 'array');
  const container = schemaResolver.resolve(containers.items as SchemaNode);
  assert.ok(container.properties?.imagePullPolicy, 'Container has imagePullPolicy');
  const strategy = property(APPS + 'DeploymentSpec', 'strategy');
  assert.equal(strategy.allOf?.length, 1);
  assert.ok(schemaResolver.resolve(strategy).properties?.rollingUpdate);
  const plain: SchemaNode = { type: 'string' };
  assert.equal(schemaResolver.resolve(plain), plain);
  assert.equal(schemaResolver.component('io.k8s.api.core.v1.Nope'), undefined);
  assert.equal(schemaFor('toString'), undefined);
});

test('every served kind, its list and the meta kinds exist with their group-version-kind', () => {
  const kinds: [string, string, string][] = [
    ['', 'v1', 'Namespace'], ['', 'v1', 'Secret'], ['', 'v1', 'ConfigMap'], ['', 'v1', 'Pod'], ['', 'v1', 'Event'],
    ['', 'v1', 'Node'], ['apps', 'v1', 'Deployment'], ['apps', 'v1', 'ReplicaSet'], ['apps', 'v1', 'StatefulSet'],
    ['coordination.k8s.io', 'v1', 'Lease'], ['eci.alibabacloud.com', 'v1', 'ImageCache'],
  ];
  for (const [group, version, kind] of kinds) {
    for (const k of [kind, `${kind}List`]) {
      const name = componentForKind(group, version, k);
      assert.ok(name, `no component for ${group}/${version} ${k}`);
      assert.deepEqual(schemaFor(name)?.['x-kubernetes-group-version-kind'], [{ group, version, kind: k }]);
    }
  }
  assert.equal(componentForKind('', 'v1', 'Event'), CORE + 'Event');
  assert.equal(componentForKind('autoscaling', 'v1', 'Scale'), 'io.k8s.api.autoscaling.v1.Scale');
  assert.equal(componentForKind('', 'v1', 'Status'), META + 'Status');
  assert.equal(componentForKind('apps', 'v1', 'DeleteOptions'), META + 'DeleteOptions');
  assert.equal(componentForKind('', 'v1', 'Binding'), CORE + 'Binding');
  assert.equal(componentForKind('eci.alibabacloud.com', 'v1', 'ImageCache'), 'com.alibabacloud.eci.v1.ImageCache');
});

test('strategic-merge and apply metadata carry the Kubernetes values', () => {
  const pick = (node: SchemaNode) => ({
    key: node['x-kubernetes-patch-merge-key'],
    strategy: node['x-kubernetes-patch-strategy'],
    listType: node['x-kubernetes-list-type'],
    keys: node['x-kubernetes-list-map-keys'],
  });
  assert.deepEqual(pick(property(CORE + 'PodSpec', 'containers')), { key: 'name', strategy: 'merge', listType: 'map', keys: ['name'] });
  assert.deepEqual(pick(property(CORE + 'PodSpec', 'volumes')), { key: 'name', strategy: 'merge,retainKeys', listType: 'map', keys: ['name'] });
  assert.deepEqual(pick(property(CORE + 'PodSpec', 'imagePullSecrets')), { key: 'name', strategy: 'merge', listType: 'map', keys: ['name'] });
  assert.deepEqual(pick(property(CORE + 'PodSpec', 'tolerations')), { key: undefined, strategy: undefined, listType: 'atomic', keys: undefined });
  assert.deepEqual(pick(property(CORE + 'Container', 'ports')), {
    key: 'containerPort', strategy: 'merge', listType: 'map', keys: ['containerPort', 'protocol'],
  });
  assert.deepEqual(pick(property(CORE + 'Container', 'env')), { key: 'name', strategy: 'merge', listType: 'map', keys: ['name'] });
  assert.deepEqual(pick(property(CORE + 'Container', 'volumeMounts')).key, 'mountPath');
  assert.deepEqual(pick(property(CORE + 'EphemeralContainer', 'env')).key, 'name');
  assert.deepEqual(pick(property(META + 'ObjectMeta', 'finalizers')), { key: undefined, strategy: 'merge', listType: 'set', keys: undefined });
  assert.deepEqual(pick(property(META + 'ObjectMeta', 'ownerReferences')).keys, ['uid']);
  assert.deepEqual(pick(property(APPS + 'DeploymentStatus', 'conditions')).keys, ['type']);
  assert.deepEqual(pick(property(CORE + 'PodStatus', 'conditions')).key, 'type');
  assert.equal(property(APPS + 'DeploymentSpec', 'strategy')['x-kubernetes-patch-strategy'], 'retainKeys');
  assert.equal(property(CORE + 'PodSpec', 'nodeSelector')['x-kubernetes-map-type'], 'atomic');
  assert.equal(schemaFor(META + 'LabelSelector')?.['x-kubernetes-map-type'], 'atomic');
  assert.equal(schemaFor(CORE + 'LocalObjectReference')?.['x-kubernetes-map-type'], 'atomic');
});

test('special types: int-or-string, quantities, times, maps and FieldsV1', () => {
  assert.equal(schemaFor('io.k8s.apimachinery.pkg.util.intstr.IntOrString')?.['x-kubernetes-int-or-string'], true);
  assert.equal(schemaFor('io.k8s.apimachinery.pkg.api.resource.Quantity')?.type, 'string');
  assert.equal(schemaResolver.resolve(property(CORE + 'ContainerPort', 'containerPort')).type, 'integer');
  assert.equal(property(CORE + 'HTTPGetAction', 'port').allOf?.[0]?.$ref, '#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString');
  const limits = property(CORE + 'ResourceRequirements', 'limits');
  assert.equal((limits.additionalProperties as SchemaNode).$ref, '#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity');
  assert.deepEqual(
    { type: property(META + 'ObjectMeta', 'creationTimestamp').type, format: property(META + 'ObjectMeta', 'creationTimestamp').format },
    { type: 'string', format: 'date-time' },
  );
  assert.deepEqual(property(META + 'ObjectMeta', 'labels').additionalProperties, { type: 'string' });
  assert.deepEqual(property(CORE + 'Secret', 'data').additionalProperties, { type: 'string', format: 'byte' });
  assert.equal(schemaFor(META + 'FieldsV1')?.['x-kubernetes-preserve-unknown-fields'], true);
  assert.deepEqual(schemaFor(CORE + 'Container')?.required, ['name']);
});

test('every $ref in schemas.json names a component, and the file stays small', () => {
  const refs = JSON.stringify(schemas).match(/"\$ref":"[^"]+"/g) ?? [];
  for (const r of new Set(refs)) {
    const name = r.slice('"$ref":"#/components/schemas/'.length, -1);
    assert.ok(schemaFor(name), `dangling ${r}`);
  }
  assert.ok(statSync(join(import.meta.dirname, 'schemas.json')).size < 1_500_000);
});

test('referencedComponents follows references transitively', () => {
  const names = referencedComponents([APPS + 'Deployment']);
  for (const name of [APPS + 'DeploymentSpec', CORE + 'PodSpec', CORE + 'Container', META + 'ObjectMeta', 'io.k8s.apimachinery.pkg.util.intstr.IntOrString']) {
    assert.ok(names.includes(name), name);
  }
  assert.ok(!names.includes(CORE + 'Node'));
  assert.deepEqual(names, [...names].sort());
});
