// A minimal reader for the protobuf wire format (https://protobuf.dev/programming-guides/encoding/),
// enough for the gogo-generated messages Kubernetes sends. Every read is bounds-checked against the
// end of the enclosing message, so a length prefix can never make the reader look past its parent.
// Offsets in error messages are absolute positions in the original buffer.

import { ProtobufError, ProtobufErrorCode } from './errors.ts';

export const WireType = {
  Varint: 0,
  Fixed64: 1,
  LengthDelimited: 2,
  StartGroup: 3,
  EndGroup: 4,
  Fixed32: 5,
} as const;

export type WireType = (typeof WireType)[keyof typeof WireType];

export interface Tag {
  fieldNumber: number;
  wireType: WireType;
  /** Offset of the tag's first byte, for error messages. */
  offset: number;
}

/** A byte range `[start, end)` of the buffer a reader was built on. */
export interface Window {
  start: number;
  end: number;
}

const MAX_FIELD_NUMBER = 2 ** 29 - 1;
const utf8 = new TextDecoder('utf-8');

export class ProtobufReader {
  readonly #buf: Uint8Array;
  readonly #end: number;
  #pos: number;

  constructor(buf: Uint8Array, start = 0, end = buf.length) {
    if (start < 0 || end > buf.length || start > end) throw new RangeError(`invalid reader window [${start}, ${end}) over ${buf.length} bytes`);
    this.#buf = buf;
    this.#pos = start;
    this.#end = end;
  }

  get offset(): number {
    return this.#pos;
  }

  get done(): boolean {
    return this.#pos >= this.#end;
  }

  readTag(): Tag {
    const offset = this.#pos;
    const tag = this.readVarint();
    const wireType = Number(tag & 7n);
    const fieldNumber = tag >> 3n;
    if (fieldNumber === 0n || fieldNumber > BigInt(MAX_FIELD_NUMBER)) {
      throw new ProtobufError(ProtobufErrorCode.InvalidTag, `invalid field number ${fieldNumber} in tag at byte ${offset}`);
    }
    if (wireType !== WireType.Varint && wireType !== WireType.Fixed64 && wireType !== WireType.LengthDelimited && wireType !== WireType.Fixed32) {
      // Groups (3, 4) are deprecated and no Kubernetes type uses them; 6 and 7 are undefined.
      throw new ProtobufError(ProtobufErrorCode.InvalidTag, `unsupported wire type ${wireType} for field ${fieldNumber} at byte ${offset}`);
    }
    return { fieldNumber: Number(fieldNumber), wireType: wireType as WireType, offset };
  }

  /** An unsigned 64-bit varint. */
  readVarint(): bigint {
    const start = this.#pos;
    // Fast path: up to four bytes (28 bits) never leave the exact range of a double.
    let small = 0;
    for (let i = 0; i < 4; i++) {
      const b = this.#byte(start);
      small += (b & 0x7f) * 2 ** (7 * i);
      if (b < 0x80) return BigInt(small);
    }
    let value = BigInt(small);
    for (let i = 4; i < 10; i++) {
      const b = this.#byte(start);
      // The tenth byte holds only bit 63; anything above it would overflow 64 bits.
      if (i === 9 && b > 1) break;
      value |= BigInt(b & 0x7f) << BigInt(7 * i);
      if (b < 0x80) return value;
    }
    throw new ProtobufError(ProtobufErrorCode.MalformedVarint, `varint at byte ${start} is longer than 10 bytes or exceeds 64 bits`);
  }

  /** `int64`: two's complement, so negative values arrive as 10-byte varints. Returned exactly. */
  readInt64(): bigint {
    return BigInt.asIntN(64, this.readVarint());
  }

  /** `int32`: encoded sign-extended to 64 bits; protobuf parsers keep the low 32 bits. */
  readInt32(): number {
    return Number(BigInt.asIntN(32, this.readVarint()));
  }

  readBool(): boolean {
    return this.readVarint() !== 0n;
  }

  /**
   * The bounds of a length-delimited payload, as absolute offsets into the buffer, so that a nested
   * message can be read with `new ProtobufReader(buf, start, end)` and still report true offsets.
   */
  readLengthDelimited(): Window {
    const at = this.#pos;
    const length = this.readVarint();
    const remaining = this.#end - this.#pos;
    if (length > BigInt(remaining)) {
      throw new ProtobufError(ProtobufErrorCode.Truncated, `length ${length} at byte ${at} runs past the end of the message (${remaining} bytes left)`);
    }
    const start = this.#pos;
    this.#pos += Number(length);
    return { start, end: this.#pos };
  }

  /** The payload of a length-delimited field, as a view (no copy) into the original buffer. */
  readBytes(): Uint8Array {
    const { start, end } = this.readLengthDelimited();
    return this.#buf.subarray(start, end);
  }

  /** Invalid UTF-8 becomes U+FFFD, as Go's encoding/json does when it writes the same string. */
  readString(): string {
    return utf8.decode(this.readBytes());
  }

  /** Skips the value of a field this reader's caller does not know. */
  skip(wireType: WireType): void {
    switch (wireType) {
      case WireType.Varint:
        this.readVarint();
        return;
      case WireType.Fixed64:
        this.#advance(8);
        return;
      case WireType.LengthDelimited:
        this.readLengthDelimited();
        return;
      case WireType.Fixed32:
        this.#advance(4);
        return;
      default:
        throw new ProtobufError(ProtobufErrorCode.InvalidTag, `cannot skip wire type ${wireType} at byte ${this.#pos}`);
    }
  }

  #byte(valueStart: number): number {
    if (this.#pos >= this.#end) {
      throw new ProtobufError(ProtobufErrorCode.Truncated, `varint at byte ${valueStart} runs past the end of the message`);
    }
    return this.#buf[this.#pos++] as number;
  }

  #advance(count: number): void {
    if (this.#end - this.#pos < count) {
      throw new ProtobufError(ProtobufErrorCode.Truncated, `${count}-byte fixed value at byte ${this.#pos} runs past the end of the message`);
    }
    this.#pos += count;
  }
}
