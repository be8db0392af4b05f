// apimachinery types shared by every kind. Field numbers from
// staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto,
// staging/src/k8s.io/apimachinery/pkg/util/intstr/generated.proto and
// staging/src/k8s.io/apimachinery/pkg/api/resource/generated.proto.
import { Buffer } from 'node:buffer';
import type { JsonValue } from '../../object.ts';
import { ProtobufError, ProtobufErrorCode } from '../errors.ts';
import type { MessageTable, RawFields } from './schema.ts';

// RFC 3339 as Go's time.Time.MarshalJSON writes it, which refuses years outside 0000-9999.
const MIN_SECONDS = -62_167_219_200; // 0000-01-01T00:00:00Z
const MAX_SECONDS = 253_402_300_799; // 9999-12-31T23:59:59Z

// metav1.Time marshals a zero time as no bytes and unmarshals no bytes as the zero time, which JSON
// writes as null; dropping it keeps `creationTimestamp: null` out of stored objects. JSON keeps only
// whole seconds. https://github.com/kubernetes/apimachinery/blob/master/pkg/apis/meta/v1/time_proto.go
function timeToJson(fields: RawFields): JsonValue | undefined {
  if (fields.seconds === undefined && fields.nanos === undefined) return undefined;
  const seconds = typeof fields.seconds === 'number' ? fields.seconds : 0;
  if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
    throw new ProtobufError(ProtobufErrorCode.InvalidValue, `time of ${seconds} seconds since the epoch is outside years 0000-9999`);
  }
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// intstr.IntOrString: type 0 is Int, 1 is String; JSON carries only the chosen value.
function intOrStringToJson(fields: RawFields): JsonValue {
  return fields.type === 1 ? (fields.strVal ?? '') : (fields.intVal ?? 0);
}

// resource.Quantity travels as its canonical string; the zero Quantity is written "0" in JSON.
function quantityToJson(fields: RawFields): JsonValue {
  return typeof fields.string === 'string' && fields.string !== '' ? fields.string : '0';
}

// metav1.FieldsV1 holds JSON bytes that appear verbatim in the JSON form.
function fieldsV1ToJson(fields: RawFields): JsonValue | undefined {
  if (typeof fields.Raw !== 'string' || fields.Raw === '') return undefined;
  const text = Buffer.from(fields.Raw, 'base64').toString('utf8');
  try {
    return JSON.parse(text) as JsonValue;
  } catch (err) {
    throw new ProtobufError(ProtobufErrorCode.InvalidValue, 'managedFields[].fieldsV1 does not hold valid JSON', { cause: err });
  }
}

export const metaMessages: MessageTable = {
  ObjectMeta: {
    fields: [
      { number: 1, name: 'name', type: 'string' },
      { number: 2, name: 'generateName', type: 'string' },
      { number: 3, name: 'namespace', type: 'string' },
      { number: 4, name: 'selfLink', type: 'string' },
      { number: 5, name: 'uid', type: 'string' },
      { number: 6, name: 'resourceVersion', type: 'string' },
      { number: 7, name: 'generation', type: 'int64' },
      { number: 8, name: 'creationTimestamp', type: 'message:Time' },
      { number: 9, name: 'deletionTimestamp', type: 'message:Time' },
      { number: 10, name: 'deletionGracePeriodSeconds', type: 'int64', pointer: true },
      { number: 11, name: 'labels', type: 'map<string,string>' },
      { number: 12, name: 'annotations', type: 'map<string,string>' },
      { number: 13, name: 'ownerReferences', type: 'message:OwnerReference', repeated: true },
      { number: 14, name: 'finalizers', type: 'string', repeated: true },
      { number: 17, name: 'managedFields', type: 'message:ManagedFieldsEntry', repeated: true },
    ],
  },
  OwnerReference: {
    fields: [
      { number: 5, name: 'apiVersion', type: 'string' },
      { number: 1, name: 'kind', type: 'string' },
      { number: 3, name: 'name', type: 'string' },
      { number: 4, name: 'uid', type: 'string' },
      { number: 6, name: 'controller', type: 'bool', pointer: true },
      { number: 7, name: 'blockOwnerDeletion', type: 'bool', pointer: true },
    ],
  },
  ManagedFieldsEntry: {
    fields: [
      { number: 1, name: 'manager', type: 'string' },
      { number: 2, name: 'operation', type: 'string' },
      { number: 3, name: 'apiVersion', type: 'string' },
      { number: 4, name: 'time', type: 'message:Time' },
      { number: 6, name: 'fieldsType', type: 'string' },
      { number: 7, name: 'fieldsV1', type: 'message:FieldsV1' },
      { number: 8, name: 'subresource', type: 'string' },
    ],
  },
  FieldsV1: {
    fields: [{ number: 1, name: 'Raw', type: 'bytes' }],
    toJson: fieldsV1ToJson,
  },
  LabelSelector: {
    fields: [
      { number: 1, name: 'matchLabels', type: 'map<string,string>' },
      { number: 2, name: 'matchExpressions', type: 'message:LabelSelectorRequirement', repeated: true },
    ],
  },
  LabelSelectorRequirement: {
    fields: [
      { number: 1, name: 'key', type: 'string' },
      { number: 2, name: 'operator', type: 'string' },
      { number: 3, name: 'values', type: 'string', repeated: true },
    ],
  },
  Time: {
    fields: [
      { number: 1, name: 'seconds', type: 'int64' },
      { number: 2, name: 'nanos', type: 'int32' },
    ],
    toJson: timeToJson,
  },
  IntOrString: {
    fields: [
      { number: 1, name: 'type', type: 'int64' },
      { number: 2, name: 'intVal', type: 'int32' },
      { number: 3, name: 'strVal', type: 'string' },
    ],
    toJson: intOrStringToJson,
  },
  Quantity: {
    fields: [{ number: 1, name: 'string', type: 'string' }],
    toJson: quantityToJson,
  },
};
