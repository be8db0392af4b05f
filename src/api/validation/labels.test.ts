import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isQualifiedName, isValidLabelValue, TOTAL_ANNOTATION_SIZE_LIMIT_B, validateAnnotations, validateLabels } from './labels.ts';

const NAME_PART =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

test('qualified names: optional DNS prefix, a name part of at most 63', () => {
  for (const ok of ['app', 'k8s.aliyun.com/plain-http-registry', 'yangtse.io/pod-with-eip', 'My_Key.1']) assert.deepEqual(isQualifiedName(ok), [], ok);
  assert.deepEqual(isQualifiedName('-app'), [NAME_PART]);
  assert.deepEqual(isQualifiedName('/app'), ['prefix part must be non-empty']);
  assert.deepEqual(isQualifiedName('example.com/'), ['name part must be non-empty', NAME_PART]);
  assert.deepEqual(isQualifiedName(`x/${'a'.repeat(64)}`), ['name part must be no more than 63 characters']);
  assert.match(isQualifiedName('Bad_Prefix/x')[0] ?? '', /^prefix part a lowercase RFC 1123 subdomain/);
  assert.match(isQualifiedName('a/b/c')[0] ?? '', /^a qualified name must consist of .* with an optional DNS subdomain prefix and '\/' \(e\.g\. 'example\.com\/MyName'\)$/);
});

test('label values may be empty, at most 63 characters', () => {
  assert.deepEqual(isValidLabelValue(''), []);
  assert.deepEqual(isValidLabelValue('v1.2_x'), []);
  assert.deepEqual(isValidLabelValue('a'.repeat(64)), ['must be no more than 63 characters']);
  assert.equal(isValidLabelValue('has space').length, 1);
});

test('validateLabels reports against the map field, with the bad key or value', () => {
  const errs = validateLabels({ good: 'ok', 'bad key': 'x', other: 'bad value!' }, 'metadata.labels');
  assert.equal(errs.length, 2);
  assert.equal(errs[0]?.field, 'metadata.labels');
  assert.match(errs[0]?.message ?? '', /^Invalid value: "bad key": name part must consist/);
  assert.match(errs[1]?.message ?? '', /^Invalid value: "bad value!": a valid label must be an empty string/);
});

test('annotation keys ignore case; the total size is capped at 256 KiB', () => {
  assert.deepEqual(validateAnnotations({ 'Example.COM/Key': 'v' }, 'metadata.annotations'), []);
  const big = { a: 'x'.repeat(TOTAL_ANNOTATION_SIZE_LIMIT_B) };
  assert.deepEqual(validateAnnotations(big, 'metadata.annotations'), [
    { reason: 'FieldValueTooLong', field: 'metadata.annotations', message: 'Too long: must have at most 262144 bytes' },
  ]);
  assert.deepEqual(validateAnnotations({ a: 'x'.repeat(TOTAL_ANNOTATION_SIZE_LIMIT_B - 1) }, 'metadata.annotations'), []);
});
