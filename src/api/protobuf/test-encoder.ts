// Test-only protobuf writer: just enough to build bodies by hand for the decoder's tests. Product
// code never encodes protobuf (responses are JSON, which kubectl accepts).
import { KUBERNETES_PROTOBUF_MAGIC } from './envelope.ts';

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Unsigned varint; negative numbers are written as 64-bit two's complement, as int32/int64 are. */
export function varintBytes(value: number | bigint): Uint8Array {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    const low = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v === 0n ? low : low | 0x80);
  } while (v !== 0n);
  return Uint8Array.from(out);
}

export function tag(fieldNumber: number, wireType: number): Uint8Array {
  return varintBytes((BigInt(fieldNumber) << 3n) | BigInt(wireType));
}

export function varint(fieldNumber: number, value: number | bigint | boolean): Uint8Array {
  return concat(tag(fieldNumber, 0), varintBytes(typeof value === 'boolean' ? (value ? 1 : 0) : value));
}

export function bytes(fieldNumber: number, payload: Uint8Array): Uint8Array {
  return concat(tag(fieldNumber, 2), varintBytes(payload.length), payload);
}

export function string(fieldNumber: number, value: string): Uint8Array {
  return bytes(fieldNumber, new TextEncoder().encode(value));
}

export function message(fieldNumber: number, ...fields: Uint8Array[]): Uint8Array {
  return bytes(fieldNumber, concat(...fields));
}

/** One map entry {1: key, 2: value}; `value` is an already-encoded field 2. */
export function mapEntry(fieldNumber: number, key: string, value: Uint8Array): Uint8Array {
  return message(fieldNumber, string(1, key), value);
}

export function fixed32(fieldNumber: number, value: number): Uint8Array {
  const payload = new Uint8Array(4);
  new DataView(payload.buffer).setUint32(0, value, true);
  return concat(tag(fieldNumber, 5), payload);
}

export function fixed64(fieldNumber: number, value: bigint): Uint8Array {
  const payload = new Uint8Array(8);
  new DataView(payload.buffer).setBigUint64(0, value, true);
  return concat(tag(fieldNumber, 1), payload);
}

/** `k8s\0` + runtime.Unknown{typeMeta, raw, contentEncoding, contentType}, as kubectl writes it. */
export function envelope(apiVersion: string, kind: string, raw: Uint8Array, extra: { contentEncoding?: string; contentType?: string } = {}): Uint8Array {
  return concat(
    KUBERNETES_PROTOBUF_MAGIC,
    message(1, string(1, apiVersion), string(2, kind)),
    bytes(2, raw),
    string(3, extra.contentEncoding ?? ''),
    string(4, extra.contentType ?? ''),
  );
}
