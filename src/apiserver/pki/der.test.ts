import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { DerParseError, children, content, readElement } from './der-reader.ts';
import {
  bitString,
  boolean,
  explicit,
  generalizedTime,
  ia5String,
  implicit,
  integer,
  namedBits,
  nullValue,
  octetString,
  oid,
  printableString,
  sequence,
  set,
  time,
  tlv,
  utcTime,
  utf8String,
} from './der.ts';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('DER encoder', () => {
  const integers: [bigint | number | Uint8Array, string][] = [
    [0, '020100'],
    [127, '02017f'],
    [128, '02020080'],
    [256, '02020100'],
    [-1, '0201ff'],
    [-128, '020180'],
    [-129, '0202ff7f'],
    [2n ** 64n, '0209010000000000000000'],
    [Uint8Array.of(0x00, 0x00, 0x7f), '02017f'],
    [Uint8Array.of(0x80, 0x01), '0203008001'],
    [Uint8Array.of(0x00), '020100'],
    [new Uint8Array(), '020100'],
  ];
  for (const [value, expected] of integers) {
    test(`INTEGER ${value instanceof Uint8Array ? `bytes ${hex(value)}` : String(value)}`, () => {
      assert.equal(hex(integer(value)), expected);
    });
  }

  test('OBJECT IDENTIFIER', () => {
    assert.equal(hex(oid('1.2.840.10045.4.3.2')), '06082a8648ce3d040302');
    assert.equal(hex(oid('2.5.29.17')), '0603551d11');
    assert.equal(hex(oid('1.3.6.1.5.5.7.3.1')), '06082b06010505070301');
    assert.equal(hex(oid('2.999.3')), '0603883703');
    assert.throws(() => oid('1.40'), RangeError);
    assert.throws(() => oid('3.1'), RangeError);
    assert.throws(() => oid('1'), RangeError);
  });

  test('short and long length forms', () => {
    assert.equal(hex(octetString(new Uint8Array(127))).slice(0, 4), '047f');
    assert.equal(hex(octetString(new Uint8Array(128))).slice(0, 6), '048180');
    assert.equal(hex(octetString(new Uint8Array(300))).slice(0, 8), '0482012c');
    assert.equal(hex(octetString(new Uint8Array(70000))).slice(0, 10), '0483011170');
  });

  test('strings', () => {
    assert.equal(hex(utf8String('é')), '0c02c3a9');
    assert.equal(hex(printableString('Ferry CA')), '13084665727279204341');
    assert.throws(() => printableString('a@b'), RangeError);
    assert.equal(hex(ia5String('a.b')), '1603612e62');
    assert.throws(() => ia5String('ü'), RangeError);
  });

  test('UTCTime through 2049, GeneralizedTime from 2050, whole seconds', () => {
    const late2049 = new Date(Date.UTC(2049, 11, 31, 23, 59, 59, 999));
    assert.equal(Buffer.from(utcTime(late2049).subarray(2)).toString(), '491231235959Z');
    assert.equal(time(late2049)[0], 0x17);
    const in2050 = new Date(Date.UTC(2050, 0, 1));
    assert.equal(time(in2050)[0], 0x18);
    assert.equal(Buffer.from(generalizedTime(in2050).subarray(2)).toString(), '20500101000000Z');
    assert.equal(time(new Date(Date.UTC(1949, 0, 1)))[0], 0x18);
    assert.throws(() => utcTime(in2050), RangeError);
    assert.throws(() => generalizedTime(new Date(Number.NaN)), RangeError);
  });

  test('BIT STRING, named bits with trailing zeros removed', () => {
    assert.equal(hex(bitString(Uint8Array.of(0xab))), '030200ab');
    assert.equal(hex(namedBits([5, 6])), '03020106'); // keyCertSign, cRLSign
    assert.equal(hex(namedBits([0, 2])), '030205a0'); // digitalSignature, keyEncipherment
    assert.equal(hex(namedBits([0, 8])), '0303078080'); // digitalSignature, decipherOnly
    assert.equal(hex(namedBits([])), '030100');
    assert.throws(() => bitString(new Uint8Array(), 3), RangeError);
  });

  test('BOOLEAN, NULL, SEQUENCE', () => {
    assert.equal(hex(boolean(true)), '0101ff');
    assert.equal(hex(boolean(false)), '010100');
    assert.equal(hex(nullValue()), '0500');
    assert.equal(hex(sequence()), '3000');
    assert.equal(hex(sequence(integer(1), nullValue())), '300502010105' + '00');
  });

  test('SET OF is sorted by encoding', () => {
    assert.equal(hex(set(integer(2), integer(1), octetString(Uint8Array.of(0)))), '3109020101020102040100');
  });

  test('context-specific tags', () => {
    assert.equal(hex(explicit(0, integer(2))), 'a003020102');
    assert.equal(hex(explicit(3, sequence())), 'a3023000');
    assert.equal(hex(implicit(2, Buffer.from('a'))), '820161');
    assert.equal(hex(implicit(7, Uint8Array.of(127, 0, 0, 1))), '87047f000001');
    assert.equal(hex(implicit(1, Uint8Array.of(5), true)), 'a10105');
    assert.throws(() => implicit(31, new Uint8Array()), RangeError);
    assert.throws(() => tlv(0x1f, new Uint8Array()), RangeError);
  });
});

describe('DER reader', () => {
  test('walks what the encoder writes', () => {
    const der = sequence(integer(5), explicit(3, sequence(octetString(new Uint8Array(200)))));
    const root = readElement(der, 0);
    assert.equal(root.end, der.length);
    const [first, second] = children(der, root);
    assert.equal(hex(content(der, first!)), '05');
    assert.equal(second!.tag, 0xa3);
    const [inner] = children(der, second!);
    assert.equal(children(der, inner!)[0]!.end - children(der, inner!)[0]!.contentStart, 200);
  });

  test('rejects truncated input and indefinite lengths', () => {
    assert.throws(() => readElement(Uint8Array.of(0x30, 0x05, 0x01), 0), DerParseError);
    assert.throws(() => readElement(Uint8Array.of(0x30, 0x80, 0x00, 0x00), 0), DerParseError);
    assert.throws(() => readElement(Uint8Array.of(0x30), 0), DerParseError);
    assert.throws(() => readElement(Uint8Array.of(0x04, 0x82, 0x01), 0), DerParseError);
  });
});
