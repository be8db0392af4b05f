import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PatchError, PatchErrorCode, isPatchError } from './errors.ts';

describe('PatchError', () => {
  test('maps each code to the status and reason kube-apiserver answers with', () => {
    const expected: Record<string, [number, string]> = {
      INVALID_PATCH: [400, 'BadRequest'],
      TOO_MANY_OPERATIONS: [413, 'RequestEntityTooLarge'],
      TEST_FAILED: [422, 'Invalid'],
      PATH_NOT_FOUND: [422, 'Invalid'],
      INVALID_OPERATION: [422, 'Invalid'],
      MERGE_KEY_MISSING: [500, ''],
      INVALID_DIRECTIVE: [500, ''],
      UNSUPPORTED_LIST: [422, 'Invalid'],
      INVALID_APPLY: [400, 'BadRequest'],
      INVALID_OBJECT: [500, ''],
    };
    assert.deepEqual(Object.values(PatchErrorCode).sort(), Object.keys(expected).sort());
    for (const code of Object.values(PatchErrorCode)) {
      const err = new PatchError(code, 'detail');
      assert.deepEqual([err.status, err.reason], expected[code], code);
    }
  });

  test('422s carry the generic Status message, others their own', () => {
    assert.equal(new PatchError(PatchErrorCode.TestFailed, 'x').statusMessage, 'the server rejected our request due to an error in our request');
    assert.equal(new PatchError(PatchErrorCode.InvalidPatch, 'Invalid JSON Patch').statusMessage, 'Invalid JSON Patch');
  });

  test('is recognised across copies of the library and by code', () => {
    const err = new PatchError(PatchErrorCode.InvalidPatch, 'x');
    const foreign = Object.assign(new Error('x'), { [Symbol.for('ferry.PatchError')]: true });
    assert.ok(err instanceof PatchError);
    assert.ok(foreign instanceof PatchError);
    assert.ok(isPatchError(err, PatchErrorCode.InvalidPatch));
    assert.ok(!isPatchError(err, PatchErrorCode.TestFailed));
    assert.ok(!isPatchError(new Error('x')));
  });
});
