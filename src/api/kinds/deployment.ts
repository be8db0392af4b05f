// apps/v1 Deployment.
// Defaults: https://github.com/kubernetes/kubernetes/blob/master/pkg/apis/apps/v1/defaults.go
import type { FieldError, KindDefinition } from '../kind.ts';
import type { JsonObject, KubeObject } from '../object.ts';
import { forbidden, goLiteral, invalid, notSupported, required } from '../validation/field-errors.ts';
import { isValidPercent } from '../validation/formats.ts';
import { asLabelSelector, formatSelector } from '../validation/label-selector.ts';
import { AGE_COLUMN, NAME_COLUMN, SCALE_SUBRESOURCE, STANDARD_VERBS, STATUS_SUBRESOURCE, ageOf, column, nameOf } from './common.ts';
import { asNumber, asObject, asString, ensureObject, numberAt, setDefault, setDefaultString } from './json-access.ts';
import { defaultPodTemplate } from './pod-spec-defaults.ts';
import {
  CONTAINER_COLUMNS,
  READY_COLUMN,
  containerCells,
  readyCell,
  validateNonNegative,
  validateSelectorAndTemplate,
  validateWithFixedSelector,
} from './workload.ts';

function defaultDeployment(object: KubeObject): void {
  const spec = ensureObject(object, 'spec');
  setDefault(spec, 'replicas', 1);
  const strategy = ensureObject(spec, 'strategy');
  setDefaultString(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const rolling = ensureObject(strategy, 'rollingUpdate');
    setDefault(rolling, 'maxUnavailable', '25%');
    setDefault(rolling, 'maxSurge', '25%');
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  setDefault(spec, 'progressDeadlineSeconds', 600);
  defaultPodTemplate(ensureObject(spec, 'template'));
}

function validateDeploymentSpec(spec: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateNonNegative(spec.replicas, 'spec.replicas'));
  errs.push(...validateSelectorAndTemplate(spec, 'deployment'));
  errs.push(...validateStrategy(asObject(spec.strategy)));
  errs.push(...validateNonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...validateNonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  const deadline = asNumber(spec.progressDeadlineSeconds);
  if (deadline !== undefined) {
    errs.push(...validateNonNegative(deadline, 'spec.progressDeadlineSeconds'));
    if (deadline <= (asNumber(spec.minReadySeconds) ?? 0)) {
      errs.push(invalid('spec.progressDeadlineSeconds', deadline, 'must be greater than minReadySeconds'));
    }
  }
  return errs;
}

function validateStrategy(strategy: JsonObject | undefined): FieldError[] {
  const type = asString(strategy?.type) ?? '';
  const rolling = asObject(strategy?.rollingUpdate);
  if (type === 'Recreate') {
    return rolling === undefined ? [] : [forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'")];
  }
  if (type !== 'RollingUpdate') return [notSupported('spec.strategy.type', type, ['Recreate', 'RollingUpdate'])];
  if (rolling === undefined) return [required('spec.strategy.rollingUpdate', 'this should be defaulted and never be nil')];
  const errs: FieldError[] = [];
  const path = 'spec.strategy.rollingUpdate';
  const unavailable = intOrPercent(rolling.maxUnavailable, `${path}.maxUnavailable`, errs);
  const surge = intOrPercent(rolling.maxSurge, `${path}.maxSurge`, errs);
  if (unavailable === 0 && surge === 0) {
    errs.push(invalid(`${path}.maxUnavailable`, shown(rolling.maxUnavailable), 'may not be 0 when `maxSurge` is 0'));
  }
  if (typeof rolling.maxUnavailable === 'string' && (unavailable ?? 0) > 100) {
    errs.push(invalid(`${path}.maxUnavailable`, shown(rolling.maxUnavailable), 'must not be greater than 100%'));
  }
  return errs;
}

/** IntOrString prints through its String() method: bare, even when a string. */
function shown(value: unknown): ReturnType<typeof goLiteral> {
  return goLiteral(String(value));
}

/** The number (of a percent, the percent itself); validation errors are appended. */
function intOrPercent(value: unknown, field: string, errs: FieldError[]): number | undefined {
  if (typeof value === 'number') {
    if (value < 0) errs.push(invalid(field, shown(value), 'must be greater than or equal to 0'));
    return value;
  }
  if (typeof value === 'string') {
    const problems = isValidPercent(value);
    for (const msg of problems) errs.push(invalid(field, shown(value), msg));
    return problems.length === 0 ? Number(value.slice(0, -1)) : undefined;
  }
  if (value !== undefined && value !== null) errs.push(invalid(field, shown(JSON.stringify(value)), "must be an integer or percentage (e.g '5%')"));
  return undefined;
}

export const deploymentKind: KindDefinition = {
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  listKind: 'DeploymentList',
  resource: 'deployments',
  singular: 'deployment',
  namespaced: true,
  shortNames: ['deploy'],
  categories: ['all'],
  verbs: STANDARD_VERBS,
  subresources: [STATUS_SUBRESOURCE, SCALE_SUBRESOURCE],
  schema: 'io.k8s.api.apps.v1.Deployment',
  hasStatus: true,
  defaults: defaultDeployment,
  validate(object, old) {
    return validateWithFixedSelector(object, old, validateDeploymentSpec);
  },
  table: {
    columns: [
      NAME_COLUMN,
      READY_COLUMN,
      column('Up-to-date', 'string', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
      column('Available', 'string', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'),
      AGE_COLUMN,
      ...CONTAINER_COLUMNS,
      column('Selector', 'string', 'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.', 1),
    ],
    cells(object, now) {
      const selector = formatSelector(asLabelSelector(asObject(object.spec)?.selector));
      return [
        nameOf(object),
        readyCell(object),
        numberAt(object, 'status', 'updatedReplicas'),
        numberAt(object, 'status', 'availableReplicas'),
        ageOf(object, now),
        ...containerCells(object),
        selector,
      ];
    },
  },
  fieldSelectors: {},
};
