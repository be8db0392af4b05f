// API discovery, aggregated (apidiscovery.k8s.io v2 and v2beta1, one request each for /api and
// /apis) and legacy (APIVersions, APIGroupList, APIResourceList). kubectl 1.27-1.29 accept only
// v2beta1 and fail silently on a v2 body, so the version follows the Accept header exactly.
// https://github.com/kubernetes/enhancements/tree/master/keps/sig-api-machinery/3352-aggregated-discovery
import type { KindDefinition } from '../api/kind.ts';

function groupVersions(kinds: KindDefinition[], core: boolean): Map<string, Map<string, KindDefinition[]>> {
  const groups = new Map<string, Map<string, KindDefinition[]>>();
  for (const k of kinds) {
    if ((k.group === '') !== core) continue;
    let versions = groups.get(k.group);
    if (versions === undefined) groups.set(k.group, (versions = new Map()));
    let list = versions.get(k.version);
    if (list === undefined) versions.set(k.version, (list = []));
    list.push(k);
  }
  return groups;
}

function discoveryResource(k: KindDefinition): Record<string, unknown> {
  const resource: Record<string, unknown> = {
    resource: k.resource,
    responseKind: { group: '', version: '', kind: k.kind },
    scope: k.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: k.singular,
    verbs: k.verbs,
  };
  if (k.shortNames.length > 0) resource['shortNames'] = k.shortNames;
  if (k.categories.length > 0) resource['categories'] = k.categories;
  if (k.subresources.length > 0) {
    resource['subresources'] = k.subresources.map((s) => ({
      subresource: s.name,
      responseKind: s.kind ?? { group: '', version: '', kind: k.kind },
      verbs: s.verbs,
    }));
  }
  return resource;
}

export function aggregatedDiscovery(kinds: KindDefinition[], core: boolean, version: 'v2' | 'v2beta1'): Record<string, unknown> {
  const items = [...groupVersions(kinds, core)].map(([group, versions]) => ({
    metadata: { name: group, creationTimestamp: null },
    versions: [...versions].map(([v, list]) => ({
      version: v,
      resources: list.map(discoveryResource),
      freshness: 'Current',
    })),
  }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items };
}

export function aggregatedContentType(version: 'v2' | 'v2beta1'): string {
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
}

export function legacyApiVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

export function legacyGroupList(kinds: KindDefinition[]): Record<string, unknown> {
  const groups = [...groupVersions(kinds, false)].map(([name, versions]) => {
    const list = [...versions.keys()].map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
    return { name, versions: list, preferredVersion: list[0] };
  });
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

export function legacyGroup(kinds: KindDefinition[], group: string): Record<string, unknown> | undefined {
  const versions = groupVersions(kinds, false).get(group);
  if (versions === undefined) return undefined;
  const list = [...versions.keys()].map((v) => ({ groupVersion: `${group}/${v}`, version: v }));
  return { kind: 'APIGroup', apiVersion: 'v1', name: group, versions: list, preferredVersion: list[0] };
}

export function legacyResourceList(kinds: KindDefinition[], group: string, version: string): Record<string, unknown> | undefined {
  const list = kinds.filter((k) => k.group === group && k.version === version);
  if (list.length === 0) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const k of list) {
    const r: Record<string, unknown> = {
      name: k.resource,
      singularName: k.singular,
      namespaced: k.namespaced,
      kind: k.kind,
      verbs: k.verbs,
    };
    if (k.shortNames.length > 0) r['shortNames'] = k.shortNames;
    if (k.categories.length > 0) r['categories'] = k.categories;
    resources.push(r);
    for (const s of k.subresources) {
      resources.push({
        name: `${k.resource}/${s.name}`,
        singularName: '',
        namespaced: k.namespaced,
        ...(s.kind === undefined ? { kind: k.kind } : { group: s.kind.group, version: s.kind.version, kind: s.kind.kind }),
        verbs: s.verbs,
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group === '' ? version : `${group}/${version}`, resources };
}
