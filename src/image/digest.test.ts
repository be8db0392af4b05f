import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ErrorCode, ImageError } from './errors.ts';
import { digestHex, isDigest, parseDigest, sha256Digest, sha256Hex } from './digest.ts';

const HEX64 = '0123456789abcdef'.repeat(4);

describe('parseDigest', () => {
  test('accepts the registered algorithms with their exact lengths', () => {
    assert.deepEqual(parseDigest(`sha256:${HEX64}`), { algorithm: 'sha256', hex: HEX64 });
    assert.deepEqual(parseDigest(`sha384:${'a'.repeat(96)}`), { algorithm: 'sha384', hex: 'a'.repeat(96) });
    assert.deepEqual(parseDigest(`sha512:${'b'.repeat(128)}`), { algorithm: 'sha512', hex: 'b'.repeat(128) });
  });

  const invalid: [string, RegExp][] = [
    ['', /form "<algorithm>:<hex>"/],
    [HEX64, /form "<algorithm>:<hex>"/],
    [':abc', /form/],
    ['sha256:', /form/],
    [`sha256:${HEX64.slice(1)}`, /exactly 64 lowercase hex/],
    [`sha256:${HEX64}0`, /exactly 64 lowercase hex/],
    [`sha256:${HEX64.toUpperCase()}`, /exactly 64 lowercase hex/],
    [`sha384:${HEX64}`, /exactly 96/],
    [`sha512:${HEX64}`, /exactly 128/],
    [`md5:${'a'.repeat(32)}`, /unsupported digest algorithm "md5" \(supported: sha256, sha384, sha512\)/],
    [`SHA256:${HEX64}`, /unsupported digest algorithm "SHA256"/],
    [`sha256+b64:${HEX64}`, /unsupported digest algorithm/],
    ['sha256:../../../etc/passwd', /exactly 64/],
    [`sha256:${HEX64.slice(0, 62)}/.`, /exactly 64/],
    [`../sha256:${HEX64}`, /form/],
    [`sha256:${HEX64}\n`, /exactly 64/],
    [`sha256:${HEX64.slice(0, 63)}\u0000`, /exactly 64/],
    ['constructor:00', /form|unsupported/],
    ['__proto__:00', /form|unsupported/],
  ];
  for (const [text, message] of invalid) {
    test(`rejects ${JSON.stringify(text.slice(0, 40))}`, () => {
      assert.throws(() => parseDigest(text), (err: unknown) => {
        assert.ok(err instanceof ImageError);
        assert.equal(err.code, ErrorCode.InvalidArgument);
        assert.match(err.message, message);
        assert.match(err.message, /^invalid digest "/);
        return true;
      });
    });
  }

  test('rejects non-strings', () => {
    assert.throws(() => parseDigest(undefined as unknown as string), { code: ErrorCode.InvalidArgument });
  });
});

describe('digestHex', () => {
  test('returns only [a-f0-9], which joins into a path without escaping it', () => {
    const hex = digestHex(`sha256:${HEX64}`);
    assert.equal(hex, HEX64);
    const root = '/var/lib/ferry/blobs';
    assert.equal(path.dirname(path.join(root, hex)), root);
  });

  test('throws ImageError INVALID_ARGUMENT for malformed digests', () => {
    for (const bad of ['sha256:..', 'sha256:a/b', '', 'sha256:' + '.'.repeat(64), `sha256:${'/'.repeat(64)}`]) {
      assert.throws(() => digestHex(bad), { code: ErrorCode.InvalidArgument }, bad);
    }
  });
});

test('isDigest', () => {
  assert.equal(isDigest(`sha256:${HEX64}`), true);
  assert.equal(isDigest(`sha256:${HEX64.toUpperCase()}`), false);
  assert.equal(isDigest('nginx'), false);
  assert.equal(isDigest(42), false);
  assert.equal(isDigest(null), false);
});

test('sha256Hex and sha256Digest', () => {
  // FIPS 180-2 test vector for "abc".
  const abc = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
  assert.equal(sha256Hex('abc'), abc);
  assert.equal(sha256Hex(new TextEncoder().encode('abc')), abc);
  assert.equal(sha256Digest('abc'), `sha256:${abc}`);
  assert.equal(isDigest(sha256Digest(new Uint8Array(0))), true);
});
