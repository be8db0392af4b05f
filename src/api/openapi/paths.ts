// The REST operations of each served kind, described once for both OpenAPI documents: the list,
// create and delete-collection operations on `…/{resource}`, the item operations on
// `…/{resource}/{name}`, and the subresources. Names and parameters follow Kubernetes' own
// published documents (operation ids such as `patchAppsV1NamespacedDeployment`,
// `x-kubernetes-action`, `x-kubernetes-group-version-kind`), because kubectl reads them: it sends
// `fieldValidation=Strict` only when the PATCH of a kind carries that kind and that parameter.
import type { KindDefinition } from '../kind.ts';
import { componentForKind } from './schemas.ts';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
export const STATUS = META + 'Status';
export const DELETE_OPTIONS = META + 'DeleteOptions';
export const PATCH = META + 'Patch';

export interface Gvk {
  group: string;
  version: string;
  kind: string;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query';
  type: 'string' | 'boolean' | 'integer';
  description: string;
}

export type Method = 'get' | 'put' | 'post' | 'patch' | 'delete';

export interface Operation {
  method: Method;
  operationId: string;
  description: string;
  /** `x-kubernetes-action`: get, list, post, put, patch, delete, deletecollection, connect. */
  action: string;
  gvk: Gvk;
  tag: string;
  parameters: Parameter[];
  /** Component of the request body and the media types it may come in. */
  request?: { schema: string; mediaTypes: string[]; required: boolean };
  /** Component of the 200 response; undefined for a plain string (logs). */
  response: string | undefined;
  responseMediaTypes: string[];
}

export interface PathItem {
  path: string;
  parameters: Parameter[];
  operations: Operation[];
}

const q = (name: string, type: Parameter['type'], description: string): Parameter => ({ name, in: 'query', type, description });

const pretty = q('pretty', 'string', "If 'true', then the output is pretty printed.");
const dryRun = q('dryRun', 'string', 'When present, indicates that modifications should not be persisted. Valid values: All.');
const fieldManager = q('fieldManager', 'string', 'A name associated with the actor or entity that is making these changes.');
const fieldValidation = q(
  'fieldValidation',
  'string',
  'How the server handles unknown or duplicate fields in the request: Ignore, Warn or Strict.',
);
const force = q('force', 'boolean', "Force is going to 'force' Apply requests: it re-acquires fields owned by other managers.");
const listParameters = [
  q('allowWatchBookmarks', 'boolean', 'Requests watch events with type BOOKMARK.'),
  q('continue', 'string', 'The continue option, set when retrieving more results from the server.'),
  q('fieldSelector', 'string', 'A selector to restrict the list of returned objects by their fields.'),
  q('labelSelector', 'string', 'A selector to restrict the list of returned objects by their labels.'),
  q('limit', 'integer', 'The maximum number of responses to return for a list call.'),
  q('resourceVersion', 'string', 'Sets a constraint on what resource versions a request may be served from.'),
  q('resourceVersionMatch', 'string', 'Determines how resourceVersion is applied to list calls.'),
  q('sendInitialEvents', 'boolean', 'Sends synthetic ADDED events for the current state before the watch events.'),
  q('timeoutSeconds', 'integer', 'Timeout for the list/watch call.'),
  q('watch', 'boolean', 'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.'),
];
const deleteParameters = [
  dryRun,
  q('gracePeriodSeconds', 'integer', 'The duration in seconds before the object should be deleted.'),
  q('orphanDependents', 'boolean', 'Deprecated: please use the PropagationPolicy.'),
  q('propagationPolicy', 'string', 'Whether and how garbage collection will be performed: Orphan, Background or Foreground.'),
];
const logParameters = [
  q('container', 'string', 'The container for which to stream logs.'),
  q('follow', 'boolean', 'Follow the log stream of the pod.'),
  q('limitBytes', 'integer', 'The number of bytes to read from the server before terminating the log output.'),
  q('previous', 'boolean', 'Return previous terminated container logs.'),
  q('sinceSeconds', 'integer', 'A relative time in seconds before the current time from which to show logs.'),
  q('tailLines', 'integer', 'The number of lines from the end of the logs to show.'),
  q('timestamps', 'boolean', 'Add an RFC3339 timestamp at the beginning of every line of log output.'),
];

