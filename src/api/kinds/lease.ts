// coordination.k8s.io/v1 Lease.
// https://github.com/kubernetes/kubernetes/blob/master/pkg/apis/coordination/validation/validation.go
import type { FieldError, KindDefinition } from '../kind.ts';
import type { KubeObject } from '../object.ts';
import { invalid } from '../validation/field-errors.ts';
import { AGE_COLUMN, NAME_COLUMN, STANDARD_VERBS, ageOf, column, nameOf, validateMeta } from './common.ts';
import { asNumber, asObject, stringAt } from './json-access.ts';

function validateLeaseSpec(lease: KubeObject): FieldError[] {
  const spec = asObject(lease.spec);
  const errs: FieldError[] = [];
  const duration = asNumber(spec?.leaseDurationSeconds);
  if (duration !== undefined && duration <= 0) errs.push(invalid('spec.leaseDurationSeconds', duration, 'must be greater than 0'));
  const transitions = asNumber(spec?.leaseTransitions);
  if (transitions !== undefined && transitions < 0) errs.push(invalid('spec.leaseTransitions', transitions, 'must be greater than or equal to 0'));
  return errs;
}

export const leaseKind: KindDefinition = {
  group: 'coordination.k8s.io',
  version: 'v1',
  kind: 'Lease',
  listKind: 'LeaseList',
  resource: 'leases',
  singular: 'lease',
  namespaced: true,
  shortNames: [],
  categories: [],
  verbs: STANDARD_VERBS,
  subresources: [],
  schema: 'io.k8s.api.coordination.v1.Lease',
  hasStatus: false,
  defaults() {},
  validate(object, old) {
    return [...validateMeta(object, old, { namespaced: true }), ...validateLeaseSpec(object)];
  },
  table: {
    columns: [
      NAME_COLUMN,
      column('Holder', 'string', 'holderIdentity contains the identity of the holder of a current lease.'),
      AGE_COLUMN,
    ],
    cells(object, now) {
      return [nameOf(object), stringAt(object, 'spec', 'holderIdentity'), ageOf(object, now)];
    },
  },
  fieldSelectors: {},
};
