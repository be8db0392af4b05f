import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeBase64, encodeBase64, encodeBase64Utf8 } from './base64.ts';

test('base64 encodes and decodes as Buffer does', () => {
  for (let n = 0; n < 40; n++) {
    const bytes = new Uint8Array(n).map((_, i) => (i * 97 + n * 13) & 0xff);
    const expected = Buffer.from(bytes).toString('base64');
    assert.equal(encodeBase64(bytes), expected);
    assert.deepEqual(decodeBase64(expected), new Uint8Array(bytes));
  }
  assert.equal(encodeBase64Utf8('janedoe:s3cret-pass ü \ud800'), Buffer.from('janedoe:s3cret-pass ü \ud800', 'utf8').toString('base64'));
});
