// What Deployments, ReplicaSets and StatefulSets share: selector and template validation, the
// Ready and Containers/Images columns.
// https://github.com/kubernetes/kubernetes/blob/master/pkg/apis/apps/validation/validation.go
import type { FieldError, TableColumn } from '../kind.ts';
import type { JsonObject, KubeObject } from '../object.ts';
import { forbidden, goLiteral, goStringMap, invalid, notSupported, required } from '../validation/field-errors.ts';
import { NEGATIVE_ERROR_MSG } from '../validation/formats.ts';
import { validateEipAnnotations } from '../validation/eip-annotations.ts';
import { validateBurstLabels } from '../bursting.ts';
import { validateImageReplacementAnnotation } from '../validation/image-replacement.ts';
import type { LabelSelector } from '../validation/label-selector.ts';
import { asLabelSelector, goLabelSelector, isEmptySelector, selectorMatches, validateLabelSelector } from '../validation/label-selector.ts';
import { validateImmutableField } from '../validation/object-meta.ts';
import { validateRegistryAnnotations } from '../validation/registry-annotations.ts';
import { column, validateMeta } from './common.ts';
import { asNumber, asObject, asString, getPath, numberAt, objects, stringMap } from './json-access.ts';
import { validatePodTemplateSpec } from './pod-spec-validation.ts';

/**
 * spec.selector and spec.template of a workload. `kindWord` completes "empty selector is invalid
 * for <kindWord>" (Kubernetes says "deployment" for ReplicaSets too).
 */
export function validateSelectorAndTemplate(spec: JsonObject, kindWord: string): FieldError[] {
  const errs: FieldError[] = [];
  const selector = asLabelSelector(spec.selector);
  if (selector === undefined) {
    errs.push(required('spec.selector'));
  } else {
    errs.push(...validateLabelSelector(selector, 'spec.selector'));
    if (isEmptySelector(selector)) errs.push(invalid('spec.selector', goLiteral(gogoSelector(selector)), `empty selector is invalid for ${kindWord}`));
  }
  const template = asObject(spec.template);
  if (template === undefined) {
    errs.push(required('spec.template'));
    return errs;
  }
  const labels = stringMap(getPath(template, 'metadata', 'labels'));
  // An absent selector matches nothing, so Kubernetes reports the mismatch too.
  if (selector === undefined || !isEmptySelector(selector)) {
    if (!selectorMatches(selector, labels)) {
      errs.push(invalid('spec.template.metadata.labels', goStringMap(labels), '`selector` does not match template `labels`'));
    }
  }
  errs.push(...validatePodTemplateSpec(template, 'spec.template'));
  // CCI's replacement rules (seed 002), ECI's registry annotations (seed 003) and CCE's EIP
  // annotations (seed 000) sit on the pod template; all three workload kinds pass here. Changing
  // them on a template is allowed: they apply to the pods created from it afterwards.
  const annotations = getPath(template, 'metadata', 'annotations');
  const annotationsPath = 'spec.template.metadata.annotations';
  errs.push(...validateImageReplacementAnnotation(annotations, annotationsPath));
  errs.push(...validateRegistryAnnotations(annotations, annotationsPath));
  errs.push(...validateEipAnnotations(annotations, annotationsPath));
  errs.push(...validateBurstLabels(labels, 'spec.template.metadata.labels'));
  const restartPolicy = asString(getPath(template, 'spec', 'restartPolicy')) ?? '';
  if (restartPolicy !== 'Always') errs.push(notSupported('spec.template.spec.restartPolicy', restartPolicy, ['Always']));
  if (getPath(template, 'spec', 'activeDeadlineSeconds') !== undefined) {
    errs.push(forbidden('spec.template.spec.activeDeadlineSeconds', `activeDeadlineSeconds in ${kindWord === 'statefulset' ? 'StatefulSet' : 'ReplicaSet'} is not Supported`));
  }
  return errs;
}

/** metav1.LabelSelector's generated String(), which field.Error uses for a *LabelSelector. */
function gogoSelector(s: LabelSelector): string {
  const labels = Object.keys(s.matchLabels ?? {})
    .sort()
    .map((k) => `${k}: ${s.matchLabels?.[k] ?? ''},`)
    .join('');
  return `&LabelSelector{MatchLabels:map[string]string{${labels}},MatchExpressions:[]LabelSelectorRequirement{},}`;
}

export function validateNonNegative(value: unknown, field: string): FieldError[] {
  const n = asNumber(value);
  return n !== undefined && n < 0 ? [invalid(field, n, NEGATIVE_ERROR_MSG)] : [];
}

/**
 * The tail of ValidateReplicaSetSpec and ValidateStatefulSetSpec: replica counts, then selector
 * and template. (Deployments check their strategy in between, so they call the parts.)
 */
export function validateReplicatedSpec(spec: JsonObject, kindWord: string): FieldError[] {
  return [
    ...validateNonNegative(spec.replicas, 'spec.replicas'),
    ...validateNonNegative(spec.minReadySeconds, 'spec.minReadySeconds'),
    ...validateSelectorAndTemplate(spec, kindWord),
  ];
}

/**
 * validate() of a kind whose only update rule beyond metadata is the fixed selector
 * (Deployments, ReplicaSets); StatefulSets fix more of their spec.
 */
export function validateWithFixedSelector(object: KubeObject, old: KubeObject | undefined, validateSpec: (spec: JsonObject) => FieldError[]): FieldError[] {
  const spec = asObject(object.spec) ?? {};
  const errs = [...validateMeta(object, old, { namespaced: true }), ...validateBurstLabels(object.metadata.labels, 'metadata.labels'), ...validateSpec(spec)];
  if (old !== undefined) errs.push(...validateSelectorUnchanged(spec, asObject(old.spec)));
  return errs;
}

/** apps/v1 selectors cannot change after creation. */
export function validateSelectorUnchanged(spec: JsonObject | undefined, oldSpec: JsonObject | undefined): FieldError[] {
  const next = asLabelSelector(spec?.selector);
  return validateImmutableField(next, asLabelSelector(oldSpec?.selector), 'spec.selector', goLabelSelector(next));
}

/** Deployments' and StatefulSets' Ready column: ready of desired replicas. */
export const READY_COLUMN = column('Ready', 'string', 'Number of the pod with ready state');

export function readyCell(object: KubeObject): string {
  return `${numberAt(object, 'status', 'readyReplicas')}/${numberAt(object, 'spec', 'replicas')}`;
}

/** The wide Containers and Images columns, filled by containerCells. */
export const CONTAINER_COLUMNS: TableColumn[] = [
  column('Containers', 'string', 'Names of each container in the template.', 1),
  column('Images', 'string', 'Images referenced by each container in the template.', 1),
];

/** The wide Containers and Images cells: names and images joined by commas. */
export function containerCells(object: KubeObject): [string, string] {
  const containers = objects(getPath(object, 'spec', 'template', 'spec', 'containers'));
  return [containers.map((c) => asString(c.name) ?? '').join(','), containers.map((c) => asString(c.image) ?? '').join(',')];
}
