import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldSet } from './field-set.ts';
import {
  comparePathElements,
  describePath,
  fieldElement,
  indexElement,
  keyElement,
  parsePathElement,
  valueElement,
} from './path-element.ts';

const f = fieldElement;
const set = (...paths: string[][]): FieldSet => FieldSet.fromPaths(paths);

describe('path elements', () => {
  test('spell fieldsV1 keys, key fields sorted by name', () => {
    assert.equal(f('replicas'), 'f:replicas');
    assert.equal(keyElement([['protocol', 'TCP'], ['containerPort', 80]]), 'k:{"containerPort":80,"protocol":"TCP"}');
    assert.equal(valueElement('example.com/finalizer'), 'v:"example.com/finalizer"');
    assert.equal(indexElement(2), 'i:2');
  });

  test('print like fieldpath.Path.String', () => {
    const path = [f('spec'), f('template'), f('spec'), f('containers'), keyElement([['name', 'web']]), f('ports'),
      keyElement([['containerPort', 80], ['protocol', 'TCP']])];
    assert.equal(describePath(path), '.spec.template.spec.containers[name="web"].ports[containerPort=80,protocol="TCP"]');
    assert.equal(describePath([f('metadata'), f('finalizers'), valueElement('a')]), '.metadata.finalizers[="a"]');
    assert.equal(describePath([f('args'), indexElement(0)]), '.args[0]');
  });

  test('order: fields, keys, values, indexes; fields bytewise, indexes numerically', () => {
    const sorted = [indexElement(10), valueElement('a'), keyElement([['name', 'b']]), f('b'), indexElement(9), f('B'), keyElement([['name', 'a']])]
      .sort(comparePathElements);
    assert.deepEqual(sorted, ['f:B', 'f:b', 'k:{"name":"a"}', 'k:{"name":"b"}', 'v:"a"', 'i:9', 'i:10']);
    assert.ok(comparePathElements(valueElement(2), valueElement('1')) < 0, 'numbers sort before strings');
  });

  test('parsing rejects malformed keys and ignores unknown kinds', () => {
    assert.throws(() => parsePathElement('fx'), /missing colon/);
    assert.throws(() => parsePathElement('k:[1]'), /not an object/);
    assert.equal(parsePathElement('z:whatever'), undefined);
  });
});

describe('FieldSet', () => {
  test('serializes to FieldsV1 with "." for members that have children, "." last', () => {
    const s = set([f('spec'), f('replicas')], [f('spec'), f('template')], [f('spec'), f('template'), f('spec')], [f('metadata'), f('labels'), f('app')]);
    assert.equal(
      JSON.stringify(s.toFieldsV1()),
      '{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:replicas":{},"f:template":{"f:spec":{},".":{}}}}',
    );
  });

  test('round-trips a managedFields entry written by Kubernetes', () => {
    const fieldsV1 = {
      'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
      'f:spec': {
        'f:replicas': {},
        'f:selector': {},
        'f:template': {
          'f:spec': {
            'f:containers': {
              'k:{"name":"nginx"}': {
                '.': {},
                'f:image': {},
                'f:ports': { '.': {}, 'k:{"protocol":"TCP","containerPort":80}': { '.': {}, 'f:containerPort': {} } },
              },
            },
          },
        },
      },
    };
    const s = FieldSet.fromFieldsV1(fieldsV1);
    const ports = [f('spec'), f('template'), f('spec'), f('containers'), keyElement([['name', 'nginx']]), f('ports')];
    assert.ok(s.has([f('spec'), f('replicas')]));
    assert.ok(s.has([f('metadata'), f('labels')]));
    assert.ok(s.has(ports));
    assert.ok(s.has([...ports, 'k:{"containerPort":80,"protocol":"TCP"}']), 'key elements are canonicalized');
    assert.ok(!s.has([f('spec')]));
    assert.ok(!s.has([f('spec'), f('template')]));
    assert.ok(FieldSet.fromFieldsV1(s.toFieldsV1()).equals(s));
    assert.equal(s.paths().length, 9);
  });

  test('fromFieldsV1 rejects what is not an object', () => {
    assert.throws(() => FieldSet.fromFieldsV1([1]), /must be an object/);
    assert.throws(() => FieldSet.fromFieldsV1({ 'f:a': 1 }), /must be an object/);
    assert.ok(FieldSet.fromFieldsV1(undefined).isEmpty());
  });

  test('union, intersection, difference', () => {
    const a = set([f('a')], [f('b'), f('c')], [f('b'), f('d')]);
    const b = set([f('b'), f('c')], [f('e')]);
    assert.deepEqual(a.union(b).paths(), [[f('a')], [f('b'), f('c')], [f('b'), f('d')], [f('e')]]);
    assert.deepEqual(a.intersection(b).paths(), [[f('b'), f('c')]]);
    assert.deepEqual(a.difference(b).paths(), [[f('a')], [f('b'), f('d')]]);
    assert.ok(a.intersection(set([f('z')])).isEmpty());
  });

  test('difference removes exact paths; recursiveDifference also everything below them', () => {
    const a = set([f('status')], [f('status'), f('replicas')], [f('spec'), f('replicas')]);
    const ignore = set([f('status')]);
    assert.deepEqual(a.difference(ignore).paths(), [[f('spec'), f('replicas')], [f('status'), f('replicas')]]);
    assert.deepEqual(a.recursiveDifference(ignore).paths(), [[f('spec'), f('replicas')]]);
  });

  test('operations do not modify their operands', () => {
    const a = set([f('a'), f('b')]);
    const before = JSON.stringify(a.toFieldsV1());
    a.union(set([f('a'), f('c')]));
    a.difference(set([f('a'), f('b')]));
    assert.equal(JSON.stringify(a.toFieldsV1()), before);
  });
});
