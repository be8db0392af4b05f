// Rows of key and value inputs (labels, annotations, Opaque secret data), each row removable.
import type { KeyValue } from '../forms/secret-form.ts';

interface Props {
  id: string;
  legend: string;
  rows: KeyValue[];
  onChange(rows: KeyValue[]): void;
  error?: string | undefined;
  keyPlaceholder?: string;
  valuePlaceholder?: string;
  secretValues?: boolean;
}

export function KeyValueEditor({ id, legend, rows, onChange, error, keyPlaceholder, valuePlaceholder, secretValues }: Props) {
  const set = (i: number, patch: Partial<KeyValue>): void => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <fieldset className={`kv${error !== undefined ? ' field-invalid' : ''}`} aria-describedby={error !== undefined ? `${id}-error` : undefined}>
      <legend>{legend}</legend>
      {rows.map((row, i) => (
        <div className="kv-row" key={i}>
          <input aria-label={`${legend} ${i + 1} key`} placeholder={keyPlaceholder ?? 'key'} value={row.key} spellCheck={false} onChange={(e) => set(i, { key: e.target.value })} />
          <input
            aria-label={`${legend} ${i + 1} value`}
            placeholder={valuePlaceholder ?? 'value'}
            value={row.value}
            type={secretValues === true ? 'password' : 'text'}
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => set(i, { value: e.target.value })}
          />
          <button type="button" className="icon-button" aria-label={`Remove ${legend.toLowerCase()} ${i + 1}`} onClick={() => onChange(rows.filter((_, j) => j !== i))}>
            ×
          </button>
        </div>
      ))}
      <button type="button" className="link-button" onClick={() => onChange([...rows, { key: '', value: '' }])}>
        + Add
      </button>
      {error !== undefined && (
        <p className="field-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}
