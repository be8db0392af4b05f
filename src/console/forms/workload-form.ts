// The Create Workload form's logic: the Deployment or StatefulSet it stands for, and its errors,
// found by the server's own defaulting and validation (src/api) and keyed by form field.
import { deploymentKind } from '../../api/kinds/deployment.ts';
import { statefulSetKind } from '../../api/kinds/statefulset.ts';
import type { KubeObject as ApiObject } from '../../api/object.ts';
import { isDNS1123Label } from '../../api/validation/names.ts';
import type { KubeObject } from '../api/client.ts';
import type { WorkloadKind } from '../api/paths.ts';
import { ANNOTATION_FIELDS, emptyHelpers, helperAnnotations, helperLabels } from './annotations.ts';
import type { AnnotationHelpers } from './annotations.ts';
import { mapFieldErrors } from './field-errors.ts';
import type { FormErrors, PathRule } from './field-errors.ts';
import type { KeyValue } from './secret-form.ts';
import { nameProblem } from './secret-form.ts';

export const PULL_POLICIES = ['', 'Always', 'IfNotPresent', 'Never'] as const;
export type PullPolicy = (typeof PULL_POLICIES)[number];

export interface WorkloadFormValues {
  kind: WorkloadKind;
  name: string;
  namespace: string;
  replicas: string;
  image: string;
  pullSecrets: string[];
  imagePullPolicy: PullPolicy;
  cpuRequest: string;
  memoryRequest: string;
  cpuLimit: string;
  memoryLimit: string;
  labels: KeyValue[];
  annotations: KeyValue[];
  helpers: AnnotationHelpers;
}

export function emptyWorkloadForm(namespace: string): WorkloadFormValues {
  return {
    kind: 'Deployment',
    name: '',
    namespace,
    replicas: '1',
    image: '',
    pullSecrets: [],
    imagePullPolicy: '',
    cpuRequest: '',
    memoryRequest: '',
    cpuLimit: '',
    memoryLimit: '',
    labels: [],
    annotations: [],
    helpers: emptyHelpers(),
  };
}

function pairs(list: KeyValue[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { key, value } of list) if (key.trim() !== '') out[key.trim()] = value;
  return out;
}

/** The container is named after the workload when that name is a valid container name. */
function containerName(name: string): string {
  return name !== '' && isDNS1123Label(name).length === 0 ? name : 'main';
}

export function buildWorkload(v: WorkloadFormValues): KubeObject {
  const userLabels = pairs(v.labels);
  // Pods need a label the selector can match: `app: <name>` unless the author gave labels.
  const selectorLabels = Object.keys(userLabels).length > 0 ? userLabels : { app: v.name };
  const podLabels = { ...selectorLabels, ...helperLabels(v.helpers) };
  const annotations = { ...pairs(v.annotations), ...helperAnnotations(v.helpers) };
  const resources: Record<string, Record<string, string>> = {};
  const put = (group: 'requests' | 'limits', key: string, value: string): void => {
    if (value.trim() === '') return;
    resources[group] = { ...resources[group], [key]: value.trim() };
  };
  put('requests', 'cpu', v.cpuRequest);
  put('requests', 'memory', v.memoryRequest);
  put('limits', 'cpu', v.cpuLimit);
  put('limits', 'memory', v.memoryLimit);
  const container: Record<string, unknown> = { name: containerName(v.name), image: v.image.trim() };
  if (v.imagePullPolicy !== '') container['imagePullPolicy'] = v.imagePullPolicy;
  if (Object.keys(resources).length > 0) container['resources'] = resources;
  const podSpec: Record<string, unknown> = { containers: [container] };
  if (v.pullSecrets.length > 0) podSpec['imagePullSecrets'] = v.pullSecrets.map((name) => ({ name }));
  const replicas = /^\d+$/.test(v.replicas.trim()) ? Number(v.replicas.trim()) : v.replicas;
  const template = {
    metadata: { labels: podLabels, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) },
    spec: podSpec,
  };
  return {
    apiVersion: 'apps/v1',
    kind: v.kind,
    metadata: { name: v.name, namespace: v.namespace, labels: selectorLabels },
    spec: { replicas, selector: { matchLabels: selectorLabels }, template },
  };
}

const TEMPLATE = 'spec.template.metadata';
const CONTAINER = 'spec.template.spec.containers[0]';
const RULES: PathRule[] = [
  { path: 'metadata.name', field: 'name' },
  { path: 'metadata.namespace', field: 'namespace' },
  { path: 'spec.replicas', field: 'replicas' },
  { path: `${CONTAINER}.image`, field: 'image' },
  { path: `${CONTAINER}.imagePullPolicy`, field: 'imagePullPolicy' },
  { path: `${CONTAINER}.resources.requests[cpu]`, field: 'cpuRequest' },
  { path: `${CONTAINER}.resources.requests[memory]`, field: 'memoryRequest' },
  { path: `${CONTAINER}.resources.limits[cpu]`, field: 'cpuLimit' },
  { path: `${CONTAINER}.resources.limits[memory]`, field: 'memoryLimit' },
  { path: `${CONTAINER}.resources.requests`, field: 'cpuRequest' },
  { path: 'spec.template.spec.imagePullSecrets', field: 'pullSecrets' },
  { path: 'spec.template.spec.imagePullSecrets[', field: 'pullSecrets' },
  ...Object.entries(ANNOTATION_FIELDS).map(([key, field]) => ({ path: `${TEMPLATE}.annotations[${key}]`, field })),
  { path: `${TEMPLATE}.labels[virtual-kubelet.io/burst-to-cci]`, field: 'helpers.burst' },
  { path: `${TEMPLATE}.annotations`, field: 'annotations' },
  { path: `${TEMPLATE}.annotations[`, field: 'annotations' },
  { path: `${TEMPLATE}.labels`, field: 'labels' },
  { path: `${TEMPLATE}.labels[`, field: 'labels' },
  { path: 'metadata.labels', field: 'labels' },
  { path: 'metadata.labels[', field: 'labels' },
  { path: 'spec.selector', field: 'labels' },
  { path: 'spec.selector.', field: 'labels' },
];

/** Annotation-helper errors sit on `helpers.<field>` keys. */
function helperKey(field: string): string {
  return Object.values(ANNOTATION_FIELDS).includes(field) ? `helpers.${field}` : field;
}

export function workloadErrorsFromCauses(causes: readonly { field?: string; message: string }[]): FormErrors {
  const out: FormErrors = {};
  for (const [k, v] of Object.entries(mapFieldErrors(causes, RULES))) out[helperKey(k)] = v;
  return out;
}

/** The form's errors: the server's defaulting and validation of the object it builds. */
export function validateWorkloadForm(v: WorkloadFormValues): FormErrors {
  const errors: FormErrors = {};
  const name = nameProblem(v.name);
  if (name !== undefined) errors['name'] = name;
  if (v.image.trim() === '') errors['image'] = 'Enter the image, e.g. registry.example.com:5000/team/app:v1.';
  if (!/^\d+$/.test(v.replicas.trim())) errors['replicas'] = 'Enter a whole number of replicas (0 or more).';
  const kind = v.kind === 'Deployment' ? deploymentKind : statefulSetKind;
  const object = structuredClone(buildWorkload(v)) as unknown as ApiObject;
  kind.defaults(object);
  for (const [k, msg] of Object.entries(workloadErrorsFromCauses(kind.validate(object)))) if (errors[k] === undefined) errors[k] = msg;
  return errors;
}
