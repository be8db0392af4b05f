// Pod tolerations: operators, effects and keys, with core/v1's messages.
// https://github.com/kubernetes/kubernetes/blob/master/pkg/apis/core/validation/validation.go (ValidateTolerations)
import type { FieldError } from '../kind.ts';
import { indexPath, invalid, notSupported } from '../validation/field-errors.ts';
import { isValidLabelValue, validateLabelName } from '../validation/labels.ts';
import { asString, objects } from './json-access.ts';

const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

export function validateTolerations(tolerations: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  objects(tolerations).forEach((t, i) => {
    const p = indexPath(path, i);
    const key = asString(t.key) ?? '';
    const operator = asString(t.operator) ?? '';
    const value = asString(t.value) ?? '';
    const effect = asString(t.effect) ?? '';
    if (key !== '') errs.push(...validateLabelName(key, `${p}.key`));
    if (key === '' && operator !== 'Exists') {
      errs.push(invalid(`${p}.operator`, operator, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && effect !== 'NoExecute') {
      errs.push(invalid(`${p}.effect`, effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    if (operator === '' || operator === 'Equal') {
      for (const msg of isValidLabelValue(value)) errs.push(invalid(`${p}.operator`, value, msg));
    } else if (operator === 'Exists') {
      if (value !== '') errs.push(invalid(`${p}.operator`, value, "value must be empty when `operator` is 'Exists'"));
    } else {
      errs.push(notSupported(`${p}.operator`, operator, ['Equal', 'Exists']));
    }
    if (effect !== '' && !EFFECTS.includes(effect)) errs.push(notSupported(`${p}.effect`, effect, EFFECTS));
  });
  return errs;
}
