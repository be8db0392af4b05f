// metav1.LabelSelector: validation, matching, and the two ways Kubernetes prints one.
// https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/validation/validation.go
// https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/apimachinery/pkg/labels/selector.go
import type { FieldError } from '../kind.ts';
import type { GoLiteral } from './field-errors.ts';
import { forbidden, goLiteral, goQuote, goStringMap, indexPath, invalid, required } from './field-errors.ts';
import { isValidLabelValue, validateLabelName, validateLabels } from './labels.ts';

export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

const SET_OPERATORS = ['In', 'NotIn'];
const EXISTS_OPERATORS = ['Exists', 'DoesNotExist'];

export function asLabelSelector(value: unknown): LabelSelector | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return value as LabelSelector;
}

export function isEmptySelector(selector: LabelSelector): boolean {
  return Object.keys(selector.matchLabels ?? {}).length + (selector.matchExpressions ?? []).length === 0;
}

export function validateLabelSelector(selector: LabelSelector, path: string): FieldError[] {
  const errs = validateLabels(selector.matchLabels, `${path}.matchLabels`);
  (selector.matchExpressions ?? []).forEach((req, i) => {
    const p = indexPath(`${path}.matchExpressions`, i);
    const values = req.values ?? [];
    if (SET_OPERATORS.includes(req.operator)) {
      if (values.length === 0) errs.push(required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (EXISTS_OPERATORS.includes(req.operator)) {
      if (values.length > 0) errs.push(forbidden(`${p}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    } else {
      errs.push(invalid(`${p}.operator`, req.operator, 'not a valid selector operator'));
    }
    errs.push(...validateLabelName(req.key, `${p}.key`));
    for (const v of values) errs.push(...isValidLabelValue(v).map((msg) => invalid(`${p}.values`, v, msg)));
  });
  return errs;
}

/** An absent selector selects nothing; an empty one selects everything. */
export function selectorMatches(selector: LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  if (selector === undefined) return false;
  const have = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (have[k] !== v) return false;
  for (const req of selector.matchExpressions ?? []) {
    const present = Object.hasOwn(have, req.key);
    const value = have[req.key];
    const values = req.values ?? [];
    switch (req.operator) {
      case 'In':
        if (!present || !values.includes(value as string)) return false;
        break;
      case 'NotIn':
        if (present && values.includes(value as string)) return false;
        break;
      case 'Exists':
        if (!present) return false;
        break;
      case 'DoesNotExist':
        if (present) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** labels.Selector's String(): `app=foo,tier in (a,b)`, requirements sorted by key. */
export function formatSelector(selector: LabelSelector | undefined): string {
  if (selector === undefined) return '';
  const parts: { key: string; text: string }[] = [];
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) parts.push({ key: k, text: `${k}=${v}` });
  for (const req of selector.matchExpressions ?? []) {
    const values = [...(req.values ?? [])].sort().join(',');
    const text =
      req.operator === 'In'
        ? `${req.key} in (${values})`
        : req.operator === 'NotIn'
          ? `${req.key} notin (${values})`
          : req.operator === 'DoesNotExist'
            ? `!${req.key}`
            : req.key;
    parts.push({ key: req.key, text });
  }
  parts.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return parts.map((p) => p.text).join(',');
}

/** metav1.FormatLabelSelector: like formatSelector, `<none>` when it selects everything. */
export function formatLabelSelector(selector: LabelSelector | undefined): string {
  const text = formatSelector(selector);
  return text === '' ? '<none>' : text;
}

/** Go's `%#v` of a v1.LabelSelector, as in `spec.selector: Invalid value: v1.LabelSelector{...}`. */
export function goLabelSelector(selector: LabelSelector | undefined): GoLiteral {
  const s = selector ?? {};
  const labels = goStringMap(s.matchLabels).goLiteral;
  const reqs =
    s.matchExpressions === undefined
      ? '[]v1.LabelSelectorRequirement(nil)'
      : `[]v1.LabelSelectorRequirement{${s.matchExpressions
          .map(
            (r) =>
              `v1.LabelSelectorRequirement{Key:${goQuote(r.key)}, Operator:${goQuote(r.operator)}, Values:${
                r.values === undefined ? '[]string(nil)' : `[]string{${r.values.map(goQuote).join(', ')}}`
              }}`,
          )
          .join(', ')}}`;
  return goLiteral(`v1.LabelSelector{MatchLabels:${labels}, MatchExpressions:${reqs}}`);
}
