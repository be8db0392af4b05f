// What a request is about, parsed from its path and method the way kube-apiserver's
// RequestInfoFactory does: https://github.com/kubernetes/apiserver/blob/master/pkg/endpoints/request/requestinfo.go
export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface ResourceRequest {
  group: string;
  version: string;
  namespace: string | undefined;
  resource: string;
  name: string | undefined;
  subresource: string | undefined;
  verb: Verb;
}

/**
 * A boolean query parameter as kube-apiserver reads one (apimachinery's Convert_Slice_string_To_bool):
 * absent is false, "0" and "false" (any case) are false, and any other value is true, including
 * "True" (what the Python client sends) and the empty string.
 */
export function queryFlag(query: URLSearchParams, name: string): boolean {
  const value = query.get(name);
  return value !== null && value !== '0' && value.toLowerCase() !== 'false';
}

// Subresources of a namespace that are addressed as /namespaces/{name}/{sub}, not as a namespaced resource.
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

/** Parses `/api/v1/...` and `/apis/{group}/{version}/...`; undefined for any other path or a bare group-version. */
export function parseResourceRequest(method: string, pathname: string, query: URLSearchParams): ResourceRequest | undefined {
  const parts = pathname.split('/').filter((p) => p !== '').map(decodeURIComponent);
  let group: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    rest = parts.slice(1);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1] as string;
    rest = parts.slice(2);
  } else {
    return undefined;
  }
  const version = rest[0] as string;
  let segments = rest.slice(1);
  // The deprecated /watch/ prefix: GET /api/v1/watch/namespaces/default/pods.
  let watchPrefix = false;
  if (segments[0] === 'watch') {
    watchPrefix = true;
    segments = segments.slice(1);
  }
  let namespace: string | undefined;
  if (segments[0] === 'namespaces' && segments.length > 1) {
    namespace = segments[1];
    if (segments.length > 2 && !NAMESPACE_SUBRESOURCES.has(segments[2] as string)) segments = segments.slice(2);
  }
  if (segments.length === 0 || segments.length > 3) return undefined;
  const [resource, name, subresource] = segments as [string, string | undefined, string | undefined];
  if (resource === 'namespaces' && segments.length >= 2) namespace = undefined;

  const watching = watchPrefix || queryFlag(query, 'watch');
  let verb: Verb;
  switch (method) {
    case 'GET':
    case 'HEAD':
      verb = watching ? 'watch' : name === undefined ? 'list' : 'get';
      break;
    case 'POST':
      verb = 'create';
      break;
    case 'PUT':
      verb = 'update';
      break;
    case 'PATCH':
      verb = 'patch';
      break;
    case 'DELETE':
      verb = name === undefined ? 'deletecollection' : 'delete';
      break;
    default:
      return undefined;
  }
  return { group, version, namespace, resource, name, subresource, verb };
}
