// Field selector strings as in `?fieldSelector=`: `a=b,c!=d` with `\,` `\=` `\\` escapes.
// Terms form an unordered set: kubectl sends them in map order, different from run to run.
// https://kubernetes.io/docs/concepts/overview/working-with-objects/field-selectors/
import { errors } from './status.ts';

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

function splitUnescaped(text: string, separator: string): string[] {
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '\\' && i + 1 < text.length) {
      current += c + (text[i + 1] as string);
      i++;
    } else if (c === separator) {
      out.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  out.push(current);
  return out;
}

function unescape(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}

export function parseFieldSelector(text: string | null): FieldRequirement[] {
  if (text === null || text.trim() === '') return [];
  return splitUnescaped(text, ',')
    .filter((t) => t.trim() !== '')
    .map((term) => {
      const m = /^([^=!]+?)\s*(==|=|!=)(.*)$/s.exec(term.trim());
      if (m === null) throw errors.badRequest(`invalid selector: '${term}'; can't understand '${term}'`);
      return { field: (m[1] as string).trim(), op: m[2] === '!=' ? '!=' : '=', value: unescape(m[3] as string) };
    });
}

/** `fields` maps each selectable field to its value on one object. */
export function matchesFields(selector: FieldRequirement[], fields: (field: string) => string | undefined): boolean {
  for (const r of selector) {
    const value = fields(r.field) ?? '';
    if (r.op === '=' ? value !== r.value : value === r.value) return false;
  }
  return true;
}
