import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isConfigMapKey, isValidPercent, isValidPortName, isValidPortNum } from './formats.ts';

test('port numbers and names', () => {
  assert.deepEqual(isValidPortNum(80), []);
  assert.deepEqual(isValidPortNum(0), ['must be between 1 and 65535, inclusive']);
  assert.deepEqual(isValidPortNum(70000), ['must be between 1 and 65535, inclusive']);
  assert.deepEqual(isValidPortName('http'), []);
  assert.deepEqual(isValidPortName('80'), ['must contain at least one letter (a-z)']);
  assert.deepEqual(isValidPortName('a--b'), ['must not contain consecutive hyphens']);
});

test('config keys follow [-._a-zA-Z0-9]+ and may not be dot paths', () => {
  assert.deepEqual(isConfigMapKey('.dockerconfigjson'), []);
  assert.deepEqual(isConfigMapKey('KEY_NAME'), []);
  assert.deepEqual(isConfigMapKey('..data'), ["must not start with '..'"]);
  assert.deepEqual(isConfigMapKey('a/b'), [
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
  ]);
});

test('percents', () => {
  assert.deepEqual(isValidPercent('25%'), []);
  assert.equal(isValidPercent('25').length, 1);
});
