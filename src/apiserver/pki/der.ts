// A small ASN.1 DER encoder (ITU-T X.690), enough to write X.509 certificates. Every function returns
// one complete TLV (tag, length, value). Only low tag numbers (0-30) are supported, which covers
// every universal and context-specific tag RFC 5280 uses.
import { Buffer } from 'node:buffer';

export const Tag = {
  Boolean: 0x01,
  Integer: 0x02,
  BitString: 0x03,
  OctetString: 0x04,
  Null: 0x05,
  ObjectIdentifier: 0x06,
  Utf8String: 0x0c,
  PrintableString: 0x13,
  Ia5String: 0x16,
  UtcTime: 0x17,
  GeneralizedTime: 0x18,
  Sequence: 0x30,
  Set: 0x31,
} as const;

const CONTEXT = 0x80;
const CONSTRUCTED = 0x20;

function lengthBytes(length: number): Buffer {
  if (length < 0x80) return Buffer.of(length);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, content: Uint8Array): Buffer {
  if (!Number.isInteger(tag) || tag < 0 || tag > 0xff || (tag & 0x1f) === 0x1f) throw new RangeError(`unsupported DER tag ${tag}`);
  return Buffer.concat([Buffer.of(tag), lengthBytes(content.length), content]);
}

export function sequence(...items: Uint8Array[]): Buffer {
  return tlv(Tag.Sequence, Buffer.concat(items));
}

/** SET OF: DER orders the elements by their encodings (X.690 11.6). */
export function set(...items: Uint8Array[]): Buffer {
  const sorted = [...items].sort((a, b) => Buffer.compare(a, b));
  return tlv(Tag.Set, Buffer.concat(sorted));
}

/**
 * INTEGER in minimal two's complement. A byte array is read as an unsigned big-endian magnitude
 * (certificate serials, RSA moduli), so a leading 0x00 is added when its top bit is set.
 */
export function integer(value: bigint | number | Uint8Array): Buffer {
  if (value instanceof Uint8Array) {
    let start = 0;
    while (start < value.length - 1 && value[start] === 0) start++;
    const magnitude = value.length === 0 ? Buffer.of(0) : Buffer.from(value.subarray(start));
    return tlv(Tag.Integer, (magnitude[0] as number) & 0x80 ? Buffer.concat([Buffer.of(0), magnitude]) : magnitude);
  }
  let v = BigInt(value);
  const bytes: number[] = [];
  // Emit low bytes until the rest is pure sign extension of the last byte's top bit.
  for (;;) {
    const byte = Number(BigInt.asUintN(8, v));
    bytes.unshift(byte);
    v >>= 8n;
    if ((v === 0n && (byte & 0x80) === 0) || (v === -1n && (byte & 0x80) !== 0)) break;
  }
  return tlv(Tag.Integer, Buffer.from(bytes));
}

/** OBJECT IDENTIFIER from dotted form: the first two arcs share one subidentifier (X.690 8.19). */
export function oid(dotted: string): Buffer {
  if (!/^[0-2]\.\d+(\.\d+)*$/.test(dotted)) throw new RangeError(`invalid object identifier "${dotted}"`);
  const arcs = dotted.split('.').map((arc) => BigInt(arc));
  const [first, second, ...rest] = arcs as [bigint, bigint, ...bigint[]];
  if (first < 2n && second > 39n) throw new RangeError(`invalid object identifier "${dotted}"`);
  const out: number[] = [];
  for (const arc of [first * 40n + second, ...rest]) {
    const chunk: number[] = [];
    for (let n = arc; ; n >>= 7n) {
      chunk.unshift(Number(n & 0x7fn) | (chunk.length === 0 ? 0 : 0x80));
      if (n < 0x80n) break;
    }
    out.push(...chunk);
  }
  return tlv(Tag.ObjectIdentifier, Buffer.from(out));
}

export function utf8String(value: string): Buffer {
  return tlv(Tag.Utf8String, Buffer.from(value, 'utf8'));
}

