import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtobufError, ProtobufErrorCode } from './errors.ts';
import { concat, fixed32, fixed64, string, tag, varint, varintBytes } from './test-encoder.ts';
import { ProtobufReader, WireType } from './wire.ts';

function reader(...bytes: number[]): ProtobufReader {
  return new ProtobufReader(Uint8Array.from(bytes));
}

function assertProtobufError(fn: () => unknown, code: ProtobufErrorCode, message: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ProtobufError);
    assert.equal(err.code, code);
    assert.match(err.message, message);
    return true;
  });
}

describe('ProtobufReader varints', () => {
  const cases: [string, number[], bigint][] = [
    ['zero', [0x00], 0n],
    ['one byte', [0x7f], 127n],
    ['two bytes', [0xac, 0x02], 300n],
    ['five bytes (past the 28-bit fast path)', [0x80, 0x80, 0x80, 0x80, 0x01], 2n ** 28n],
    ['2^53 + 1', [...varintBytes(2n ** 53n + 1n)], 2n ** 53n + 1n],
    ['max uint64', [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], 2n ** 64n - 1n],
  ];
  for (const [name, bytes, expected] of cases) {
    test(`reads ${name}`, () => {
      const r = reader(...bytes);
      assert.equal(r.readVarint(), expected);
      assert.equal(r.done, true);
    });
  }

  test('int64 and int32 read negative numbers from 10-byte two\'s complement', () => {
    assert.equal(new ProtobufReader(varintBytes(-1)).readInt64(), -1n);
    assert.equal(new ProtobufReader(varintBytes(-(2n ** 63n))).readInt64(), -(2n ** 63n));
    assert.equal(new ProtobufReader(varintBytes(-5)).readInt32(), -5);
    assert.equal(new ProtobufReader(varintBytes(2 ** 31 - 1)).readInt32(), 2 ** 31 - 1);
  });

  test('bool is any non-zero varint', () => {
    assert.equal(reader(0x00).readBool(), false);
    assert.equal(reader(0x01).readBool(), true);
    assert.equal(reader(0x80, 0x01).readBool(), true);
  });

  test('rejects a truncated varint', () => {
    assertProtobufError(() => reader(0x80, 0x80).readVarint(), ProtobufErrorCode.Truncated, /varint at byte 0 runs past the end/);
    assertProtobufError(() => reader().readVarint(), ProtobufErrorCode.Truncated, /runs past the end/);
  });

  test('rejects a varint longer than 10 bytes', () => {
    assertProtobufError(() => reader(...Array<number>(10).fill(0x80), 0x01).readVarint(), ProtobufErrorCode.MalformedVarint, /longer than 10 bytes/);
  });

  test('rejects a 10-byte varint with bits above 2^63', () => {
    assertProtobufError(() => reader(...Array<number>(9).fill(0xff), 0x02).readVarint(), ProtobufErrorCode.MalformedVarint, /exceeds 64 bits/);
  });
});

describe('ProtobufReader tags and length-delimited fields', () => {
  test('splits a tag into field number and wire type', () => {
    const r = new ProtobufReader(concat(Uint8Array.of(0xff), tag(2 ** 29 - 1, WireType.Fixed32)), 1);
    assert.deepEqual(r.readTag(), { fieldNumber: 2 ** 29 - 1, wireType: WireType.Fixed32, offset: 1 });
  });

  test('rejects field number 0', () => {
    assertProtobufError(() => reader(0x02).readTag(), ProtobufErrorCode.InvalidTag, /invalid field number 0/);
  });

  test('rejects field numbers beyond 2^29-1', () => {
    assertProtobufError(() => new ProtobufReader(tag(2 ** 29, 0)).readTag(), ProtobufErrorCode.InvalidTag, /invalid field number 536870912/);
  });

  for (const wireType of [3, 4, 6, 7]) {
    test(`rejects wire type ${wireType}`, () => {
      assertProtobufError(() => new ProtobufReader(tag(1, wireType)).readTag(), ProtobufErrorCode.InvalidTag, new RegExp(`unsupported wire type ${wireType}`));
    });
  }

  test('reads strings and reports the window as absolute offsets', () => {
    const buf = concat(Uint8Array.of(9, 9), string(1, 'héllo'));
    const r = new ProtobufReader(buf, 2);
    r.readTag();
    const at = r.offset;
    assert.deepEqual(r.readLengthDelimited(), { start: at + 1, end: buf.length });
    const again = new ProtobufReader(buf, 2);
    again.readTag();
    assert.equal(again.readString(), 'héllo');
  });

  test('replaces invalid UTF-8 with U+FFFD instead of failing', () => {
    assert.equal(reader(0x02, 0x61, 0xff).readString(), 'a\uFFFD');
  });

  test('rejects a length that runs past the end of the enclosing window', () => {
    // The buffer holds more bytes, but the reader's window ends before them.
    const buf = Uint8Array.of(0x05, 0x61, 0x62, 0x63, 0x64, 0x65);
    assertProtobufError(() => new ProtobufReader(buf, 0, 4).readBytes(), ProtobufErrorCode.Truncated, /length 5 at byte 0 runs past the end of the message \(3 bytes left\)/);
  });

  test('rejects a huge length without allocating', () => {
    assertProtobufError(() => new ProtobufReader(varintBytes(2n ** 62n)).readBytes(), ProtobufErrorCode.Truncated, /runs past the end/);
  });
});

describe('ProtobufReader.skip', () => {
  test('skips every supported wire type and lands on the next field', () => {
    const buf = concat(varint(1, 2n ** 63n), fixed64(2, 7n), string(3, 'skip me'), fixed32(4, 9), varint(5, 42));
    const r = new ProtobufReader(buf);
    for (let i = 0; i < 4; i++) r.skip(r.readTag().wireType);
    assert.equal(r.readTag().fieldNumber, 5);
    assert.equal(r.readVarint(), 42n);
    assert.equal(r.done, true);
  });

  test('rejects truncated fixed-width values', () => {
    assertProtobufError(() => reader(1, 2, 3).skip(WireType.Fixed32), ProtobufErrorCode.Truncated, /4-byte fixed value at byte 0/);
    assertProtobufError(() => reader(1, 2, 3, 4, 5, 6, 7).skip(WireType.Fixed64), ProtobufErrorCode.Truncated, /8-byte fixed value/);
  });
});

test('the reader window must lie inside the buffer', () => {
  assert.throws(() => new ProtobufReader(Uint8Array.of(1, 2), 1, 3), RangeError);
  assert.throws(() => new ProtobufReader(Uint8Array.of(1, 2), 2, 1), RangeError);
});
