// Server-side field validation (`?fieldValidation=Strict|Warn|Ignore`, Warn by default):
// unknown fields are an error under Strict and a Warning header under Warn; a value of the wrong
// JSON type fails to decode whatever the mode, as Go's decoder does in kube-apiserver.
// https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation
import type { KubeObject } from '../api/object.ts';
import {
  decodeErrorMessage,
  isCustomKind,
  schemaResolver,
  strictDecodingMessage,
  typeMismatches,
  typeMismatchFieldError,
  typeMismatchMessage,
  unknownFields,
  unknownFieldText,
} from '../api/openapi/index.ts';
import type { RequestContext } from './context.ts';
import { errors } from './status.ts';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export function fieldValidationOf(ctx: RequestContext): FieldValidation {
  const value = ctx.url.searchParams.get('fieldValidation') ?? 'Warn';
  if (value === 'Strict' || value === 'Warn' || value === 'Ignore') return value;
  throw errors.badRequest(`fieldValidation: Unsupported value: ${JSON.stringify(value)}: supported values: "Ignore", "Strict", "Warn"`);
}

/** Returns the warning texts to send; throws 400 (or 422 for custom kinds) when the body cannot be accepted. */
export function checkFields(ctx: RequestContext, object: KubeObject): string[] {
  const { kind } = ctx;
  const mismatches = typeMismatches(object, kind.schema, schemaResolver);
  if (mismatches.length > 0) {
    if (isCustomKind(kind)) {
      throw errors.invalid(kind.group, kind.kind, object.metadata.name ?? '', mismatches.map(typeMismatchFieldError));
    }
    throw errors.badRequest(decodeErrorMessage(kind.kind, kind.version, kind.kind, typeMismatchMessage(mismatches[0] as (typeof mismatches)[number])));
  }
  const mode = fieldValidationOf(ctx);
  if (mode === 'Ignore') return [];
  const unknown = unknownFields(object, kind.schema, schemaResolver);
  if (unknown.length === 0) return [];
  if (mode === 'Strict') throw errors.badRequest(decodeErrorMessage(kind.kind, kind.version, kind.kind, strictDecodingMessage(unknown)));
  return unknown.map(unknownFieldText);
}
