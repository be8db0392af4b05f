// Field errors worded exactly as apimachinery's field.Error prints them, because kubectl shows
// `<field>: <message>` verbatim and users search for those strings.
// https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/apimachinery/pkg/util/validation/field/errors.go
import type { FieldError } from '../kind.ts';

export const FieldReason = {
  Required: 'FieldValueRequired',
  Invalid: 'FieldValueInvalid',
  NotSupported: 'FieldValueNotSupported',
  Duplicate: 'FieldValueDuplicate',
  Forbidden: 'FieldValueForbidden',
  TooLong: 'FieldValueTooLong',
  TooMany: 'FieldValueTooMany',
  NotFound: 'FieldValueNotFound',
  TypeInvalid: 'FieldValueTypeInvalid',
  Internal: 'InternalError',
} as const;

/**
 * A bad value Go would print with `%#v` or a `String()` method (a struct, a map): the caller
 * supplies the text, see goStringMap.
 */
export interface GoLiteral {
  readonly goLiteral: string;
}

export type BadValue = string | number | boolean | null | undefined | GoLiteral;

export function goLiteral(text: string): GoLiteral {
  return { goLiteral: text };
}

/** Go's strconv.Quote: what `%q` and `%#v` print for a string. */
export function goQuote(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ESCAPES[ch] !== undefined) out += ESCAPES[ch];
    else if (code < 0x20 || code === 0x7f) out += `\\x${hex(code, 2)}`;
    else if (PRINTABLE.test(ch)) out += ch;
    else if (code >= 0xd800 && code <= 0xdfff) out += '\\ufffd';
    else if (code < 0x10000) out += `\\u${hex(code, 4)}`;
    else out += `\\U${hex(code, 8)}`;
  }
  return `${out}"`;
}

const ESCAPES: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v' };
// unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

function hex(code: number, width: number): string {
  return code.toString(16).padStart(width, '0');
}

/** Go's `%#v` of a map[string]string: keys sorted, `map[string]string(nil)` when absent. */
export function goStringMap(map: Record<string, string> | undefined | null): GoLiteral {
  if (map === undefined || map === null) return goLiteral('map[string]string(nil)');
  const entries = Object.keys(map)
    .sort()
    .map((k) => `${goQuote(k)}:${goQuote(String(map[k]))}`);
  return goLiteral(`map[string]string{${entries.join(', ')}}`);
}

/** How field.Error prints a bad value: strings quoted, numbers and booleans bare, nil as `null`. */
export function formatBadValue(value: BadValue): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value.goLiteral;
}

function make(reason: string, field: string, body: string, detail: string): FieldError {
  return { reason, field, message: detail === '' ? body : `${body}: ${detail}` };
}

export function required(field: string, detail = ''): FieldError {
  return make(FieldReason.Required, field, 'Required value', detail);
}

export function invalid(field: string, value: BadValue, detail = ''): FieldError {
  return make(FieldReason.Invalid, field, `Invalid value: ${formatBadValue(value)}`, detail);
}

export function typeInvalid(field: string, value: BadValue, detail = ''): FieldError {
  return make(FieldReason.TypeInvalid, field, `Invalid value: ${formatBadValue(value)}`, detail);
}

export function notSupported(field: string, value: BadValue, valid: readonly string[]): FieldError {
  const detail = valid.length === 0 ? '' : `supported values: ${valid.map(goQuote).join(', ')}`;
  return make(FieldReason.NotSupported, field, `Unsupported value: ${formatBadValue(value)}`, detail);
}

export function duplicate(field: string, value: BadValue): FieldError {
  return make(FieldReason.Duplicate, field, `Duplicate value: ${formatBadValue(value)}`, '');
}

export function notFound(field: string, value: BadValue): FieldError {
  return make(FieldReason.NotFound, field, `Not found: ${formatBadValue(value)}`, '');
}

export function forbidden(field: string, detail: string): FieldError {
  return make(FieldReason.Forbidden, field, 'Forbidden', detail);
}

/** Go's field.TooLong: the value itself is never echoed. */
export function tooLong(field: string, maxLength: number): FieldError {
  return make(FieldReason.TooLong, field, 'Too long', `must have at most ${maxLength} ${maxLength === 1 ? 'byte' : 'bytes'}`);
}

export function tooMany(field: string, actual: number, max: number): FieldError {
  return make(FieldReason.TooMany, field, `Too many: ${actual}`, `must have at most ${max} items`);
}

export function internalError(field: string, detail: string): FieldError {
  return make(FieldReason.Internal, field, 'Internal error', detail);
}

/** field.Path's `Key`: `data[.dockerconfigjson]`, unquoted. */
export function keyPath(path: string, key: string): string {
  return `${path}[${key}]`;
}

export function indexPath(path: string, index: number): string {
  return `${path}[${index}]`;
}

/** Byte length as Go's len() counts it. */
export function byteLength(value: string): number {
  return new TextEncoder().encode(value).length;
}
