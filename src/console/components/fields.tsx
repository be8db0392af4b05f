// Labelled form controls: each input has a visible label, its hint and its error tied to it with
// aria-describedby, and aria-invalid when the error shows.
import type { ReactNode } from 'react';

interface FieldFrameProps {
  id: string;
  label: string;
  error?: string | undefined;
  hint?: ReactNode;
  children: ReactNode;
}

export function describedBy(id: string, error?: string, hint?: ReactNode): string | undefined {
  const ids = [hint !== undefined ? `${id}-hint` : '', error !== undefined ? `${id}-error` : ''].filter((s) => s !== '');
  return ids.length > 0 ? ids.join(' ') : undefined;
}

export function FieldFrame({ id, label, error, hint, children }: FieldFrameProps) {
  return (
    <div className={`field${error !== undefined ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      {hint !== undefined && (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error !== undefined && (
        <p className="field-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

interface TextFieldProps {
  id: string;
  label: string;
  value: string;
  onChange(value: string): void;
  error?: string | undefined;
  hint?: ReactNode;
  type?: 'text' | 'password' | 'number' | 'email';
  required?: boolean;
  placeholder?: string;
  autoComplete?: string;
  autoFocus?: boolean;
  inputMode?: 'text' | 'numeric' | 'decimal';
  multiline?: boolean;
  spellCheck?: boolean;
}

export function TextField(p: TextFieldProps) {
  const common = {
    id: p.id,
    name: p.id,
    value: p.value,
    required: p.required,
    placeholder: p.placeholder,
    'aria-invalid': p.error !== undefined,
    'aria-describedby': describedBy(p.id, p.error, p.hint),
    autoFocus: p.autoFocus,
    spellCheck: p.spellCheck ?? false,
  };
  return (
    <FieldFrame id={p.id} label={p.label} error={p.error} hint={p.hint}>
      {p.multiline === true ? (
        <textarea {...common} rows={3} onChange={(e) => p.onChange(e.target.value)} />
      ) : (
        <input {...common} type={p.type ?? 'text'} autoComplete={p.autoComplete ?? 'off'} inputMode={p.inputMode} onChange={(e) => p.onChange(e.target.value)} />
      )}
    </FieldFrame>
  );
}

interface SelectFieldProps<T extends string> {
  id: string;
  label: string;
  value: T;
  options: readonly { value: T; label: string }[];
  onChange(value: T): void;
  error?: string | undefined;
  hint?: ReactNode;
}

export function SelectField<T extends string>(p: SelectFieldProps<T>) {
  return (
    <FieldFrame id={p.id} label={p.label} error={p.error} hint={p.hint}>
      <select id={p.id} name={p.id} value={p.value} aria-invalid={p.error !== undefined} aria-describedby={describedBy(p.id, p.error, p.hint)} onChange={(e) => p.onChange(e.target.value as T)}>
        {p.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

export function FormError({ message }: { message: string | undefined }) {
  if (message === undefined) return null;
  return (
    <p className="form-error" role="alert">
      {message}
    </p>
  );
}
