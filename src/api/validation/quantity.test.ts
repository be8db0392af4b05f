import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseQuantity } from './quantity.ts';

test('decimal, binary and exponent suffixes in nano-units', () => {
  assert.equal(parseQuantity('1'), 1_000_000_000n);
  assert.equal(parseQuantity('250m'), 250_000_000n);
  assert.equal(parseQuantity('0.25'), parseQuantity('250m'));
  assert.equal(parseQuantity('1Ki'), 1024n * 1_000_000_000n);
  assert.equal(parseQuantity('512Mi'), 512n * 1024n ** 2n * 1_000_000_000n);
  assert.equal(parseQuantity('1e3'), parseQuantity('1k'));
  assert.equal(parseQuantity(2), parseQuantity('2'));
  assert.equal(parseQuantity('-1'), -1_000_000_000n);
});

test('sub-nano values round up; junk is rejected', () => {
  assert.equal(parseQuantity('0.1n'), 1n);
  assert.equal(parseQuantity('abc'), undefined);
  assert.equal(parseQuantity('1Q'), undefined);
  assert.equal(parseQuantity(' 1'), undefined);
  assert.equal(parseQuantity('.'), undefined);
});
