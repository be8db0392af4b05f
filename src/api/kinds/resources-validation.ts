// Container resource requirements: quantities parse, are not negative, and requests <= limits.
// https://github.com/kubernetes/kubernetes/blob/master/pkg/apis/core/validation/validation.go (ValidateResourceRequirements)
import type { FieldError } from '../kind.ts';
import type { JsonObject } from '../object.ts';
import { invalid, keyPath } from '../validation/field-errors.ts';
import { NEGATIVE_ERROR_MSG } from '../validation/formats.ts';
import { parseQuantity, QUANTITY_FORMAT_ERROR } from '../validation/quantity.ts';
import { asObject } from './json-access.ts';

export function validateResources(resources: JsonObject | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const limits = readList(asObject(resources?.limits), `${path}.limits`, errs);
  const requests = readList(asObject(resources?.requests), `${path}.requests`, errs);
  for (const [name, req] of requests) {
    const limit = limits.get(name);
    if (limit === undefined) continue;
    if (req.value > limit.value) {
      errs.push(invalid(`${path}.requests`, req.text, `must be less than or equal to ${name} limit of ${limit.text}`));
    }
  }
  return errs;
}

interface Amount {
  text: string;
  value: bigint;
}

function readList(list: JsonObject | undefined, path: string, errs: FieldError[]): Map<string, Amount> {
  const out = new Map<string, Amount>();
  for (const [name, raw] of Object.entries(list ?? {})) {
    const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw : JSON.stringify(raw);
    const value = parseQuantity(raw);
    const p = keyPath(path, name);
    if (value === undefined) {
      errs.push(invalid(p, text, QUANTITY_FORMAT_ERROR));
      continue;
    }
    if (value < 0n) errs.push(invalid(p, text, NEGATIVE_ERROR_MSG));
    out.set(name, { text, value });
  }
  return out;
}
