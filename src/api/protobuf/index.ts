export { decodeKubernetesProtobuf, supportedProtobufKinds } from './decode.ts';
export { KUBERNETES_PROTOBUF_CONTENT_TYPE, KUBERNETES_PROTOBUF_MAGIC } from './envelope.ts';
export { ProtobufError, ProtobufErrorCode, isProtobufError } from './errors.ts';
export { ProtobufReader, WireType } from './wire.ts';
export type { Tag, Window } from './wire.ts';