const OBJECT_MEDIA = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];
const CUSTOM_MEDIA = ['application/json', 'application/yaml'];
const WATCH_MEDIA = ['application/json;stream=watch', 'application/vnd.kubernetes.protobuf;stream=watch'];
const PATCH_MEDIA = [
  'application/apply-patch+yaml',
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
];

/** `api/v1` for the core group, `apis/<group>/<version>` otherwise: the key of the v3 root. */
export function groupVersionPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

/** Kubernetes' operation-id infix for a group version: CoreV1, AppsV1, CoordinationV1, EciAlibabacloudComV1. */
function groupVersionId(group: string, version: string): string {
  const words = group === '' ? ['core'] : group.replace(/\.k8s\.io$/, '').split('.');
  return words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('') + version.charAt(0).toUpperCase() + version.slice(1);
}

function tagOf(group: string, version: string): string {
  const words = group === '' ? ['core'] : group.replace(/\.k8s\.io$/, '').split('.');
  return words.map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1))).join('') + '_' + version;
}

/** Custom kinds (not `io.k8s.*`) take no strategic merge patch and no protobuf, as for CRDs. */
export function isCustomKind(kind: KindDefinition): boolean {
  return !kind.schema.startsWith('io.k8s.');
}

/** The path items of one kind, in a stable order. */
export function pathsFor(kind: KindDefinition): PathItem[] {
  const root = '/' + groupVersionPath(kind.group, kind.version);
  const scope = kind.namespaced ? `${root}/namespaces/{namespace}` : root;
  const gvId = groupVersionId(kind.group, kind.version);
  const scoped = kind.namespaced ? 'Namespaced' : '';
  const custom = isCustomKind(kind);
  const media = custom ? CUSTOM_MEDIA : OBJECT_MEDIA;
  const patchMedia = custom ? PATCH_MEDIA.filter((m) => !m.startsWith('application/strategic')) : PATCH_MEDIA;
  const gvk: Gvk = { group: kind.group, version: kind.version, kind: kind.kind };
  const tag = tagOf(kind.group, kind.version);
  const list = componentForKind(kind.group, kind.version, kind.listKind) ?? kind.schema;
  const pathParameters = (withName: boolean): Parameter[] => [
    ...(withName ? [{ name: 'name', in: 'path' as const, type: 'string' as const, description: `name of the ${kind.kind}` }] : []),
    ...(kind.namespaced
      ? [{ name: 'namespace', in: 'path' as const, type: 'string' as const, description: 'object name and auth scope, such as for teams and projects' }]
      : []),
    pretty,
  ];
  // `operationId` in `rest` is the part after the verb and group version.
  const op = (method: Method, verb: string, action: string, description: string, rest: Partial<Operation>): Operation => {
    const { operationId, ...others } = rest;
    return {
      method,
      description,
      action,
      gvk,
      tag,
      parameters: [],
      response: kind.schema,
      responseMediaTypes: media,
      ...others,
      operationId: `${verb}${gvId}${operationId ?? `${scoped}${kind.kind}`}`,
    };
  };
  const writeParams = [dryRun, fieldManager, fieldValidation];
  const body = (schema: string) => ({ schema, mediaTypes: ['*/*'], required: true });
  const has = (verb: string) => kind.verbs.includes(verb);

  const collection: Operation[] = [];
  if (has('list')) {
    collection.push(op('get', 'list', 'list', `list or watch objects of kind ${kind.kind}`, {
      parameters: listParameters, response: list, responseMediaTypes: [...media, ...WATCH_MEDIA],
    }));
  }
  if (has('create')) {
    collection.push(op('post', 'create', 'post', `create a ${kind.kind}`, { parameters: writeParams, request: body(kind.schema) }));
  }
  if (has('deletecollection')) {
    collection.push(op('delete', 'delete', 'deletecollection', `delete collection of ${kind.kind}`, {
      operationId: `Collection${scoped}${kind.kind}`,
      parameters: [...listParameters.filter((p) => p.name !== 'watch' && p.name !== 'allowWatchBookmarks'), ...deleteParameters],
      request: { schema: DELETE_OPTIONS, mediaTypes: ['*/*'], required: false },
      response: STATUS,
    }));
  }
  const item: Operation[] = [];
  if (has('get')) item.push(op('get', 'read', 'get', `read the specified ${kind.kind}`, {}));
  if (has('update')) item.push(op('put', 'replace', 'put', `replace the specified ${kind.kind}`, { parameters: writeParams, request: body(kind.schema) }));
  if (has('delete')) {
    item.push(op('delete', 'delete', 'delete', `delete a ${kind.kind}`, {
      parameters: deleteParameters,
      request: { schema: DELETE_OPTIONS, mediaTypes: ['*/*'], required: false },
      response: STATUS,
    }));
  }
  if (has('patch')) {
    item.push(op('patch', 'patch', 'patch', `partially update the specified ${kind.kind}`, {
      parameters: [...writeParams, force],
      request: { schema: PATCH, mediaTypes: patchMedia, required: true },
    }));
  }

  const items: PathItem[] = [];
  if (collection.length > 0) items.push({ path: `${scope}/${kind.resource}`, parameters: pathParameters(false), operations: collection });
  if (item.length > 0) items.push({ path: `${scope}/${kind.resource}/{name}`, parameters: pathParameters(true), operations: item });
  if (kind.namespaced && has('list')) {
    items.push({
      path: `${root}/${kind.resource}`,
      parameters: [pretty],
      operations: [op('get', 'list', 'list', `list or watch objects of kind ${kind.kind}`, {
        operationId: `${kind.kind}ForAllNamespaces`,
        parameters: listParameters,
        response: list,
        responseMediaTypes: [...media, ...WATCH_MEDIA],
      })],
    });
  }
  for (const sub of kind.subresources) items.push(subresourcePath(kind, sub, `${scope}/${kind.resource}/{name}/${sub.name}`, pathParameters(true), op));
  return items;
}

