// core/v1 Pod.
import type { KindDefinition } from '../kind.ts';
import type { JsonObject, KubeObject } from '../object.ts';
import { validateEipAnnotations } from '../validation/eip-annotations.ts';
import { validateBurstLabels } from '../bursting.ts';
import { validateImageReplacementAnnotation } from '../validation/image-replacement.ts';
import { validateRegistryAnnotations, validateRegistryAnnotationsUnchanged } from '../validation/registry-annotations.ts';
import { AGE_COLUMN, NAME_COLUMN, STANDARD_VERBS, STATUS_SUBRESOURCE, ageOf, column, nameOf, validateMeta } from './common.ts';
import { asObject, asString, ensureObject, objects, setDefault, setDefaultString, stringAt } from './json-access.ts';
import { podRow, podWideCells } from './pod-printer.ts';
import { computeQosClass } from './pod-qos.ts';
import { defaultPodSpec } from './pod-spec-defaults.ts';
import { validatePodSpec } from './pod-spec-validation.ts';
import { validatePodSpecUpdate } from './pod-update.ts';

/** What the DefaultTolerationSeconds admission plugin adds to every pod. */
const DEFAULT_TOLERATION_SECONDS = 300;
const NOT_READY_TAINT = 'node.kubernetes.io/not-ready';
const UNREACHABLE_TAINT = 'node.kubernetes.io/unreachable';

/**
 * Defaults a pod gets beyond its spec's: SetDefaults_Pod, and what kube-apiserver's default
 * admission plugins add (ServiceAccount, Priority, DefaultTolerationSeconds), since describe
 * shows all of them.
 */
export function defaultPod(pod: KubeObject): void {
  const spec = ensureObject(pod, 'spec');
  defaultPodSpec(spec);
  setDefault(spec, 'enableServiceLinks', true);
  // Requests default to limits, for pods only (not templates): SetDefaults_Pod.
  for (const c of [...objects(spec.containers), ...objects(spec.initContainers)]) {
    const resources = asObject(c.resources);
    const limits = asObject(resources?.limits);
    if (resources === undefined || limits === undefined) continue;
    const requests = ensureObject(resources, 'requests');
    for (const [k, v] of Object.entries(limits)) if (requests[k] === undefined) requests[k] = v;
  }
  // The v1 API writes the deprecated serviceAccount as a copy of serviceAccountName.
  setDefaultString(spec, 'serviceAccountName', asString(spec.serviceAccount) || 'default');
  spec.serviceAccount = spec.serviceAccountName;
  if (!asString(spec.priorityClassName)) setDefault(spec, 'priority', 0);
  setDefaultString(spec, 'preemptionPolicy', 'PreemptLowerPriority');
  addDefaultTolerations(spec);

  const status = ensureObject(pod, 'status');
  setDefaultString(status, 'phase', 'Pending');
  setDefaultString(status, 'qosClass', computeQosClass(spec));
}

function addDefaultTolerations(spec: JsonObject): void {
  const tolerations = objects(spec.tolerations);
  const tolerates = (key: string) =>
    tolerations.some((t) => (t.key === key || !asString(t.key)) && (t.effect === 'NoExecute' || !asString(t.effect)));
  const added: JsonObject[] = [];
  for (const key of [NOT_READY_TAINT, UNREACHABLE_TAINT]) {
    if (!tolerates(key)) added.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: DEFAULT_TOLERATION_SECONDS });
  }
  if (added.length > 0) spec.tolerations = [...(Array.isArray(spec.tolerations) ? spec.tolerations : []), ...added];
}

export const podKind: KindDefinition = {
  group: '',
  version: 'v1',
  kind: 'Pod',
  listKind: 'PodList',
  resource: 'pods',
  singular: 'pod',
  namespaced: true,
  shortNames: ['po'],
  categories: ['all'],
  verbs: STANDARD_VERBS,
  subresources: [
    STATUS_SUBRESOURCE,
    { name: 'log', verbs: ['get'] },
    { name: 'binding', kind: { group: '', version: 'v1', kind: 'Binding' }, verbs: ['create'] },
  ],
  schema: 'io.k8s.api.core.v1.Pod',
  hasStatus: true,
  defaults: defaultPod,
  validate(object, old) {
    const spec = asObject(object.spec);
    const annotations = object.metadata.annotations;
    const update =
      old === undefined
        ? []
        : [...validateRegistryAnnotationsUnchanged(annotations, old.metadata.annotations, 'metadata.annotations'), ...validatePodSpecUpdate(spec, asObject(old.spec))];
    return [
      ...validateMeta(object, old, { namespaced: true }),
      ...validateImageReplacementAnnotation(annotations, 'metadata.annotations'),
      ...validateRegistryAnnotations(annotations, 'metadata.annotations'),
      ...validateEipAnnotations(annotations, 'metadata.annotations'),
      ...validateBurstLabels(object.metadata.labels, 'metadata.labels'),
      ...validatePodSpec(spec, 'spec'),
      ...update,
    ];
  },
  table: {
    columns: [
      NAME_COLUMN,
      column('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
      column('Status', 'string', 'The aggregate status of the containers in this pod.'),
      column('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
      AGE_COLUMN,
      column('IP', 'string', 'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.', 1),
      column('Node', 'string', 'NodeName indicates in which node this pod is scheduled.', 1),
      column('Nominated Node', 'string', 'nominatedNodeName is set only when this pod preempts other pods on the node.', 1),
      column('Readiness Gates', 'string', 'If specified, all readiness gates will be evaluated for pod readiness.', 1),
    ],
    cells(object, now) {
      const row = podRow(object, now);
      return [nameOf(object), row.ready, row.status, row.restarts, ageOf(object, now), ...podWideCells(object)];
    },
  },
  fieldSelectors: {
    'spec.nodeName': (o) => stringAt(o, 'spec', 'nodeName'),
    'spec.restartPolicy': (o) => stringAt(o, 'spec', 'restartPolicy'),
    'spec.schedulerName': (o) => stringAt(o, 'spec', 'schedulerName'),
    'spec.serviceAccountName': (o) => stringAt(o, 'spec', 'serviceAccountName'),
    'spec.hostNetwork': (o) => String(asObject(o.spec)?.hostNetwork === true),
    'status.phase': (o) => stringAt(o, 'status', 'phase'),
    'status.podIP': (o) => asString(objects(asObject(o.status)?.podIPs)[0]?.ip) || stringAt(o, 'status', 'podIP'),
    'status.nominatedNodeName': (o) => stringAt(o, 'status', 'nominatedNodeName'),
  },
};
