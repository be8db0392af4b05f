// Which REST collection a call goes to, and its URL path. Core kinds live under /api/v1, others
// under /apis/<group>/<version>.
// https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-uris
import type { KindDefinition } from '../api/kind.ts';

export interface ResourceRef {
  /** '' for the core group. */
  group: string;
  version: string;
  /** Plural, lower case: the URL segment (`deployments`). */
  resource: string;
  namespaced: boolean;
  /** The kind's name (`Deployment`): filled into objects created without apiVersion/kind. */
  kind?: string;
}

export function refFor(kind: KindDefinition): ResourceRef {
  return { group: kind.group, version: kind.version, resource: kind.resource, namespaced: kind.namespaced, kind: kind.kind };
}

export function apiVersionOf(ref: Pick<ResourceRef, 'group' | 'version'>): string {
  return ref.group === '' ? ref.version : `${ref.group}/${ref.version}`;
}

/** `/api/v1/namespaces/ns/pods/name/status`; namespace undefined on a namespaced ref means all namespaces. */
export function resourcePath(ref: ResourceRef, namespace: string | undefined, name?: string, subresource?: string): string {
  const root = ref.group === '' ? `/api/${ref.version}` : `/apis/${ref.group}/${ref.version}`;
  const ns = ref.namespaced && namespace !== undefined ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  let path = `${root}${ns}/${ref.resource}`;
  if (name !== undefined) path += `/${encodeURIComponent(name)}`;
  if (subresource !== undefined) path += `/${subresource}`;
  return path;
}
