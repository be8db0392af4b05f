// URL paths of the resources the console reads and writes.

export type WorkloadKind = 'Deployment' | 'StatefulSet';

export interface ResourceType {
  group: string;
  version: string;
  resource: string;
  namespaced: boolean;
}

export const RESOURCES = {
  namespaces: { group: '', version: 'v1', resource: 'namespaces', namespaced: false },
  secrets: { group: '', version: 'v1', resource: 'secrets', namespaced: true },
  pods: { group: '', version: 'v1', resource: 'pods', namespaced: true },
  events: { group: '', version: 'v1', resource: 'events', namespaced: true },
  nodes: { group: '', version: 'v1', resource: 'nodes', namespaced: false },
  deployments: { group: 'apps', version: 'v1', resource: 'deployments', namespaced: true },
  statefulsets: { group: 'apps', version: 'v1', resource: 'statefulsets', namespaced: true },
  replicasets: { group: 'apps', version: 'v1', resource: 'replicasets', namespaced: true },
  imagecaches: { group: 'eci.alibabacloud.com', version: 'v1', resource: 'imagecaches', namespaced: false },
} as const satisfies Record<string, ResourceType>;

export function workloadResource(kind: WorkloadKind): ResourceType {
  return kind === 'Deployment' ? RESOURCES.deployments : RESOURCES.statefulsets;
}

/** `/api/v1/namespaces/ns/secrets[/name[/sub]]`, or the cluster-scoped form. */
export function resourcePath(type: ResourceType, namespace?: string, name?: string, subresource?: string): string {
  const base = type.group === '' ? `/api/${type.version}` : `/apis/${type.group}/${type.version}`;
  const ns = type.namespaced && namespace !== undefined ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  const obj = name === undefined ? '' : `/${encodeURIComponent(name)}`;
  const sub = subresource === undefined ? '' : `/${subresource}`;
  return `${base}${ns}/${type.resource}${obj}${sub}`;
}

export function withQuery(path: string, query: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, v);
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}
