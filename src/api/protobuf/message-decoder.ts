// Table-driven decoding of one protobuf message into the JSON Kubernetes would write for it.
//
// go-to-protobuf writes every non-pointer field, zero or not, so a kubectl body carries
// `generateName: ""`, `hostNetwork: false`, `minReadySeconds: 0` and an empty creationTimestamp.
// Go's JSON would omit those (`omitempty`), so they are dropped here; pointer fields (`replicas`)
// are written only when set and keep their zero values. Nested messages stay even when empty
// (`resources: {}`, `strategy: {}`), as Go's JSON writes struct fields. Map values and list elements
// are kept as they are, empty strings included.
import { Buffer } from 'node:buffer';
import { isJsonObject } from '../object.ts';
import type { JsonObject, JsonValue } from '../object.ts';
import { ProtobufError, ProtobufErrorCode } from './errors.ts';
import type { FieldSpec, MessageSpec, MessageTable, ScalarType } from './messages/index.ts';
import { ProtobufReader, WireType } from './wire.ts';
import type { Tag, Window } from './wire.ts';

type Accumulator =
  | { kind: 'scalar'; value: JsonValue }
  | { kind: 'list'; values: JsonValue[] }
  | { kind: 'map'; entries: JsonObject }
  // A singular message may appear more than once; protobuf merges the occurrences, which is the
  // same as reading all of their bytes into one message.
  | { kind: 'message'; windows: Window[] };

const MAP_PREFIX = 'map<string,';
const MESSAGE_PREFIX = 'message:';

const indexes = new WeakMap<MessageSpec, Map<number, FieldSpec>>();

export class MessageDecoder {
  readonly #buf: Uint8Array;
  readonly #table: MessageTable;

  constructor(buf: Uint8Array, table: MessageTable) {
    this.#buf = buf;
    this.#table = table;
  }

  /**
   * Decodes the message of type `typeName` held in `windows` (several windows are merged in order).
   * Returns undefined only for types whose JSON form omits them, such as a zero Time.
   */
  decode(typeName: string, windows: readonly Window[], path: string): JsonValue | undefined {
    const spec = this.#spec(typeName);
    const state = new Map<FieldSpec, Accumulator>();
    for (const window of windows) this.#read(spec, window, state, path);

    const raw = spec.toJson !== undefined;
    const out: JsonObject = {};
    for (const field of spec.fields) {
      const acc = state.get(field);
      if (acc === undefined) continue;
      const value = this.#finish(field, acc, raw, `${path}.${field.name}`);
      if (value === undefined) continue;
      if (field.inline && isJsonObject(value)) Object.assign(out, value);
      else out[field.name] = value;
    }
    return spec.toJson === undefined ? out : spec.toJson(out);
  }

  #spec(typeName: string): MessageSpec {
    const spec = Object.hasOwn(this.#table, typeName) ? this.#table[typeName] : undefined;
    // A table bug, not bad input: the table tests check that every reference resolves.
    if (spec === undefined) throw new Error(`protobuf message table has no entry for ${typeName}`);
    return spec;
  }

  #read(spec: MessageSpec, window: Window, state: Map<FieldSpec, Accumulator>, path: string): void {
    const byNumber = fieldIndex(spec);
    const reader = new ProtobufReader(this.#buf, window.start, window.end);
    while (!reader.done) {
      const tag = reader.readTag();
      const field = byNumber.get(tag.fieldNumber);
      if (field === undefined) {
        // Fields newer than this table, or types it leaves out, are skipped like any proto parser does.
        reader.skip(tag.wireType);
        continue;
      }
      this.#readField(field, tag, reader, state, `${path}.${field.name}`);
    }
  }

