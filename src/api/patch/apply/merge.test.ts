import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject, JsonValue } from '../../object.ts';
import { deploymentSchema, resolver, widgetSchema } from '../testing/schemas.ts';
import { mergeValues } from './merge.ts';

const merge = (live: JsonValue | undefined, config: JsonValue): JsonValue | undefined => mergeValues(live, config, deploymentSchema, resolver);
const pod = (spec: JsonObject): JsonObject => ({ spec: { template: { spec } } });
const names = (out: JsonValue | undefined): string[] =>
  (((((out as JsonObject).spec as JsonObject).template as JsonObject).spec as JsonObject).containers as JsonObject[]).map((c) => c.name as string);

describe('mergeValues', () => {
  test('the applied value wins for leaves; live-only fields stay', () => {
    const live = { spec: { replicas: 1, paused: true, template: { metadata: { labels: { a: '1', b: '2' } } } } };
    const out = merge(live, { spec: { replicas: 3, template: { metadata: { labels: { a: 'x' } } } } });
    assert.deepEqual(out, { spec: { replicas: 3, paused: true, template: { metadata: { labels: { a: 'x', b: '2' } } } } });
  });

  test('map-lists merge per key; atomic lists and maps are replaced whole', () => {
    const live = pod({
      containers: [{ name: 'web', image: 'a', args: ['1', '2'], ports: [{ containerPort: 80, protocol: 'TCP', name: 'http' }] }],
      tolerations: [{ key: 'a' }, { key: 'b' }],
      nodeSelector: { zone: 'x', disk: 'ssd' },
    });
    const out = merge(live, pod({
      containers: [{ name: 'web', args: ['3'], ports: [{ containerPort: 80 }] }],
      tolerations: [{ key: 'c' }],
      nodeSelector: { zone: 'y' },
    }));
    assert.deepEqual(out, pod({
      containers: [{ name: 'web', image: 'a', args: ['3'], ports: [{ containerPort: 80, protocol: 'TCP', name: 'http' }] }],
      tolerations: [{ key: 'c' }],
      nodeSelector: { zone: 'y' },
    }));
  });

  test('applied items take the applied order; live-only items keep their place', () => {
    const live = pod({ containers: [{ name: 'a' }, { name: 'x' }, { name: 'b' }, { name: 'c' }] });
    assert.deepEqual(names(merge(live, pod({ containers: [{ name: 'c' }, { name: 'b' }, { name: 'a' }] }))), ['x', 'c', 'b', 'a']);
    assert.deepEqual(names(merge(live, pod({ containers: [{ name: 'new' }, { name: 'b' }] }))), ['a', 'x', 'new', 'b', 'c']);
    assert.deepEqual(names(merge(live, pod({ containers: [{ name: 'a' }, { name: 'b' }, { name: 'new' }] }))), ['a', 'x', 'b', 'c', 'new']);
  });

  test('sets union by value', () => {
    assert.deepEqual(merge({ metadata: { finalizers: ['a', 'b'] } }, { metadata: { finalizers: ['c', 'a'] } }), { metadata: { finalizers: ['c', 'a', 'b'] } });
  });

  test('a null for a typed field removes it; free-form nulls stay', () => {
    assert.deepEqual(merge({ spec: { replicas: 2, paused: true } }, { spec: { replicas: null } }), { spec: { paused: true } });
    assert.deepEqual(mergeValues({ spec: { config: { a: 1 } } }, { spec: { config: { a: null } } }, widgetSchema, resolver), { spec: { config: { a: null } } });
  });

  test('merging into nothing is the configuration; nothing into live is live', () => {
    const config = pod({ containers: [{ name: 'a', image: 'b' }] });
    assert.deepEqual(merge(undefined, config), config);
    assert.deepEqual(merge(config, undefined as unknown as JsonValue), config);
  });
});
