import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonValue } from '../object.ts';
import { PatchError, PatchErrorCode } from './errors.ts';
import { MAX_JSON_PATCH_OPERATIONS, applyJsonPatch, decodePointerToken, encodePointerToken, parseJsonPatch } from './json-patch.ts';

function rejects(doc: JsonValue, patch: JsonValue, code: string, status: number, message: string | RegExp): void {
  assert.throws(() => applyJsonPatch(doc, patch), (err: unknown) => {
    assert.ok(err instanceof PatchError);
    assert.equal(err.code, code);
    assert.equal(err.status, status);
    if (typeof message === 'string') assert.equal(err.message, message);
    else assert.match(err.message, message);
    return true;
  });
}

describe('applyJsonPatch: RFC 6902 appendix A', () => {
  const cases: [string, JsonValue, JsonValue, JsonValue][] = [
    ['A.1 add an object member', { foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }], { foo: 'bar', baz: 'qux' }],
    ['A.2 add an array element', { foo: ['bar', 'baz'] }, [{ op: 'add', path: '/foo/1', value: 'qux' }], { foo: ['bar', 'qux', 'baz'] }],
    ['A.3 remove an object member', { baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }], { foo: 'bar' }],
    ['A.4 remove an array element', { foo: ['bar', 'qux', 'baz'] }, [{ op: 'remove', path: '/foo/1' }], { foo: ['bar', 'baz'] }],
    ['A.5 replace a value', { baz: 'qux', foo: 'bar' }, [{ op: 'replace', path: '/baz', value: 'boo' }], { baz: 'boo', foo: 'bar' }],
    ['A.6 move a value', { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } }, [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
      { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } }],
    ['A.7 move an array element', { foo: ['all', 'grass', 'cows', 'eat'] }, [{ op: 'move', from: '/foo/1', path: '/foo/3' }], { foo: ['all', 'cows', 'eat', 'grass'] }],
    ['A.8 test a value', { baz: 'qux', foo: ['a', 2, 'c'] }, [{ op: 'test', path: '/baz', value: 'qux' }, { op: 'test', path: '/foo/1', value: 2 }], { baz: 'qux', foo: ['a', 2, 'c'] }],
    ['A.10 add a nested member object', { foo: 'bar' }, [{ op: 'add', path: '/child', value: { grandchild: {} } }], { foo: 'bar', child: { grandchild: {} } }],
    ['A.14 ~ escape ordering', { '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: 10 }], { '/': 9, '~1': 10 }],
    ['A.16 add an array value', { foo: ['bar'] }, [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }], { foo: ['bar', ['abc', 'def']] }],
    ['~1 escapes a slash (annotation keys)', { metadata: { annotations: { 'a/b': 'x' } } }, [{ op: 'replace', path: '/metadata/annotations/a~1b', value: 'y' }],
      { metadata: { annotations: { 'a/b': 'y' } } }],
    ['copy deep-copies', { a: { b: [1] } }, [{ op: 'copy', from: '/a', path: '/c' }, { op: 'add', path: '/c/b/-', value: 2 }], { a: { b: [1] }, c: { b: [1, 2] } }],
    ['negative index (evanphx extension)', { a: [1, 2, 3] }, [{ op: 'remove', path: '/a/-1' }, { op: 'replace', path: '/a/-2', value: 9 }], { a: [9, 2] }],
    ['replace of a missing object key adds it (evanphx v4)', { a: {} }, [{ op: 'replace', path: '/a/b', value: 1 }], { a: { b: 1 } }],
    ['replace the whole document', { a: 1 }, [{ op: 'replace', path: '', value: { b: 2 } }], { b: 2 }],
    ['add without value adds null', { a: 1 }, [{ op: 'add', path: '/b' }], { a: 1, b: null }],
    ['test against null or a missing key with a null value passes', { a: null }, [{ op: 'test', path: '/a', value: null }, { op: 'test', path: '/b', value: null }], { a: null }],
    ['test of the whole document', { a: [1] }, [{ op: 'test', path: '', value: { a: [1] } }], { a: [1] }],
    ['a null patch does nothing', { a: 1 }, null, { a: 1 }],
  ];
  for (const [name, doc, patch, expected] of cases) {
    test(name, () => {
      const before = structuredClone(doc);
      assert.deepEqual(applyJsonPatch(doc, patch), expected);
      assert.deepEqual(doc, before, 'the input document is not modified');
    });
  }
});