  #readField(field: FieldSpec, tag: Tag, reader: ProtobufReader, state: Map<FieldSpec, Accumulator>, path: string): void {
    const type = field.type;
    if (type.startsWith(MAP_PREFIX)) {
      expectWireType(tag, WireType.LengthDelimited, path);
      const acc = accumulator(state, field, () => ({ kind: 'map', entries: {} }));
      const [key, value] = this.#mapEntry(type.slice(MAP_PREFIX.length, -1), reader.readLengthDelimited(), path);
      // defineProperty, so that a key such as "__proto__" becomes data instead of a prototype.
      Object.defineProperty(acc.entries, key, { value, enumerable: true, writable: true, configurable: true });
      return;
    }
    if (type.startsWith(MESSAGE_PREFIX)) {
      expectWireType(tag, WireType.LengthDelimited, path);
      const name = type.slice(MESSAGE_PREFIX.length);
      const window = reader.readLengthDelimited();
      if (field.repeated) {
        const acc = accumulator(state, field, () => ({ kind: 'list', values: [] }));
        acc.values.push(this.decode(name, [window], `${path}[${acc.values.length}]`) ?? null);
      } else {
        accumulator(state, field, () => ({ kind: 'message', windows: [] })).windows.push(window);
      }
      return;
    }
    const scalar = type as ScalarType;
    if (field.repeated) {
      const acc = accumulator(state, field, () => ({ kind: 'list', values: [] }));
      if (tag.wireType === WireType.LengthDelimited && wireTypeOf(scalar) === WireType.Varint) {
        // Packed encoding: proto3 writers use it for repeated numbers, and parsers must accept both.
        const packed = reader.readLengthDelimited();
        const inner = new ProtobufReader(this.#buf, packed.start, packed.end);
        while (!inner.done) acc.values.push(readScalar(scalar, inner, path));
        return;
      }
      expectWireType(tag, wireTypeOf(scalar), path);
      acc.values.push(readScalar(scalar, reader, path));
      return;
    }
    expectWireType(tag, wireTypeOf(scalar), path);
    state.set(field, { kind: 'scalar', value: readScalar(scalar, reader, path) });
  }

  #mapEntry(valueType: string, window: Window, path: string): [string, JsonValue] {
    const reader = new ProtobufReader(this.#buf, window.start, window.end);
    let key = '';
    let value: JsonValue | undefined;
    const valueWindows: Window[] = [];
    const isMessage = valueType.startsWith(MESSAGE_PREFIX);
    while (!reader.done) {
      const tag = reader.readTag();
      if (tag.fieldNumber === 1) {
        expectWireType(tag, WireType.LengthDelimited, `${path} key`);
        key = reader.readString();
      } else if (tag.fieldNumber === 2) {
        expectWireType(tag, WireType.LengthDelimited, `${path} value`);
        if (isMessage) valueWindows.push(reader.readLengthDelimited());
        else value = readScalar(valueType as ScalarType, reader, path);
      } else {
        reader.skip(tag.wireType);
      }
    }
    if (isMessage) return [key, this.decode(valueType.slice(MESSAGE_PREFIX.length), valueWindows, `${path}[${JSON.stringify(key)}]`) ?? null];
    return [key, value ?? ''];
  }

  #finish(field: FieldSpec, acc: Accumulator, raw: boolean, path: string): JsonValue | undefined {
    switch (acc.kind) {
      case 'scalar':
        return raw || field.pointer || !isZero(acc.value) ? acc.value : undefined;
      case 'list':
        return acc.values;
      case 'map':
        return acc.entries;
      case 'message':
        return this.decode(field.type.slice(MESSAGE_PREFIX.length), acc.windows, path);
    }
  }
}

function fieldIndex(spec: MessageSpec): Map<number, FieldSpec> {
  let index = indexes.get(spec);
  if (index === undefined) {
    index = new Map(spec.fields.map((field) => [field.number, field]));
    indexes.set(spec, index);
  }
  return index;
}

function accumulator<K extends Accumulator['kind']>(
  state: Map<FieldSpec, Accumulator>,
  field: FieldSpec,
  create: () => Extract<Accumulator, { kind: K }>,
): Extract<Accumulator, { kind: K }> {
  const existing = state.get(field);
  if (existing !== undefined) return existing as Extract<Accumulator, { kind: K }>;
  const created = create();
  state.set(field, created);
  return created;
}

function wireTypeOf(type: ScalarType): WireType {
  return type === 'string' || type === 'bytes' ? WireType.LengthDelimited : WireType.Varint;
}

function expectWireType(tag: Tag, expected: WireType, path: string): void {
  if (tag.wireType !== expected) {
    throw new ProtobufError(
      ProtobufErrorCode.WireTypeMismatch,
      `${path} (field ${tag.fieldNumber}) at byte ${tag.offset} has wire type ${tag.wireType}, expected ${expected}`,
    );
  }
}

function readScalar(type: ScalarType, reader: ProtobufReader, path: string): JsonValue {
  switch (type) {
    case 'string':
      return reader.readString();
    case 'bytes': {
      // Go's encoding/json writes []byte as standard base64 with padding.
      const bytes = reader.readBytes();
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
    }
    case 'bool':
      return reader.readBool();
    case 'int32':
      return reader.readInt32();
    case 'int64': {
      const at = reader.offset;
      const value = reader.readInt64();
      if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
        throw new ProtobufError(ProtobufErrorCode.IntegerOutOfRange, `${path} at byte ${at} is ${value}, beyond the exact range of a JSON number`);
      }
      return Number(value);
    }
  }
}

function isZero(value: JsonValue): boolean {
  return value === '' || value === 0 || value === false;
}
