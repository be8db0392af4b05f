import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  duplicate,
  forbidden,
  goLiteral,
  goQuote,
  goStringMap,
  invalid,
  keyPath,
  notFound,
  notSupported,
  required,
  tooLong,
  tooMany,
} from './field-errors.ts';

test('required and forbidden word their messages as field.Error does', () => {
  assert.deepEqual(required('spec.containers[0].image'), {
    reason: 'FieldValueRequired',
    field: 'spec.containers[0].image',
    message: 'Required value',
  });
  assert.equal(required('metadata.name', 'name or generateName is required').message, 'Required value: name or generateName is required');
  assert.equal(forbidden('metadata.namespace', 'not allowed on this type').message, 'Forbidden: not allowed on this type');
});

test('invalid quotes strings and leaves numbers, booleans and nil bare', () => {
  assert.equal(invalid('metadata.name', 'Foo', 'bad').message, 'Invalid value: "Foo": bad');
  assert.equal(invalid('spec.replicas', -1, 'must be greater than or equal to 0').message, 'Invalid value: -1: must be greater than or equal to 0');
  assert.equal(invalid('x', true, 'd').message, 'Invalid value: true: d');
  assert.equal(invalid('x', null, 'd').message, 'Invalid value: null: d');
  assert.equal(invalid('x', goLiteral('25%'), 'd').message, 'Invalid value: 25%: d');
  assert.equal(invalid('x', 'v').message, 'Invalid value: "v"');
});

test('notSupported lists the supported values quoted', () => {
  const err = notSupported('spec.restartPolicy', 'Sometimes', ['Always', 'OnFailure', 'Never']);
  assert.equal(err.reason, 'FieldValueNotSupported');
  assert.equal(err.message, 'Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"');
});

test('duplicate, notFound, tooLong and tooMany', () => {
  assert.equal(duplicate('spec.containers[1].name', 'web').message, 'Duplicate value: "web"');
  assert.equal(notFound('spec.containers[0].volumeMounts[0].name', 'data').message, 'Not found: "data"');
  assert.deepEqual(tooLong('metadata.annotations', 262144), {
    reason: 'FieldValueTooLong',
    field: 'metadata.annotations',
    message: 'Too long: must have at most 262144 bytes',
  });
  assert.equal(tooMany('spec.items', 5, 3).message, 'Too many: 5: must have at most 3 items');
});

test('goQuote escapes as strconv.Quote does', () => {
  assert.equal(goQuote('a"b\\c'), '"a\\"b\\\\c"');
  assert.equal(goQuote('tab\there\n'), '"tab\\there\\n"');
  assert.equal(goQuote('\x01'), '"\\x01"');
  assert.equal(goQuote('héllo 世界'), '"héllo 世界"');
  assert.equal(goQuote('\u200b'), '"\\u200b"');
});

test('goStringMap prints a map like %#v, keys sorted', () => {
  assert.equal(goStringMap({ tier: 'web', app: 'x' }).goLiteral, 'map[string]string{"app":"x", "tier":"web"}');
  assert.equal(goStringMap(undefined).goLiteral, 'map[string]string(nil)');
  assert.equal(goStringMap({}).goLiteral, 'map[string]string{}');
});

test('keyPath uses unquoted brackets', () => {
  assert.equal(keyPath('data', '.dockerconfigjson'), 'data[.dockerconfigjson]');
});
