import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonValue } from '../object.ts';
import { PatchError, PatchErrorCode } from './errors.ts';
import { applyMergePatch, mergePatch } from './merge-patch.ts';

describe('mergePatch: RFC 7386 appendix A', () => {
  const cases: [JsonValue, JsonValue, JsonValue][] = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  for (const [target, patch, expected] of cases) {
    test(`${JSON.stringify(target)} + ${JSON.stringify(patch)}`, () => {
      assert.deepEqual(mergePatch(target, patch), expected);
    });
  }

  test('label and annotate patches', () => {
    const obj = { metadata: { name: 'x', labels: { app: 'a', tier: 'b' } }, spec: { replicas: 1 } };
    const out = mergePatch(obj, { metadata: { labels: { tier: null, env: 'prod' }, annotations: { note: 'n' } } });
    assert.deepEqual(out, { metadata: { name: 'x', labels: { app: 'a', env: 'prod' }, annotations: { note: 'n' } }, spec: { replicas: 1 } });
  });

  test('shares nothing with its inputs', () => {
    const target = { keep: { deep: [1] }, change: { x: 1 } };
    const patch = { change: { y: [2] } };
    const out = mergePatch(target, patch) as { keep: { deep: number[] }; change: { y: number[] } };
    out.keep.deep.push(9);
    out.change.y.push(9);
    assert.deepEqual(target, { keep: { deep: [1] }, change: { x: 1 } });
    assert.deepEqual(patch, { change: { y: [2] } });
  });
});

describe('applyMergePatch', () => {
  test('rejects a patch that is not an object like kube-apiserver (400 Invalid JSON Patch)', () => {
    for (const patch of [null, [1], 'x', 3]) {
      assert.throws(() => applyMergePatch({ a: 1 }, patch), (err: unknown) => {
        assert.ok(err instanceof PatchError);
        assert.equal(err.code, PatchErrorCode.InvalidPatch);
        assert.equal(err.status, 400);
        assert.equal(err.message, 'Invalid JSON Patch');
        return true;
      });
    }
  });

  test('scales a Deployment through spec.replicas', () => {
    assert.deepEqual(applyMergePatch({ spec: { replicas: 1, paused: false } }, { spec: { replicas: 5 } }), { spec: { replicas: 5, paused: false } });
  });
});
