import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SchemaNode } from '../../schema.ts';
import { PatchError, PatchErrorCode } from '../errors.ts';
import { components, deploymentSchema, resolver, widgetSchema } from '../testing/schemas.ts';
import { FieldSet } from './field-set.ts';
import { fieldElement as f, keyElement } from './path-element.ts';
import { ensureNamedFieldsAreMembers, toFieldSet, typeOf, zeroObject } from './typed.ts';

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'nginx', labels: { app: 'nginx' }, finalizers: ['a'] },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'nginx' } },
    template: {
      metadata: { labels: { app: 'nginx' } },
      spec: {
        containers: [{ name: 'nginx', image: 'nginx:1.14.2', args: ['-g'], ports: [{ containerPort: 80 }] }],
        tolerations: [{ key: 'k' }],
      },
    },
  },
};

describe('typeOf', () => {
  test('follows the list-type extensions, then the patch strategy', () => {
    const spec = components.PodSpec as SchemaNode;
    const props = spec.properties!;
    assert.deepEqual(typeOf(props.containers, [], resolver), { kind: 'list', relation: 'map', keys: ['name'], items: props.containers!.items });
    assert.equal((typeOf(props.tolerations, [], resolver) as { relation: string }).relation, 'atomic');
    const mergeOnly: SchemaNode = { type: 'array', items: { type: 'object' }, 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'ip' };
    assert.deepEqual(typeOf(mergeOnly, [], resolver), { kind: 'list', relation: 'map', keys: ['ip'], items: { type: 'object' } });
    const set: SchemaNode = { type: 'array', items: { type: 'string' }, 'x-kubernetes-patch-strategy': 'merge' };
    assert.equal((typeOf(set, [], resolver) as { relation: string }).relation, 'set');
    assert.equal((typeOf({ type: 'array', items: { type: 'string' } }, [], resolver) as { relation: string }).relation, 'atomic');
  });

  test('maps are granular unless x-kubernetes-map-type: atomic; unknown values are deduced', () => {
    assert.deepEqual(typeOf(components.LabelSelector, {}, resolver), { kind: 'map', atomic: true, schema: components.LabelSelector });
    assert.equal(typeOf(undefined, { a: 1 }, resolver).kind, 'map');
    assert.deepEqual(typeOf(undefined, [{ a: 1 }], resolver), { kind: 'list', relation: 'atomic', keys: [], items: undefined });
    assert.equal(typeOf({ type: 'string' }, { a: 1 }, resolver).kind, 'map', 'a value of another type is deduced');
    assert.equal(typeOf({ $ref: '#/components/schemas/IntOrString' }, 80, resolver).kind, 'scalar');
  });
});

describe('toFieldSet', () => {
  test('owns leaves, list items and map entries, like an Apply entry in Kubernetes', () => {
    const containers = [f('spec'), f('template'), f('spec'), f('containers')];
    const web = [...containers, keyElement([['name', 'nginx']])];
    const expected = FieldSet.fromPaths([
      [f('apiVersion')], [f('kind')], [f('metadata'), f('name')],
      [f('metadata'), f('labels'), f('app')],
      [f('metadata'), f('finalizers'), 'v:"a"'],
      [f('spec'), f('replicas')], [f('spec'), f('selector')],
      [f('spec'), f('template'), f('metadata'), f('labels'), f('app')],
      web, [...web, f('name')], [...web, f('image')], [...web, f('args')],
      [...web, f('ports'), 'k:{"containerPort":80,"protocol":"TCP"}'],
      [...web, f('ports'), 'k:{"containerPort":80,"protocol":"TCP"}', f('containerPort')],
      [f('spec'), f('template'), f('spec'), f('tolerations')],
    ]);
    const actual = toFieldSet(deployment, deploymentSchema, resolver);
    assert.deepEqual(actual.toFieldsV1(), expected.toFieldsV1());
  });

  test('a missing key field takes its schema default (protocol: TCP), else it is an error', () => {
    const bad = structuredClone(deployment);
    (bad.spec.template.spec.containers[0] as Record<string, unknown>).name = undefined;
    assert.throws(() => toFieldSet(bad, deploymentSchema, resolver), (err: unknown) => {
      assert.ok(err instanceof PatchError);
      assert.equal(err.code, PatchErrorCode.InvalidObject);
      assert.equal(err.message, '.spec.template.spec.containers: element 0: associative list with keys has an element that omits key field "name" (and doesn\'t have default value)');
      return true;
    });
  });

  test('duplicate keys in a map-list are an error', () => {
    const dup = structuredClone(deployment);
    dup.spec.template.spec.containers.push({ name: 'nginx', image: 'x', args: [], ports: [] });
    assert.throws(() => toFieldSet(dup, deploymentSchema, resolver), /containers: duplicate entries for key \[name="nginx"\]/);
  });

  test('free-form fields are owned per key, recursively', () => {
    const widget = { spec: { size: 1, config: { a: { b: [1, 2] } } } };
    assert.deepEqual(toFieldSet(widget, widgetSchema, resolver).toFieldsV1(), {
      'f:spec': { 'f:config': { 'f:a': { 'f:b': {}, '.': {} } }, 'f:size': {} },
    });
  });
});

describe('ensureNamedFieldsAreMembers', () => {
  test('adds struct fields above members, not map entries or list items', () => {
    const s = toFieldSet({ metadata: { labels: { app: 'a' } }, spec: { template: { spec: { containers: [{ name: 'c', image: 'i' }] } } } }, deploymentSchema, resolver);
    const ensured = ensureNamedFieldsAreMembers(s, deploymentSchema, resolver);
    for (const path of [[f('metadata')], [f('metadata'), f('labels')], [f('spec')], [f('spec'), f('template'), f('spec'), f('containers')]]) {
      assert.ok(ensured.has(path), path.join('.'));
    }
    assert.ok(ensured.has([f('spec'), f('template'), f('spec'), f('containers'), keyElement([['name', 'c']])]));
    assert.equal(ensured.difference(s).paths().length, 6, 'metadata, labels, spec, template, template.spec, containers');
  });
});

describe('zeroObject', () => {
  test('holds the struct fields Kubernetes marks default: {}', () => {
    assert.deepEqual(zeroObject(deploymentSchema, resolver), {
      metadata: {},
      spec: { template: { metadata: {}, spec: {} }, strategy: {} },
      status: {},
    });
  });
});
