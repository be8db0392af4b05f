// Field errors keyed by form field: from the shared validation (src/api) before sending, and from
// a 422's causes after, mapped by the same field paths the server uses.
import type { FieldError } from '../../api/kind.ts';

export type FormErrors = Record<string, string>;

/** The form-level key, for errors no field owns. */
export const GENERAL = '_general';

export interface PathRule {
  /** A field path or a prefix ending in `.` or `[`. */
  path: string;
  field: string;
}

/** Maps each error to the first rule whose path matches; unmatched ones go to GENERAL. */
export function mapFieldErrors(errors: readonly { field?: string; message: string }[], rules: readonly PathRule[]): FormErrors {
  const out: FormErrors = {};
  for (const e of errors) {
    const path = e.field ?? '';
    const rule = rules.find((r) => path === r.path || ((r.path.endsWith('.') || r.path.endsWith('[')) && path.startsWith(r.path)));
    const key = rule?.field ?? GENERAL;
    const text = path !== '' && rule === undefined ? `${path}: ${e.message}` : e.message;
    out[key] = out[key] === undefined ? text : `${out[key]}; ${text}`;
  }
  return out;
}

export function fromFieldErrors(errors: readonly FieldError[], rules: readonly PathRule[]): FormErrors {
  return mapFieldErrors(errors, rules);
}

export function hasErrors(errors: FormErrors): boolean {
  return Object.keys(errors).length > 0;
}
