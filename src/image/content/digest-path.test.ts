import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isImageError } from '../errors.ts';
import { blobRelativePath, parseStoreDigest, tryParseStoreDigest } from './digest-path.ts';

const HEX64 = 'a'.repeat(64);

test('accepts sha256 and sha512 digests and maps them under blobs/', () => {
  assert.equal(blobRelativePath(parseStoreDigest(`sha256:${HEX64}`)), `blobs/sha256/${HEX64}`);
  assert.equal(parseStoreDigest(`sha512:${'0'.repeat(128)}`).algorithm, 'sha512');
});

test('rejects anything that could leave blobs/ or is not canonical', () => {
  for (const bad of [
    `sha256:${'A'.repeat(64)}`,
    `sha256:${HEX64}0`,
    `sha256:${'a'.repeat(63)}`,
    `sha512:${HEX64}`,
    `sha384:${'a'.repeat(96)}`,
    `sha256:../../${'a'.repeat(58)}`,
    `sha256/${HEX64}`,
    `../sha256:${HEX64}`,
    '',
  ]) {
    assert.equal(tryParseStoreDigest(bad), undefined, bad);
    assert.throws(() => parseStoreDigest(bad), (err) => isImageError(err, 'INVALID_ARGUMENT'));
  }
  assert.equal(tryParseStoreDigest(42), undefined);
});
