// Label selector strings as in `?labelSelector=`: `a=b,c!=d,e in (x,y),f notin (z),g,!h`.
// Grammar: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors
import { errors } from './status.ts';

export type Requirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | '!' };

export type LabelSelector = Requirement[];

// Splits at commas outside parentheses.
function terms(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out.map((t) => t.trim()).filter((t) => t !== '');
}

const SET = /^([^\s!=()]+)\s+(in|notin)\s*\(([^)]*)\)$/;
const EQUALITY = /^([^\s!=()]+)\s*(==|=|!=)\s*([^\s!=(),]*)$/;

export function parseLabelSelector(text: string | null): LabelSelector {
  if (text === null || text.trim() === '') return [];
  return terms(text).map((term): Requirement => {
    let m = SET.exec(term);
    if (m !== null) {
      const values = (m[3] as string).split(',').map((v) => v.trim()).filter((v) => v !== '');
      return { key: m[1] as string, op: m[2] as 'in' | 'notin', values };
    }
    m = EQUALITY.exec(term);
    if (m !== null) return { key: m[1] as string, op: m[2] === '!=' ? 'notin' : 'in', values: [m[3] as string] };
    if (/^![^\s!=()]+$/.test(term)) return { key: term.slice(1), op: '!' };
    if (/^[^\s!=()]+$/.test(term)) return { key: term, op: 'exists' };
    throw errors.badRequest(`unable to parse requirement: ${JSON.stringify(term)}: found unexpected token in label selector`);
  });
}

export function matchesLabels(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  for (const r of selector) {
    const value = labels?.[r.key];
    switch (r.op) {
      case 'in':
        if (value === undefined || !r.values.includes(value)) return false;
        break;
      case 'notin':
        if (value !== undefined && r.values.includes(value)) return false;
        break;
      case 'exists':
        if (value === undefined) return false;
        break;
      case '!':
        if (value !== undefined) return false;
        break;
    }
  }
  return true;
}