type OperationFactory = (method: Method, verb: string, action: string, description: string, rest: Partial<Operation>) => Operation;

function subresourcePath(
  kind: KindDefinition,
  sub: KindDefinition['subresources'][number],
  path: string,
  parameters: Parameter[],
  op: OperationFactory,
): PathItem {
  const suffix = sub.name.charAt(0).toUpperCase() + sub.name.slice(1);
  const scoped = kind.namespaced ? 'Namespaced' : '';
  const subKind = sub.kind ?? { group: kind.group, version: kind.version, kind: kind.kind };
  const schema = sub.kind ? (componentForKind(sub.kind.group, sub.kind.version, sub.kind.kind) ?? kind.schema) : kind.schema;
  const base = { operationId: `${scoped}${kind.kind}${suffix}`, gvk: subKind, response: schema };
  const operations: Operation[] = [];
  const writeParams = [dryRun, fieldManager, fieldValidation];
  if (sub.name === 'log') {
    operations.push(op('get', 'read', 'get', `read log of the specified ${kind.kind}`, {
      ...base, gvk: { group: kind.group, version: kind.version, kind: kind.kind },
      parameters: logParameters, response: undefined, responseMediaTypes: ['text/plain', 'application/json', 'application/yaml'],
    }));
    return { path, parameters, operations };
  }
  if (sub.name === 'binding') {
    operations.push(op('post', 'create', 'post', `create binding of a ${kind.kind}`, {
      ...base, parameters: writeParams, request: { schema, mediaTypes: ['*/*'], required: true },
    }));
    return { path, parameters, operations };
  }
  if (sub.verbs.includes('get')) operations.push(op('get', 'read', 'get', `read ${sub.name} of the specified ${kind.kind}`, base));
  if (sub.verbs.includes('update')) {
    operations.push(op('put', 'replace', 'put', `replace ${sub.name} of the specified ${kind.kind}`, {
      ...base, parameters: writeParams, request: { schema, mediaTypes: ['*/*'], required: true },
    }));
  }
  if (sub.verbs.includes('patch')) {
    const patchMedia = isCustomKind(kind) ? PATCH_MEDIA.filter((m) => !m.startsWith('application/strategic')) : PATCH_MEDIA;
    operations.push(op('patch', 'patch', 'patch', `partially update ${sub.name} of the specified ${kind.kind}`, {
      ...base, parameters: [...writeParams, force], request: { schema: PATCH, mediaTypes: patchMedia, required: true },
    }));
  }
  return { path, parameters, operations };
}
