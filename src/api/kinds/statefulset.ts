// apps/v1 StatefulSet. serviceName is optional (Kubernetes 1.32 stopped requiring it).
// https://github.com/kubernetes/kubernetes/blob/master/pkg/apis/apps/validation/validation.go
import type { FieldError, KindDefinition } from '../kind.ts';
import type { JsonObject, KubeObject } from '../object.ts';
import { forbidden, notSupported, required } from '../validation/field-errors.ts';
import { semanticEqual } from '../validation/object-meta.ts';
import { AGE_COLUMN, NAME_COLUMN, SCALE_SUBRESOURCE, STANDARD_VERBS, STATUS_SUBRESOURCE, ageOf, nameOf, validateMeta } from './common.ts';
import { asObject, asString, ensureObject, setDefault, setDefaultString } from './json-access.ts';
import { defaultPodTemplate } from './pod-spec-defaults.ts';
import { CONTAINER_COLUMNS, READY_COLUMN, containerCells, readyCell, validateNonNegative, validateReplicatedSpec } from './workload.ts';

const MUTABLE_SPEC_FIELDS = ['replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];
const RETENTION_POLICIES = ['Retain', 'Delete'];

function defaultStatefulSet(object: KubeObject): void {
  const spec = ensureObject(object, 'spec');
  setDefaultString(spec, 'podManagementPolicy', 'OrderedReady');
  const strategy = ensureObject(spec, 'updateStrategy');
  if (!asString(strategy.type)) {
    strategy.type = 'RollingUpdate';
    ensureObject(strategy, 'rollingUpdate');
  }
  const rolling = asObject(strategy.rollingUpdate);
  if (strategy.type === 'RollingUpdate' && rolling !== undefined) setDefault(rolling, 'partition', 0);
  const retention = ensureObject(spec, 'persistentVolumeClaimRetentionPolicy');
  setDefaultString(retention, 'whenDeleted', 'Retain');
  setDefaultString(retention, 'whenScaled', 'Retain');
  setDefault(spec, 'replicas', 1);
  setDefault(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplate(ensureObject(spec, 'template'));
}

function validateStatefulSetSpec(spec: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  const policy = asString(spec.podManagementPolicy) ?? '';
  if (policy === '') errs.push(required('spec.podManagementPolicy'));
  else if (!['OrderedReady', 'Parallel'].includes(policy)) errs.push(notSupported('spec.podManagementPolicy', policy, ['OrderedReady', 'Parallel']));
  const strategy = asObject(spec.updateStrategy);
  const type = asString(strategy?.type) ?? '';
  if (type === '') errs.push(required('spec.updateStrategy'));
  else if (!['OnDelete', 'RollingUpdate'].includes(type)) errs.push(notSupported('spec.updateStrategy.type', type, ['OnDelete', 'RollingUpdate']));
  else if (type === 'OnDelete' && strategy?.rollingUpdate !== undefined) {
    errs.push(forbidden('spec.updateStrategy.rollingUpdate', 'only allowed for updateStrategy \'RollingUpdate\''));
  } else {
    errs.push(...validateNonNegative(asObject(strategy?.rollingUpdate)?.partition, 'spec.updateStrategy.rollingUpdate.partition'));
  }
  const retention = asObject(spec.persistentVolumeClaimRetentionPolicy);
  for (const key of ['whenDeleted', 'whenScaled']) {
    const value = asString(retention?.[key]) ?? '';
    if (!RETENTION_POLICIES.includes(value)) errs.push(notSupported(`spec.persistentVolumeClaimRetentionPolicy.${key}`, value, RETENTION_POLICIES));
  }
  errs.push(...validateReplicatedSpec(spec, 'statefulset'));
  return errs;
}

function validateStatefulSetUpdate(spec: JsonObject, oldSpec: JsonObject): FieldError[] {
  const rest = (s: JsonObject) => Object.fromEntries(Object.entries(s).filter(([k]) => !MUTABLE_SPEC_FIELDS.includes(k)));
  if (semanticEqual(rest(spec), rest(oldSpec))) return [];
  return [
    forbidden(
      'spec',
      "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ),
  ];
}

export const statefulSetKind: KindDefinition = {
  group: 'apps',
  version: 'v1',
  kind: 'StatefulSet',
  listKind: 'StatefulSetList',
  resource: 'statefulsets',
  singular: 'statefulset',
  namespaced: true,
  shortNames: ['sts'],
  categories: ['all'],
  verbs: STANDARD_VERBS,
  subresources: [STATUS_SUBRESOURCE, SCALE_SUBRESOURCE],
  schema: 'io.k8s.api.apps.v1.StatefulSet',
  hasStatus: true,
  defaults: defaultStatefulSet,
  validate(object, old) {
    const spec = asObject(object.spec) ?? {};
    const update = old === undefined ? [] : validateStatefulSetUpdate(spec, asObject(old.spec) ?? {});
    return [...validateMeta(object, old, { namespaced: true }), ...validateStatefulSetSpec(spec), ...update];
  },
  table: {
    columns: [
      NAME_COLUMN,
      READY_COLUMN,
      AGE_COLUMN,
      ...CONTAINER_COLUMNS,
    ],
    cells(object, now) {
      return [nameOf(object), readyCell(object), ageOf(object, now), ...containerCells(object)];
    },
  },
  fieldSelectors: {},
};
