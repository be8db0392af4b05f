import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SchemaNode } from '../schema.ts';
import { extension, fieldSchema, patchMeta, schemaShape } from './schema-info.ts';
import { components, resolver } from './testing/schemas.ts';

const podSpec = components.PodSpec as SchemaNode;
const meta = components.ObjectMeta as SchemaNode;

describe('schema-info', () => {
  test('extensions are read on the property first, then on the schema it references', () => {
    const wrapped: SchemaNode = { allOf: [{ $ref: '#/components/schemas/LabelSelector' }], 'x-kubernetes-map-type': 'granular' };
    assert.equal(extension(wrapped, 'x-kubernetes-map-type', resolver), 'granular');
    assert.equal(extension({ allOf: [{ $ref: '#/components/schemas/LabelSelector' }] }, 'x-kubernetes-map-type', resolver), 'atomic');
    assert.equal(extension(undefined, 'x-kubernetes-map-type', resolver), undefined);
  });

  test('patch strategies are split on commas', () => {
    assert.deepEqual(patchMeta(podSpec.properties!.volumes, resolver), { strategies: ['merge', 'retainKeys'], mergeKey: 'name' });
    assert.deepEqual(patchMeta(podSpec.properties!.tolerations, resolver), { strategies: [], mergeKey: undefined });
  });

  test('fields: properties are declared, additionalProperties are not, unknown keys have no schema', () => {
    assert.equal(fieldSchema(meta, 'labels', resolver).declared, true);
    const label = fieldSchema(meta.properties!.labels, 'app', resolver);
    assert.deepEqual(label, { schema: { type: 'string', default: '' }, declared: false });
    assert.deepEqual(fieldSchema(meta, 'nope', resolver), { schema: undefined, declared: false });
  });

  test('shapes', () => {
    assert.equal(schemaShape(podSpec, resolver), 'object');
    assert.equal(schemaShape(podSpec.properties!.containers, resolver), 'array');
    assert.equal(schemaShape({ $ref: '#/components/schemas/IntOrString' }, resolver), 'scalar');
    assert.equal(schemaShape({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, resolver), 'unknown');
    assert.equal(schemaShape({}, resolver), 'unknown');
    assert.equal(schemaShape(undefined, resolver), 'unknown');
  });
});
