// The shape of the declarative message table: each Kubernetes message type lists its fields with the
// protobuf field number from the type's generated.proto and the JSON name the Go type gives it.
import type { JsonValue } from '../../object.ts';

export type ScalarType = 'string' | 'int32' | 'int64' | 'bool' | 'bytes';

/**
 * `message:<Name>` refers to another entry of the table. Map entries are the protobuf map encoding,
 * a repeated message {1: key, 2: value}; keys are always strings in Kubernetes types.
 */
export type FieldType =
  | ScalarType
  | `message:${string}`
  | 'map<string,string>'
  | 'map<string,bytes>'
  | `map<string,message:${string}>`;

export interface FieldSpec {
  readonly number: number;
  /** The JSON name (the Go field's json tag). */
  readonly name: string;
  readonly type: FieldType;
  readonly repeated?: boolean;
  /**
   * The Go field is a pointer (`*int32`, `*bool`, `*string`). go-to-protobuf writes it only when it
   * is set, so a zero value on the wire is meaningful (`replicas: 0`) and is kept. Non-pointer
   * scalars are always written, and their zero values are dropped as `omitempty` JSON would.
   */
  readonly pointer?: boolean;
  /**
   * The Go field is an embedded struct with `json:",inline"` (LocalObjectReference in
   * ConfigMapVolumeSource, VolumeSource in Volume): its fields land in the parent JSON object.
   */
  readonly inline?: boolean;
}

/** Field values of a message decoded without dropping zero values, keyed by JSON name. */
export type RawFields = Readonly<Record<string, JsonValue | undefined>>;

export interface MessageSpec {
  readonly fields: readonly FieldSpec[];
  /**
   * For types whose JSON form is not an object (Time is a string, IntOrString a number or string).
   * Receives every field present on the wire, zero values included; returning undefined omits the
   * field from the parent, as Go's JSON does for a zero Time (`null`, dropped here).
   */
  readonly toJson?: (fields: RawFields) => JsonValue | undefined;
}

export type MessageTable = Readonly<Record<string, MessageSpec>>;
