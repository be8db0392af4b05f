// A create form's state: values, which fields the user touched, whether submit was tried, the
// server's field errors and the busy flag. A field's client-side error shows once it was touched
// or submit was tried; a server error shows until the next edit.
import { useState } from 'react';
import type { FormErrors } from '../forms/field-errors.ts';

export function useForm<V extends object>(
  initial: V | (() => V),
  validate: (values: V) => FormErrors,
  /** The touched-key a field's error follows (a group of fields may share one). */
  touchKey: (field: string) => string = (field) => field,
) {
  const [values, setValues] = useState<V>(initial);
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<FormErrors>({});
  const [busy, setBusy] = useState(false);
  const errors = validate(values);
  const show = (field: string): string | undefined => serverErrors[field] ?? (submitted || touched.has(touchKey(field)) ? errors[field] : undefined);
  const set = (patch: Partial<V>): void => {
    setValues((v) => ({ ...v, ...patch }));
    setServerErrors({});
    setTouched((t) => new Set([...t, ...Object.keys(patch)]));
  };
  return { values, errors, show, set, serverErrors, setServerErrors, submitted, setSubmitted, busy, setBusy };
}
