// The admission shape of the image-replacement check; the rules themselves are cross-checked
// against src/image/replacement.ts's in test/image-replacement.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IMAGE_REPLACEMENT_ANNOTATION, imageReplacementProblems, validateImageReplacementAnnotation } from './image-replacement.ts';

// ../shared/seeds/002_ffbd970336bea3a6.txt, "Procedure", verbatim.
const SEED_ANNOTATION = `[
    {"repositoryPrefix":"harbor.domain","replaceWith":"swr.cn-north-4.myhuaweicloud.com/org1"},
    {"repositoryPrefix":"","replaceWith":"swr.cn-north-4.myhuaweicloud.com/org1"},
    {"repositoryPrefix":"harbor.domain/a/b/c/d","replaceWith":"swr.cn-north-4.myhuaweicloud.com/org2"}
]`;

test('the seed annotation is valid; absent or other annotations are not checked', () => {
  assert.deepEqual(imageReplacementProblems(SEED_ANNOTATION), []);
  assert.deepEqual(validateImageReplacementAnnotation({ [IMAGE_REPLACEMENT_ANNOTATION]: SEED_ANNOTATION }, 'metadata.annotations'), []);
  assert.deepEqual(validateImageReplacementAnnotation(undefined, 'metadata.annotations'), []);
  assert.deepEqual(validateImageReplacementAnnotation({ other: 'x/' }, 'metadata.annotations'), []);
});

test('each broken rule is an Invalid value on the annotation key, naming the rule', () => {
  const value = '[{"repositoryPrefix":"a.io/","replaceWith":"a.io/"}]';
  const errs = validateImageReplacementAnnotation({ [IMAGE_REPLACEMENT_ANNOTATION]: value }, 'spec.template.metadata.annotations');
  const field = 'spec.template.metadata.annotations[coordinator.cci.io/image-replacement]';
  const quoted = '"[{\\"repositoryPrefix\\":\\"a.io/\\",\\"replaceWith\\":\\"a.io/\\"}]"';
  assert.deepEqual(errs, [
    { reason: 'FieldValueInvalid', field, message: `Invalid value: ${quoted}: rules[0].replaceWith: must differ from repositoryPrefix` },
    { reason: 'FieldValueInvalid', field, message: `Invalid value: ${quoted}: rules[0].repositoryPrefix: must not end with "/"` },
    { reason: 'FieldValueInvalid', field, message: `Invalid value: ${quoted}: rules[0].replaceWith: must not end with "/"` },
  ]);
});
