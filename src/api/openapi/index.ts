// OpenAPI for the served kinds: the schemas (and the resolver validation, strategic merge patch
// and server-side apply walk them with), field validation with Kubernetes' messages, and the
// documents served at /openapi/v3 and /openapi/v2.
export { componentForKind, referencedComponents, refName, refOf, schemaFor, schemaResolver, schemas } from './schemas.ts';
export { typeMismatches, unknownFields } from './field-validation.ts';
export type { TypeMismatch, UnknownFieldOptions } from './field-validation.ts';
export {
  decodeErrorMessage,
  fieldNotDeclaredMessage,
  strictDecodingMessage,
  typeMismatchFieldError,
  typeMismatchMessage,
  unknownFieldText,
  unknownFieldWarnings,
  warningHeaderValue,
} from './messages.ts';
export { groupVersionPath, isCustomKind } from './paths.ts';
export {
  openApiV3GroupVersion,
  openApiV3GroupVersionDocument,
  openApiV3Root,
  openApiV3RootDocument,
} from './v3-documents.ts';
export type { SerializedDocument } from './v3-documents.ts';
export { OPENAPI_V2_PROTOBUF_CONTENT_TYPE, openApiV2Protobuf } from './v2-protobuf.ts';
export { IMAGE_CACHE, IMAGE_CACHE_LIST } from './hand-written-schemas.ts';
