// Kubernetes' wording for field-validation failures, kept in one place. Sources:
// - strict decoding: k8s.io/apimachinery/pkg/runtime/error.go (strictDecodingError) with
//   sigs.k8s.io/json's `unknown field "<path>"`, the path without its leading dot;
// - the decode wrapper: k8s.io/apiserver/pkg/endpoints/handlers/rest.go transformDecodeError,
//   `Deployment in version "v1" cannot be handled as a Deployment: <error>` (400 BadRequest);
// - `Warn`: one `Warning: 299 - "<text>"` header per unknown field, printed by kubectl as
//   `Warning: unknown field "spec.foo"`;
// - type errors: Go's encoding/json UnmarshalTypeError, `json: cannot unmarshal string into Go
//   struct field DeploymentSpec.spec.replicas of type int32`; for custom kinds the schema
//   validator's `spec.x in body must be of type integer: "string"` (422 Invalid);
// - server-side apply: structured-merge-diff, `.spec.foo: field not declared in schema`.
import type { FieldError } from '../kind.ts';
import type { TypeMismatch } from './field-validation.ts';

/** A path as the strict decoder prints it: `spec.template.spec.containers[0].foo`. */
function decoderPath(path: string): string {
  return path.startsWith('.') ? path.slice(1) : path;
}

/** `unknown field "spec.foo"`: one strict-decoding error, also the text of one `Warn` warning. */
export function unknownFieldText(path: string): string {
  return `unknown field ${JSON.stringify(decoderPath(path))}`;
}

/** `strict decoding error: unknown field "spec.foo", unknown field "spec.bar"`. */
export function strictDecodingMessage(paths: string[]): string {
  return 'strict decoding error: ' + paths.map(unknownFieldText).join(', ');
}

/**
 * The message of the 400 BadRequest a decode failure gets, with the kind and version the body
 * names and the kind the endpoint decodes into.
 */
export function decodeErrorMessage(bodyKind: string, bodyVersion: string, targetKind: string, error: string): string {
  return `${bodyKind} in version ${JSON.stringify(bodyVersion)} cannot be handled as a ${targetKind}: ${error}`;
}

/** The value of one `Warning` response header (RFC 7234 warn-code 299, no agent). */
export function warningHeaderValue(text: string): string {
  // Kubernetes quotes the text as an RFC 7230 quoted-string: backslash and double quote escaped.
  return `299 - "${text.replace(/[\\"]/g, (c) => '\\' + c)}"`;
}

/** The Warning header values for `fieldValidation=Warn`. */
export function unknownFieldWarnings(paths: string[]): string[] {
  return paths.map((p) => warningHeaderValue(unknownFieldText(p)));
}

function goValue(m: TypeMismatch): string {
  if (m.actual === 'boolean') return 'bool';
  if (m.actual === 'number' && m.expected === 'integer') return `number ${String(m.value)}`;
  return m.actual;
}

/** Go's `json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32`. */
export function typeMismatchMessage(m: TypeMismatch): string {
  if (m.goField === '') return `json: cannot unmarshal ${goValue(m)} into Go value of type ${m.goType}`;
  const field = m.goStruct === '' ? m.goField : `${m.goStruct}.${m.goField}`;
  return `json: cannot unmarshal ${goValue(m)} into Go struct field ${field} of type ${m.goType}`;
}

/** How a custom kind's schema validation reports a wrong type: a cause of a 422 Invalid. */
export function typeMismatchFieldError(m: TypeMismatch): FieldError {
  const field = decoderPath(m.path);
  const actual = JSON.stringify(m.actual);
  return {
    reason: 'FieldValueTypeInvalid',
    field,
    message: `Invalid value: ${actual}: ${field} in body must be of type ${m.expected}: ${actual}`,
  };
}

/** Server-side apply's `.spec.foo: field not declared in schema`. */
export function fieldNotDeclaredMessage(path: string): string {
  return `${path.startsWith('.') ? path : '.' + path}: field not declared in schema`;
}
