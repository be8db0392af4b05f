// A minimal protocol-buffers encoder: enough of the wire format
// (https://protobuf.dev/programming-guides/encoding/) for the proto3 messages of the OpenAPI v2
// document. Scalars at their default value are left out, as proto3 does; embedded messages and
// oneof members are always written, since their presence is meaningful.

const VARINT = 0;
const I64 = 1;
const LEN = 2;

export class ProtobufWriter {
  private readonly chunks: Uint8Array[] = [];
  private size = 0;

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.size += bytes.length;
  }

  private varint(value: number): void {
    const bytes: number[] = [];
    let v = value;
    // Arithmetic rather than bit operations: these exceed 32 bits for int64 fields.
    while (v >= 0x80) {
      bytes.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    bytes.push(v);
    this.push(Uint8Array.from(bytes));
  }

  private tag(field: number, wireType: number): void {
    this.varint(field * 8 + wireType);
  }

  string(field: number, value: string | undefined): this {
    if (value === undefined || value === '') return this;
    return this.bytes(field, Buffer.from(value, 'utf8'));
  }

  strings(field: number, values: readonly string[] | undefined): this {
    for (const value of values ?? []) this.bytes(field, Buffer.from(value, 'utf8'));
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, LEN);
    this.varint(value.length);
    this.push(value);
    return this;
  }

  bool(field: number, value: boolean | undefined): this {
    if (!value) return this;
    return this.oneofBool(field, true);
  }

  /** A bool that is written even when false: a member of a oneof. */
  oneofBool(field: number, value: boolean): this {
    this.tag(field, VARINT);
    this.varint(value ? 1 : 0);
    return this;
  }

  int64(field: number, value: number | undefined): this {
    if (value === undefined || value === 0) return this;
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`int64 field ${field}: ${value} is not a non-negative safe integer`);
    this.tag(field, VARINT);
    this.varint(value);
    return this;
  }

  double(field: number, value: number | undefined): this {
    if (value === undefined || value === 0) return this;
    const bytes = Buffer.alloc(8);
    bytes.writeDoubleLE(value);
    this.tag(field, I64);
    this.push(bytes);
    return this;
  }

  message(field: number, build: (writer: ProtobufWriter) => void): this {
    const inner = new ProtobufWriter();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  finish(): Buffer {
    return Buffer.concat(this.chunks, this.size);
  }
}
