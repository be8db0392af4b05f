import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonValue } from '../../object.ts';
import { deploymentSchema, resolver, widgetSchema } from '../testing/schemas.ts';
import { compare, excludeFields } from './compare.ts';
import type { Comparison } from './compare.ts';
import { FieldSet } from './field-set.ts';
import { fieldElement as f, keyElement } from './path-element.ts';

const paths = (c: Comparison): Record<string, string[]> => ({
  added: c.added.paths().map((p) => p.join('/')),
  modified: c.modified.paths().map((p) => p.join('/')),
  removed: c.removed.paths().map((p) => p.join('/')),
});
const cmp = (a: JsonValue | undefined, b: JsonValue | undefined): Record<string, string[]> => paths(compare(a, b, deploymentSchema, resolver));
const pod = (containers: JsonValue): JsonValue => ({ spec: { template: { spec: { containers } } } });
const web = ['f:spec', 'f:template', 'f:spec', 'f:containers', keyElement([['name', 'web']])].join('/');

describe('compare', () => {
  test('scalars: added, modified, removed', () => {
    assert.deepEqual(cmp({ spec: { replicas: 1, paused: true } }, { spec: { replicas: 2, strategy: { type: 'Recreate' } } }), {
      added: ['f:spec/f:strategy', 'f:spec/f:strategy/f:type'],
      modified: ['f:spec/f:replicas'],
      removed: ['f:spec/f:paused'],
    });
  });

  test('equal objects compare equal', () => {
    const obj = pod([{ name: 'web', image: 'a', ports: [{ containerPort: 80 }] }]);
    assert.deepEqual(cmp(obj, structuredClone(obj)), { added: [], modified: [], removed: [] });
  });

  test('list items are matched by key, not position; a new item is added with its leaves', () => {
    const before = pod([{ name: 'a', image: '1' }, { name: 'web', image: '1' }]);
    const after = pod([{ name: 'web', image: '2' }, { name: 'a', image: '1' }, { name: 'b' }]);
    const b = ['f:spec', 'f:template', 'f:spec', 'f:containers', keyElement([['name', 'b']])].join('/');
    assert.deepEqual(cmp(before, after), { added: [b, `${b}/f:name`], modified: [`${web}/f:image`], removed: [] });
  });

  test('an atomic list or map is one leaf', () => {
    const before = { spec: { selector: { matchLabels: { a: '1' } }, template: { spec: { tolerations: [{ key: 'x' }] } } } };
    const after = { spec: { selector: { matchLabels: { a: '2' } }, template: { spec: { tolerations: [{ key: 'x' }, { key: 'y' }] } } } };
    assert.deepEqual(cmp(before, after).modified, ['f:spec/f:selector', 'f:spec/f:template/f:spec/f:tolerations']);
  });

  test('empty containers are leaves: {} to absent is a removal of the field', () => {
    assert.deepEqual(cmp({ metadata: { labels: {} } }, { metadata: {} }), { added: [], modified: [], removed: ['f:metadata/f:labels'] });
  });

  test('a create compares against nothing: everything is added', () => {
    const out = cmp(undefined, { metadata: { labels: { a: 'b' } } });
    assert.deepEqual(out.added, ['f:metadata', 'f:metadata/f:labels', 'f:metadata/f:labels/f:a']);
  });

  test('a free-form value that changes JSON type is modified, its old leaves removed', () => {
    const out = paths(compare({ spec: { config: { a: { b: 1 } } } }, { spec: { config: { a: 'x' } } }, widgetSchema, resolver));
    assert.deepEqual(out, { added: [], modified: ['f:spec/f:config/f:a'], removed: ['f:spec/f:config/f:a/f:b'] });
  });

  test('excludeFields drops ignored fields and everything below', () => {
    const c = compare({ status: { replicas: 1 }, spec: { replicas: 1 } }, { status: { replicas: 2 }, spec: { replicas: 2 } }, deploymentSchema, resolver);
    assert.deepEqual(paths(excludeFields(c, FieldSet.fromPaths([[f('status')]]))).modified, ['f:spec/f:replicas']);
  });
});