describe('applyJsonPatch: failures carry evanphx messages and kube-apiserver statuses', () => {
  test('A.9 a failing test is 422 with the generic Status message', () => {
    assert.throws(() => applyJsonPatch({ baz: 'qux' }, [{ op: 'test', path: '/baz', value: 'bar' }]), (err: unknown) => {
      assert.ok(err instanceof PatchError);
      assert.equal(err.code, PatchErrorCode.TestFailed);
      assert.equal(err.status, 422);
      assert.equal(err.reason, 'Invalid');
      assert.equal(err.message, 'testing value /baz failed: test failed');
      assert.equal(err.statusMessage, 'the server rejected our request due to an error in our request');
      return true;
    });
    rejects({ a: 1 }, [{ op: 'test', path: '/a' }], PatchErrorCode.TestFailed, 422, 'testing value /a failed: test failed');
    rejects({ a: '1' }, [{ op: 'test', path: '/a', value: 1 }], PatchErrorCode.TestFailed, 422, /testing value \/a failed/);
  });

  test('missing paths', () => {
    rejects({ foo: 'bar' }, [{ op: 'add', path: '/baz/bat', value: 'qux' }], PatchErrorCode.PathNotFound, 422,
      'add operation does not apply: doc is missing path: "/baz/bat": missing value');
    rejects({ a: 1 }, [{ op: 'remove', path: '/b' }], PatchErrorCode.PathNotFound, 422,
      "error in remove for path: '/b': Unable to remove nonexistent key: b: missing value");
    rejects({ a: 1 }, [{ op: 'remove', path: '/x/y' }], PatchErrorCode.PathNotFound, 422, 'remove operation does not apply: doc is missing path: "/x/y": missing value');
    rejects({ a: [] }, [{ op: 'replace', path: '/a/0', value: 1 }], PatchErrorCode.PathNotFound, 422, 'replace operation does not apply: doc is missing key: /a/0: missing value');
    rejects({ a: 1 }, [{ op: 'test', path: '/x/y', value: 1 }], PatchErrorCode.PathNotFound, 422, 'test operation does not apply: is missing path: /x/y: missing value');
    rejects({ a: 1 }, [{ op: 'move', from: '/b', path: '/c' }], PatchErrorCode.PathNotFound, 422,
      "error in move for path: 'b': Unable to remove nonexistent key: b: missing value");
    rejects({ a: 1 }, [{ op: 'copy', from: '/b', path: '/c' }], PatchErrorCode.PathNotFound, 422, /copy operation does not apply: doc is missing from path: \/b/);
    rejects({ a: 1 }, [{ op: 'add', path: 'a', value: 1 }], PatchErrorCode.PathNotFound, 422, /doc is missing path: "a"/);
  });

  test('array indexes', () => {
    rejects({ a: [1] }, [{ op: 'add', path: '/a/5', value: 1 }], PatchErrorCode.PathNotFound, 422,
      "error in add for path: '/a/5': Unable to access invalid index: 5: invalid index referenced");
    rejects({ a: [1] }, [{ op: 'add', path: '/a/x', value: 1 }], PatchErrorCode.PathNotFound, 422,
      `error in add for path: '/a/x': value was not a proper array index: 'x': strconv.Atoi: parsing "x": invalid syntax`);
    rejects({ a: [1] }, [{ op: 'remove', path: '/a/-' }], PatchErrorCode.PathNotFound, 422, /strconv.Atoi: parsing "-": invalid syntax/);
    rejects({ a: [1] }, [{ op: 'remove', path: '/a/-2' }], PatchErrorCode.PathNotFound, 422, /invalid index: -2/);
    assert.deepEqual(applyJsonPatch({ a: [1] }, [{ op: 'add', path: '/a/1', value: 2 }]), { a: [1, 2] });
  });

  test('malformed operations are 422, a malformed document 400', () => {
    rejects({}, [{ op: 'frobnicate', path: '/a' }], PatchErrorCode.InvalidOperation, 422, 'Unexpected kind: frobnicate');
    rejects({}, [{ path: '/a' }], PatchErrorCode.InvalidOperation, 422, 'Unexpected kind: unknown');
    rejects({}, [null], PatchErrorCode.InvalidOperation, 422, 'Unexpected kind: unknown');
    rejects({}, [{ op: 'add', value: 1 }], PatchErrorCode.InvalidOperation, 422, 'add operation failed to decode path: missing value');
    rejects({}, [{ op: 'replace', path: 5 }], PatchErrorCode.InvalidOperation, 422,
      'replace operation failed to decode path: json: cannot unmarshal number into Go value of type string');
    rejects({}, [{ op: 'replace', path: '', value: 1 }], PatchErrorCode.InvalidOperation, 422, /must be object or array/);
    rejects({}, { op: 'add' }, PatchErrorCode.InvalidPatch, 400, 'json: cannot unmarshal object into Go value of type jsonpatch.Patch');
    rejects({}, ['add'], PatchErrorCode.InvalidPatch, 400, 'json: cannot unmarshal string into Go value of type jsonpatch.Operation');
  });

  test('more than 10000 operations is 413', () => {
    const ops = Array.from({ length: MAX_JSON_PATCH_OPERATIONS + 1 }, () => ({ op: 'test', path: '/a', value: 1 }));
    assert.throws(() => parseJsonPatch(ops), (err: unknown) => {
      assert.ok(err instanceof PatchError);
      assert.equal(err.status, 413);
      assert.equal(err.statusMessage, `Request entity too large: The allowed maximum operations in a JSON patch is 10000, got ${ops.length}`);
      return true;
    });
  });

  test('a failing operation leaves no partial change behind', () => {
    const doc = { a: 1 };
    assert.throws(() => applyJsonPatch(doc, [{ op: 'add', path: '/b', value: 2 }, { op: 'test', path: '/a', value: 2 }]));
    assert.deepEqual(doc, { a: 1 });
  });
});

describe('JSON pointer tokens', () => {
  test('escape ~ before / and unescape ~1 before ~0', () => {
    assert.equal(encodePointerToken('a/b~c'), 'a~1b~0c');
    assert.equal(decodePointerToken('a~1b~0c'), 'a/b~c');
    assert.equal(decodePointerToken('~01'), '~1');
  });
});
