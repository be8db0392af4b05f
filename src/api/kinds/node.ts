// core/v1 Node (cluster-scoped).
// Printer: https://github.com/kubernetes/kubernetes/blob/master/pkg/printers/internalversion/printers.go (printNode)
import type { KindDefinition } from '../kind.ts';
import type { KubeObject } from '../object.ts';
import { AGE_COLUMN, NAME_COLUMN, STANDARD_VERBS, STATUS_SUBRESOURCE, ageOf, column, nameOf, validateMeta } from './common.ts';
import { asObject, getPath, objects, stringAt } from './json-access.ts';

const ROLE_LABEL_PREFIX = 'node-role.kubernetes.io/';
const ROLE_LABEL = 'kubernetes.io/role';

function nodeStatus(node: KubeObject): string {
  const ready = objects(getPath(node, 'status', 'conditions')).find((c) => c.type === 'Ready');
  const status = [ready === undefined ? 'Unknown' : ready.status === 'True' ? 'Ready' : 'NotReady'];
  if (asObject(node.spec)?.unschedulable === true) status.push('SchedulingDisabled');
  return status.join(',');
}

function nodeRoles(node: KubeObject): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith(ROLE_LABEL_PREFIX) && k.length > ROLE_LABEL_PREFIX.length) roles.add(k.slice(ROLE_LABEL_PREFIX.length));
    else if (k === ROLE_LABEL && v !== '') roles.add(v);
  }
  return roles.size === 0 ? '<none>' : [...roles].sort().join(',');
}

function address(node: KubeObject, type: string): string {
  return (objects(getPath(node, 'status', 'addresses')).find((a) => a.type === type)?.address as string | undefined) ?? '<none>';
}

function info(node: KubeObject, key: string): string {
  return stringAt(node, 'status', 'nodeInfo', key) || '<unknown>';
}

export const nodeKind: KindDefinition = {
  group: '',
  version: 'v1',
  kind: 'Node',
  listKind: 'NodeList',
  resource: 'nodes',
  singular: 'node',
  namespaced: false,
  shortNames: ['no'],
  categories: [],
  verbs: STANDARD_VERBS,
  subresources: [STATUS_SUBRESOURCE],
  schema: 'io.k8s.api.core.v1.Node',
  hasStatus: true,
  defaults() {},
  validate(object, old) {
    return validateMeta(object, old, { namespaced: false });
  },
  table: {
    columns: [
      NAME_COLUMN,
      column('Status', 'string', 'The status of the node'),
      column('Roles', 'string', 'The roles of the node'),
      AGE_COLUMN,
      column('Version', 'string', 'Kubelet Version reported by the node.'),
      column('Internal-IP', 'string', 'List of addresses reachable to the node.', 1),
      column('External-IP', 'string', 'List of addresses reachable to the node.', 1),
      column('OS-Image', 'string', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', 1),
      column('Kernel-Version', 'string', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", 1),
      column('Container-Runtime', 'string', 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).', 1),
    ],
    cells(object, now) {
      return [
        nameOf(object),
        nodeStatus(object),
        nodeRoles(object),
        ageOf(object, now),
        stringAt(object, 'status', 'nodeInfo', 'kubeletVersion'),
        address(object, 'InternalIP'),
        address(object, 'ExternalIP'),
        info(object, 'osImage'),
        info(object, 'kernelVersion'),
        info(object, 'containerRuntimeVersion'),
      ];
    },
  },
  fieldSelectors: {
    'spec.unschedulable': (o) => String(asObject(o.spec)?.unschedulable === true),
  },
};
