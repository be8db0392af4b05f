// Every kind Ferry serves, and lookups by URL resource or by kind name.
import type { KindDefinition } from '../kind.ts';
import { configMapKind } from './configmap.ts';
import { deploymentKind } from './deployment.ts';
import { eventKind } from './event.ts';
import { imageCacheKind } from './image-cache.ts';
import { leaseKind } from './lease.ts';
import { namespaceKind } from './namespace.ts';
import { nodeKind } from './node.ts';
import { podKind } from './pod.ts';
import { replicaSetKind } from './replicaset.ts';
import { secretKind } from './secret.ts';
import { statefulSetKind } from './statefulset.ts';

export const ALL_KINDS: KindDefinition[] = [
  namespaceKind,
  secretKind,
  configMapKind,
  podKind,
  eventKind,
  nodeKind,
  deploymentKind,
  replicaSetKind,
  statefulSetKind,
  leaseKind,
  imageCacheKind,
];

const byResource = new Map(ALL_KINDS.map((k) => [`${k.group}/${k.resource}`, k]));
const byKind = new Map(ALL_KINDS.map((k) => [`${k.group}/${k.kind}`, k]));

/** `group` is '' for the core group; `resource` is the plural URL segment (`deployments`). */
export function kindByResource(group: string, resource: string): KindDefinition | undefined {
  return byResource.get(`${group}/${resource}`);
}

export function kindByKind(group: string, kind: string): KindDefinition | undefined {
  return byKind.get(`${group}/${kind}`);
}

export { formatAge, humanDuration } from './age.ts';
export {
  configMapKind,
  deploymentKind,
  eventKind,
  imageCacheKind,
  leaseKind,
  namespaceKind,
  nodeKind,
  podKind,
  replicaSetKind,
  secretKind,
  statefulSetKind,
};
