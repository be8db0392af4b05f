// Label selector strings as in `?labelSelector=`: `a=b,c!=d,e in (x,y),f notin (z),g,!h`.
// Grammar: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors
import type { LabelSelector, LabelSelectorRequirement } from '../api/validation/label-selector.ts';
import { errors } from './status.ts';

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

/** The string form parsed into metav1.LabelSelector's, so one matcher (api's selectorMatches) serves both. */
export function parseLabelSelector(text: string | null): LabelSelector {
  if (text === null || text.trim() === '') return {};
  const matchExpressions = terms(text).map((term): LabelSelectorRequirement => {
    let m = SET.exec(term);
    if (m !== null) {
      const values = (m[3] as string).split(',').map((v) => v.trim()).filter((v) => v !== '');
      return { key: m[1] as string, operator: m[2] === 'in' ? 'In' : 'NotIn', values };
    }
    m = EQUALITY.exec(term);
    if (m !== null) return { key: m[1] as string, operator: m[2] === '!=' ? 'NotIn' : 'In', values: [m[3] as string] };
    if (/^![^\s!=()]+$/.test(term)) return { key: term.slice(1), operator: 'DoesNotExist' };
    if (/^[^\s!=()]+$/.test(term)) return { key: term, operator: 'Exists' };
    throw errors.badRequest(`unable to parse requirement: ${JSON.stringify(term)}: found unexpected token in label selector`);
  });
  return { matchExpressions };
}
