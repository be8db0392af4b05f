// The Kubernetes protobuf envelope: the magic bytes `k8s\0`, then a runtime.Unknown
// {1: typeMeta {1: apiVersion, 2: kind}, 2: raw, 3: contentEncoding, 4: contentType} whose raw bytes
// are the typed message. Field numbers from staging/src/k8s.io/apimachinery/pkg/runtime/generated.proto;
// framing from staging/src/k8s.io/apimachinery/pkg/runtime/serializer/protobuf/protobuf.go.
import { ProtobufError, ProtobufErrorCode } from './errors.ts';
import { ProtobufReader, WireType } from './wire.ts';
import type { Tag, Window } from './wire.ts';

export const KUBERNETES_PROTOBUF_MAGIC: Readonly<Uint8Array> = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);
export const KUBERNETES_PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';

export interface Envelope {
  apiVersion: string;
  kind: string;
  /** Where the typed message lies in the body (empty when the envelope has no raw field). */
  raw: Window;
}

export function readEnvelope(body: Uint8Array): Envelope {
  if (body.length < KUBERNETES_PROTOBUF_MAGIC.length || !KUBERNETES_PROTOBUF_MAGIC.every((b, i) => body[i] === b)) {
    throw new ProtobufError(ProtobufErrorCode.MissingMagic, 'body does not start with the Kubernetes protobuf magic "k8s\\0"');
  }
  const reader = new ProtobufReader(body, KUBERNETES_PROTOBUF_MAGIC.length);
  let apiVersion = '';
  let kind = '';
  let raw: Window = { start: body.length, end: body.length };
  let contentEncoding = '';
  let contentType = '';
  while (!reader.done) {
    const tag = reader.readTag();
    switch (tag.fieldNumber) {
      case 1: {
        expectLengthDelimited(tag, 'typeMeta');
        const window = reader.readLengthDelimited();
        const typeMeta = new ProtobufReader(body, window.start, window.end);
        while (!typeMeta.done) {
          const inner = typeMeta.readTag();
          if (inner.fieldNumber === 1) {
            expectLengthDelimited(inner, 'typeMeta.apiVersion');
            apiVersion = typeMeta.readString();
          } else if (inner.fieldNumber === 2) {
            expectLengthDelimited(inner, 'typeMeta.kind');
            kind = typeMeta.readString();
          } else {
            typeMeta.skip(inner.wireType);
          }
        }
        break;
      }
      case 2:
        expectLengthDelimited(tag, 'raw');
        raw = reader.readLengthDelimited();
        break;
      case 3:
        expectLengthDelimited(tag, 'contentEncoding');
        contentEncoding = reader.readString();
        break;
      case 4:
        expectLengthDelimited(tag, 'contentType');
        contentType = reader.readString();
        break;
      default:
        reader.skip(tag.wireType);
    }
  }
  if (apiVersion === '' || kind === '') {
    throw new ProtobufError(ProtobufErrorCode.InvalidEnvelope, 'protobuf envelope does not name the apiVersion and kind of its object');
  }
  if (contentEncoding !== '') {
    throw new ProtobufError(ProtobufErrorCode.InvalidEnvelope, `protobuf envelope content encoding "${contentEncoding}" is not supported`);
  }
  if (contentType !== '' && contentType !== KUBERNETES_PROTOBUF_CONTENT_TYPE) {
    throw new ProtobufError(ProtobufErrorCode.InvalidEnvelope, `protobuf envelope content type "${contentType}" is not supported`);
  }
  return { apiVersion, kind, raw };
}

function expectLengthDelimited(tag: Tag, name: string): void {
  if (tag.wireType !== WireType.LengthDelimited) {
    throw new ProtobufError(
      ProtobufErrorCode.WireTypeMismatch,
      `envelope ${name} (field ${tag.fieldNumber}) at byte ${tag.offset} has wire type ${tag.wireType}, expected ${WireType.LengthDelimited}`,
    );
  }
}
