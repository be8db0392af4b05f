// Entry point: a `Content-Type: application/vnd.kubernetes.protobuf` request body to the JSON object
// kubectl would have sent as `application/json` (kubectl <= 1.31 sends exactly that JSON; 1.32+
// sends protobuf from `kubectl create secret|configmap|namespace|deployment` with no fallback).
import type { KubeObject, ObjectMeta } from '../object.ts';
import { isJsonObject } from '../object.ts';
import { readEnvelope } from './envelope.ts';
import { ProtobufError, ProtobufErrorCode } from './errors.ts';
import { MessageDecoder } from './message-decoder.ts';
import { messages, protobufKinds } from './messages/index.ts';

/** `<apiVersion> <kind>` pairs whose protobuf bodies can be decoded, e.g. `apps/v1 Deployment`. */
export function supportedProtobufKinds(): string[] {
  return Object.keys(protobufKinds);
}

/**
 * Decodes a Kubernetes protobuf body. apiVersion and kind come from the envelope. Zero values of
 * non-pointer fields are dropped (see message-decoder.ts), bytes become base64 strings, int64 values
 * become numbers, and times become RFC 3339 strings. Throws ProtobufError.
 */
export function decodeKubernetesProtobuf(body: Uint8Array): KubeObject {
  const { apiVersion, kind, raw } = readEnvelope(body);
  const key = `${apiVersion} ${kind}`;
  const typeName = Object.hasOwn(protobufKinds, key) ? protobufKinds[key] : undefined;
  if (typeName === undefined) {
    const supported = supportedProtobufKinds().join(', ');
    throw new ProtobufError(
      ProtobufErrorCode.UnsupportedKind,
      `protobuf request bodies are decoded only for ${supported}, not ${key}; send this object as application/json`,
    );
  }
  const decoded = new MessageDecoder(body, messages).decode(typeName, [raw], kind);
  const { metadata, ...rest } = isJsonObject(decoded) ? decoded : {};
  return { apiVersion, kind, metadata: (isJsonObject(metadata) ? metadata : {}) as ObjectMeta, ...rest };
}
