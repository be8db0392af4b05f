// core/v1 Namespace (cluster-scoped).
// Defaults: https://github.com/kubernetes/kubernetes/blob/master/pkg/apis/core/v1/defaults.go (SetDefaults_Namespace)
import type { KindDefinition } from '../kind.ts';
import type { KubeObject } from '../object.ts';
import { nameIsDNSLabel } from '../validation/names.ts';
import { AGE_COLUMN, NAME_COLUMN, STANDARD_VERBS, STATUS_SUBRESOURCE, ageOf, column, nameOf, validateMeta } from './common.ts';
import { ensureObject, setDefault, setDefaultString, stringAt } from './json-access.ts';

/** Kubernetes labels every namespace with its own name, so selectors can match namespaces by name. */
const NAME_LABEL = 'kubernetes.io/metadata.name';

function defaultNamespace(object: KubeObject): void {
  const name = object.metadata.name;
  if (name) object.metadata.labels = { ...object.metadata.labels, [NAME_LABEL]: name };
  // The namespace strategy's PrepareForCreate: the finalizer that empties a deleted namespace.
  setDefault(ensureObject(object, 'spec'), 'finalizers', ['kubernetes']);
  setDefaultString(ensureObject(object, 'status'), 'phase', 'Active');
}

export const namespaceKind: KindDefinition = {
  group: '',
  version: 'v1',
  kind: 'Namespace',
  listKind: 'NamespaceList',
  resource: 'namespaces',
  singular: 'namespace',
  namespaced: false,
  shortNames: ['ns'],
  categories: [],
  verbs: STANDARD_VERBS,
  // finalize: the namespace controller's way to clear spec.finalizers once the namespace is empty.
  subresources: [STATUS_SUBRESOURCE, { name: 'finalize', verbs: ['update'] }],
  schema: 'io.k8s.api.core.v1.Namespace',
  hasStatus: true,
  defaults: defaultNamespace,
  validate(object, old) {
    return validateMeta(object, old, { namespaced: false, nameValidator: nameIsDNSLabel });
  },
  table: {
    columns: [NAME_COLUMN, column('Status', 'string', 'The status of the namespace'), AGE_COLUMN],
    cells(object, now) {
      return [nameOf(object), stringAt(object, 'status', 'phase'), ageOf(object, now)];
    },
  },
  fieldSelectors: {
    'status.phase': (o) => stringAt(o, 'status', 'phase'),
  },
};
