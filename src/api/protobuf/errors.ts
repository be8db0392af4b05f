// Errors of the protobuf request-body decoder. Every failure is a ProtobufError with a stable `code`
// (branch on it, never on the message). Messages name the byte offset or the field path so that a
// bad body can be diagnosed from a log line; they never quote field values, which may be secret data.

export const ProtobufErrorCode = {
  /** The body does not start with the 4-byte `k8s\0` magic of the Kubernetes protobuf envelope. */
  MissingMagic: 'PROTOBUF_MISSING_MAGIC',
  /** A varint, length or fixed-width value runs past the end of its message. */
  Truncated: 'PROTOBUF_TRUNCATED',
  /** A varint is longer than 10 bytes or does not fit in 64 bits. */
  MalformedVarint: 'PROTOBUF_MALFORMED_VARINT',
  /** A tag carries field number 0, a field number beyond 2^29-1, or a wire type protobuf does not define or Kubernetes never uses (groups). */
  InvalidTag: 'PROTOBUF_INVALID_TAG',
  /** A known field arrived with a wire type that does not match its declared type. */
  WireTypeMismatch: 'PROTOBUF_WIRE_TYPE_MISMATCH',
  /** An int64 value lies outside JavaScript's safe-integer range and cannot become a JSON number exactly. */
  IntegerOutOfRange: 'PROTOBUF_INTEGER_OUT_OF_RANGE',
  /** The envelope lacks apiVersion/kind, or declares a content encoding or type this decoder does not read. */
  InvalidEnvelope: 'PROTOBUF_INVALID_ENVELOPE',
  /** The envelope names a kind that has no entry in the message table. */
  UnsupportedKind: 'PROTOBUF_UNSUPPORTED_KIND',
  /** A value is well-formed protobuf but has no JSON form: a time outside years 0-9999, fieldsV1 bytes that are not JSON. */
  InvalidValue: 'PROTOBUF_INVALID_VALUE',
} as const;

export type ProtobufErrorCode = (typeof ProtobufErrorCode)[keyof typeof ProtobufErrorCode];

const brand = Symbol.for('ferry.ProtobufError');

export class ProtobufError extends Error {
  readonly code: ProtobufErrorCode;

  constructor(code: ProtobufErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ProtobufError';
    this.code = code;
    Object.defineProperty(this, brand, { value: true });
  }

  // Keyed on a global symbol so that two copies of the module still recognise each other's errors.
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this !== ProtobufError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  }
}

export function isProtobufError(err: unknown, code?: ProtobufErrorCode): err is ProtobufError {
  return err instanceof ProtobufError && (code === undefined || err.code === code);
}
