// A pod's spec is fixed once created except for images, activeDeadlineSeconds, added tolerations
// and a negative grace period set to 1. Kubernetes checks this by copying the allowed changes onto
// the old spec and comparing what is left; so does this.
// https://github.com/kubernetes/kubernetes/blob/master/pkg/apis/core/validation/validation.go (ValidatePodUpdate)
import type { FieldError } from '../kind.ts';
import type { JsonObject } from '../object.ts';
import { forbidden, invalid } from '../validation/field-errors.ts';
import { semanticEqual } from '../validation/object-meta.ts';
import { asNumber, objects } from './json-access.ts';

export const POD_UPDATE_FORBIDDEN_MSG =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

export function validatePodSpecUpdate(newSpec: JsonObject | undefined, oldSpec: JsonObject | undefined): FieldError[] {
  const n = newSpec ?? {};
  const o = oldSpec ?? {};
  const errs: FieldError[] = [];

  const newDeadline = asNumber(n.activeDeadlineSeconds);
  const oldDeadline = asNumber(o.activeDeadlineSeconds);
  if (oldDeadline !== undefined) {
    if (newDeadline === undefined) {
      errs.push(invalid('spec.activeDeadlineSeconds', null, 'must not update from a positive integer to nil value'));
    } else if (newDeadline > oldDeadline) {
      errs.push(invalid('spec.activeDeadlineSeconds', newDeadline, 'must be less than or equal to previous value'));
    }
  }

  const tolerationErr = onlyAddedTolerations(n.tolerations, o.tolerations);
  if (tolerationErr !== undefined) errs.push(tolerationErr);

  const munged: JsonObject = structuredClone(n);
  copyImages(munged, o, 'containers');
  copyImages(munged, o, 'initContainers');
  munged.activeDeadlineSeconds = o.activeDeadlineSeconds;
  munged.tolerations = o.tolerations;
  const oldGrace = asNumber(o.terminationGracePeriodSeconds);
  if (oldGrace !== undefined && oldGrace < 0 && asNumber(n.terminationGracePeriodSeconds) === 1) {
    munged.terminationGracePeriodSeconds = oldGrace;
  }
  if (!semanticEqual(munged, o)) errs.push(forbidden('spec', POD_UPDATE_FORBIDDEN_MSG));
  return errs;
}

function copyImages(munged: JsonObject, old: JsonObject, key: string): void {
  const mungedList = objects(munged[key]);
  const oldList = objects(old[key]);
  if (mungedList.length !== oldList.length) return;
  mungedList.forEach((c, i) => {
    c.image = oldList[i]?.image;
  });
}

/** Every old toleration must still be there, changed at most in tolerationSeconds. */
function onlyAddedTolerations(newList: unknown, oldList: unknown): FieldError | undefined {
  const next = objects(newList);
  for (const old of objects(oldList)) {
    const found = next.some((t) => semanticEqual({ ...old, tolerationSeconds: t.tolerationSeconds }, t));
    if (!found) return forbidden('spec.tolerations', 'existing toleration can not be modified except its tolerationSeconds');
  }
  return undefined;
}

