// apps/v1 ReplicaSet.
import type { KindDefinition } from '../kind.ts';
import type { KubeObject } from '../object.ts';
import { asLabelSelector, formatLabelSelector } from '../validation/label-selector.ts';
import { AGE_COLUMN, NAME_COLUMN, SCALE_SUBRESOURCE, STANDARD_VERBS, STATUS_SUBRESOURCE, ageOf, column, nameOf } from './common.ts';
import { asObject, ensureObject, numberAt, setDefault } from './json-access.ts';
import { defaultPodTemplate } from './pod-spec-defaults.ts';
import { CONTAINER_COLUMNS, containerCells, validateReplicatedSpec, validateWithFixedSelector } from './workload.ts';

function defaultReplicaSet(object: KubeObject): void {
  const spec = ensureObject(object, 'spec');
  setDefault(spec, 'replicas', 1);
  defaultPodTemplate(ensureObject(spec, 'template'));
}

export const replicaSetKind: KindDefinition = {
  group: 'apps',
  version: 'v1',
  kind: 'ReplicaSet',
  listKind: 'ReplicaSetList',
  resource: 'replicasets',
  singular: 'replicaset',
  namespaced: true,
  shortNames: ['rs'],
  categories: ['all'],
  verbs: STANDARD_VERBS,
  subresources: [STATUS_SUBRESOURCE, SCALE_SUBRESOURCE],
  schema: 'io.k8s.api.apps.v1.ReplicaSet',
  hasStatus: true,
  defaults: defaultReplicaSet,
  validate(object, old) {
    // Kubernetes' ReplicaSet validation says "deployment" in the empty-selector message too.
    return validateWithFixedSelector(object, old, (spec) => validateReplicatedSpec(spec, 'deployment'));
  },
  table: {
    columns: [
      NAME_COLUMN,
      column('Desired', 'integer', 'Replicas is the number of desired pods.'),
      column('Current', 'integer', 'Replicas is the most recently observed number of non-terminating pods.'),
      column('Ready', 'integer', 'The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition.'),
      AGE_COLUMN,
      ...CONTAINER_COLUMNS,
      column('Selector', 'string', 'Selector is a label query over pods that should match the replica count.', 1),
    ],
    cells(object, now) {
      return [
        nameOf(object),
        numberAt(object, 'spec', 'replicas'),
        numberAt(object, 'status', 'replicas'),
        numberAt(object, 'status', 'readyReplicas'),
        ageOf(object, now),
        ...containerCells(object),
        formatLabelSelector(asLabelSelector(asObject(object.spec)?.selector)),
      ];
    },
  },
  fieldSelectors: {
    'status.replicas': (o) => String(numberAt(o, 'status', 'replicas')),
  },
};
