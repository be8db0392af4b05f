import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_POOL_SIZE, parsePool, pickAddress } from './pool.ts';

test('addresses, ranges and CIDR blocks, commas or newlines, duplicates once', () => {
  const p = parsePool('192.0.2.10, 192.0.2.12-192.0.2.13\n198.51.100.0/30 192.0.2.10');
  assert.deepEqual(p.addresses, ['192.0.2.10', '192.0.2.12', '192.0.2.13', '198.51.100.0', '198.51.100.1', '198.51.100.2', '198.51.100.3']);
  assert.deepEqual(p.errors, []);
});

test('bad items are named and skipped; a huge block is refused', () => {
  const p = parsePool('192.0.2.300, 10.0.0.9-10.0.0.1, hello, 10.0.0.0/8, 192.0.2.1');
  assert.deepEqual(p.addresses, ['192.0.2.1']);
  assert.equal(p.errors.length, 4);
  assert.match(p.errors[3] ?? '', new RegExp(`larger than ${MAX_POOL_SIZE}`));
  assert.deepEqual(parsePool(undefined), { addresses: [], errors: [] });
});

test('pickAddress takes the first free one', () => {
  assert.equal(pickAddress(['a', 'b', 'c'], new Set(['a'])), 'b');
  assert.equal(pickAddress(['a'], new Set(['a'])), undefined);
});