export function printableString(value: string): Buffer {
  if (!/^[A-Za-z0-9 '()+,\-./:=?]*$/.test(value)) throw new RangeError('PrintableString allows only A-Z a-z 0-9 space and \'()+,-./:=?');
  return tlv(Tag.PrintableString, Buffer.from(value, 'latin1'));
}

export function ia5String(value: string): Buffer {
  return tlv(Tag.Ia5String, ia5Bytes(value));
}

/** IA5 (ASCII) bytes, for IA5String and for implicitly tagged GeneralName dNSName. */
export function ia5Bytes(value: string): Buffer {
  if ([...value].some((c) => c.charCodeAt(0) > 0x7f)) throw new RangeError('IA5String allows only ASCII');
  return Buffer.from(value, 'latin1');
}

function digits(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function wholeSeconds(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new RangeError('invalid date');
  return `${digits(date.getUTCMonth() + 1, 2)}${digits(date.getUTCDate(), 2)}${digits(date.getUTCHours(), 2)}${digits(date.getUTCMinutes(), 2)}${digits(date.getUTCSeconds(), 2)}Z`;
}

/** UTCTime YYMMDDHHMMSSZ, for years 1950-2049 only (RFC 5280 4.1.2.5.1). */
export function utcTime(date: Date): Buffer {
  const year = date.getUTCFullYear();
  if (!(year >= 1950 && year <= 2049)) throw new RangeError(`UTCTime cannot hold year ${year}`);
  return tlv(Tag.UtcTime, Buffer.from(`${digits(year % 100, 2)}${wholeSeconds(date)}`, 'latin1'));
}

/** GeneralizedTime YYYYMMDDHHMMSSZ, without fractional seconds (RFC 5280 4.1.2.5.2). */
export function generalizedTime(date: Date): Buffer {
  const year = date.getUTCFullYear();
  if (!(year >= 0 && year <= 9999)) throw new RangeError(`GeneralizedTime cannot hold year ${year}`);
  return tlv(Tag.GeneralizedTime, Buffer.from(`${digits(year, 4)}${wholeSeconds(date)}`, 'latin1'));
}

/** The Time CHOICE of X.509: UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 4.1.2.5). */
export function time(date: Date): Buffer {
  const year = date.getUTCFullYear();
  return year >= 1950 && year <= 2049 ? utcTime(date) : generalizedTime(date);
}

export function bitString(bytes: Uint8Array, unusedBits = 0): Buffer {
  if (!Number.isInteger(unusedBits) || unusedBits < 0 || unusedBits > 7 || (bytes.length === 0 && unusedBits !== 0)) {
    throw new RangeError(`invalid unused-bit count ${unusedBits}`);
  }
  return tlv(Tag.BitString, Buffer.concat([Buffer.of(unusedBits), bytes]));
}

/**
 * A BIT STRING of named bits (bit 0 is the most significant bit of the first byte), with trailing
 * zero bits removed as DER requires for named-bit lists (X.690 11.2.2), e.g. X.509 KeyUsage.
 */
export function namedBits(bits: readonly number[]): Buffer {
  const highest = Math.max(-1, ...bits);
  const bytes = Buffer.alloc(Math.ceil((highest + 1) / 8));
  for (const bit of bits) {
    if (!Number.isInteger(bit) || bit < 0) throw new RangeError(`invalid bit number ${bit}`);
    bytes[bit >> 3] = (bytes[bit >> 3] as number) | (0x80 >> (bit & 7));
  }
  return bitString(bytes, bytes.length === 0 ? 0 : 7 - (highest & 7));
}

export function octetString(bytes: Uint8Array): Buffer {
  return tlv(Tag.OctetString, bytes);
}

export function boolean(value: boolean): Buffer {
  return tlv(Tag.Boolean, Buffer.of(value ? 0xff : 0x00));
}

export function nullValue(): Buffer {
  return tlv(Tag.Null, Buffer.alloc(0));
}

function contextTag(number: number, constructed: boolean): number {
  if (!Number.isInteger(number) || number < 0 || number > 30) throw new RangeError(`unsupported context tag [${number}]`);
  return CONTEXT | (constructed ? CONSTRUCTED : 0) | number;
}

/** `[n] EXPLICIT`: the whole inner TLV wrapped in a constructed context tag. */
export function explicit(number: number, inner: Uint8Array): Buffer {
  return tlv(contextTag(number, true), inner);
}

/**
 * `[n] IMPLICIT`: the context tag replaces the inner tag. Pass the inner value's content octets;
 * `constructed` must be true when the replaced type was constructed (a SEQUENCE).
 */
export function implicit(number: number, content: Uint8Array, constructed = false): Buffer {
  return tlv(contextTag(number, constructed), content);
}
