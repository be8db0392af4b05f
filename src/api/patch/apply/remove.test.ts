import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { deploymentSchema, resolver } from '../testing/schemas.ts';
import { FieldSet } from './field-set.ts';
import { fieldElement as f, keyElement } from './path-element.ts';
import { removeItems } from './remove.ts';

const containers = [f('spec'), f('template'), f('spec'), f('containers')];
const obj = {
  metadata: { name: 'x', labels: { a: '1', b: '2' } },
  spec: {
    replicas: 1,
    selector: { matchLabels: { a: '1' } },
    template: { spec: { containers: [{ name: 'web', image: 'i', ports: [{ containerPort: 80 }] }, { name: 'side', image: 's' }] } },
  },
};

describe('removeItems', () => {
  test('removes fields, map entries and list items by key, leaving the rest', () => {
    const set = FieldSet.fromPaths([
      [f('metadata'), f('labels'), f('b')],
      [f('spec'), f('replicas')],
      [...containers, keyElement([['name', 'side']])],
      [...containers, keyElement([['name', 'web']]), f('ports'), keyElement([['containerPort', 80], ['protocol', 'TCP']])],
    ]);
    assert.deepEqual(removeItems(obj, set, deploymentSchema, resolver), {
      metadata: { name: 'x', labels: { a: '1' } },
      spec: { selector: { matchLabels: { a: '1' } }, template: { spec: { containers: [{ name: 'web', image: 'i' }] } } },
    });
  });

  test('a map emptied by the removal goes away', () => {
    const set = FieldSet.fromPaths([[f('metadata'), f('labels'), f('a')], [f('metadata'), f('labels'), f('b')]]);
    assert.deepEqual((removeItems(obj, set, deploymentSchema, resolver) as typeof obj).metadata, { name: 'x' });
  });

  test('paths below an atomic value leave it alone; an empty set changes nothing', () => {
    const set = FieldSet.fromPaths([[f('spec'), f('selector'), f('matchLabels'), f('a')]]);
    assert.deepEqual(removeItems(obj, set, deploymentSchema, resolver), obj);
    assert.equal(removeItems(obj, new FieldSet(), deploymentSchema, resolver), obj);
  });
});
