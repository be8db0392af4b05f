// Kind definitions for this folder's tests: only the fields the OpenAPI documents read, so the
// tests do not depend on the behaviour of the real kinds in src/api/kinds.
import type { KindDefinition, SubresourceDefinition } from '../kind.ts';

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const status: SubresourceDefinition = { name: 'status', verbs: ['get', 'patch', 'update'] };
const scale: SubresourceDefinition = {
  name: 'scale',
  kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
  verbs: ['get', 'patch', 'update'],
};

function kind(
  group: string,
  kindName: string,
  resource: string,
  namespaced: boolean,
  schema: string,
  subresources: SubresourceDefinition[] = [],
): KindDefinition {
  return {
    group,
    version: 'v1',
    kind: kindName,
    listKind: `${kindName}List`,
    resource,
    singular: kindName.toLowerCase(),
    namespaced,
    shortNames: [],
    categories: [],
    verbs: ALL_VERBS,
    subresources,
    schema,
    hasStatus: subresources.includes(status),
    defaults: () => undefined,
    validate: () => [],
    table: { columns: [], cells: () => [] },
    fieldSelectors: {},
  };
}

export const testKinds: readonly KindDefinition[] = [
  kind('', 'Namespace', 'namespaces', false, 'io.k8s.api.core.v1.Namespace', [status]),
  kind('', 'Secret', 'secrets', true, 'io.k8s.api.core.v1.Secret'),
  kind('', 'ConfigMap', 'configmaps', true, 'io.k8s.api.core.v1.ConfigMap'),
  kind('', 'Pod', 'pods', true, 'io.k8s.api.core.v1.Pod', [
    status,
    { name: 'log', verbs: ['get'] },
    { name: 'binding', kind: { group: '', version: 'v1', kind: 'Binding' }, verbs: ['create'] },
  ]),
  kind('', 'Event', 'events', true, 'io.k8s.api.core.v1.Event'),
  kind('', 'Node', 'nodes', false, 'io.k8s.api.core.v1.Node', [status]),
  kind('apps', 'Deployment', 'deployments', true, 'io.k8s.api.apps.v1.Deployment', [status, scale]),
  kind('apps', 'ReplicaSet', 'replicasets', true, 'io.k8s.api.apps.v1.ReplicaSet', [status, scale]),
  kind('apps', 'StatefulSet', 'statefulsets', true, 'io.k8s.api.apps.v1.StatefulSet', [status, scale]),
  kind('coordination.k8s.io', 'Lease', 'leases', true, 'io.k8s.api.coordination.v1.Lease'),
  kind('eci.alibabacloud.com', 'ImageCache', 'imagecaches', false, 'com.alibabacloud.eci.v1.ImageCache', [status]),
];
