// The documents served at /openapi/v3: the root, which lists each group version with a
// `serverRelativeURL` carrying `?hash=`, and one document per group version with its paths and
// the schemas they reference. kubectl fetches the root on every run and keeps a group-version
// document for as long as its hash is unchanged (served `Cache-Control: public, immutable`).
// Shapes follow k8s.io/kube-openapi/pkg/handler3.
import { createHash } from 'node:crypto';
import type { KindDefinition } from '../kind.ts';
import type { SchemaNode } from '../schema.ts';
import { groupVersionPath, pathsFor, type Operation, type Parameter, type PathItem } from './paths.ts';
import { referencedComponents, schemaFor } from './schemas.ts';

export interface SerializedDocument {
  /** The JSON text to send. */
  body: string;
  /** Upper-case hex SHA-512 of `body`, as Kubernetes computes it for `?hash=`. */
  hash: string;
  /** The `ETag` header value: the hash, quoted. */
  etag: string;
}

interface Documents {
  root: SerializedDocument;
  rootObject: object;
  groupVersions: Map<string, { object: object; serialized: SerializedDocument }>;
}

// Documents depend only on the kinds, which are fixed for the life of a process.
const cache = new WeakMap<readonly KindDefinition[], Documents>();

function serialize(object: object): SerializedDocument {
  const body = JSON.stringify(object);
  const hash = createHash('sha512').update(body).digest('hex').toUpperCase();
  return { body, hash, etag: `"${hash}"` };
}

function parameterObject(p: Parameter): object {
  return {
    name: p.name,
    in: p.in,
    description: p.description,
    ...(p.in === 'path' ? { required: true } : {}),
    schema: { type: p.type, uniqueItems: true },
  };
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function operationObject(o: Operation): object {
  const content: Record<string, object> = {};
  for (const type of o.responseMediaTypes) content[type] = { schema: o.response === undefined ? { type: 'string' } : ref(o.response) };
  const requestBody = o.request && {
    content: Object.fromEntries(o.request.mediaTypes.map((t) => [t, { schema: ref(o.request?.schema ?? '') }])),
    required: o.request.required,
  };
  return {
    tags: [o.tag],
    description: o.description,
    operationId: o.operationId,
    parameters: o.parameters.map(parameterObject),
    ...(requestBody ? { requestBody } : {}),
    responses: {
      '200': { description: 'OK', content },
      ...(o.method === 'post' ? { '201': { description: 'Created', content }, '202': { description: 'Accepted', content } } : {}),
      ...(o.method === 'delete' && o.action === 'delete' ? { '202': { description: 'Accepted', content } } : {}),
      '401': { description: 'Unauthorized' },
    },
    'x-kubernetes-action': o.action,
    'x-kubernetes-group-version-kind': o.gvk,
  };
}

function pathItemObject(item: PathItem): object {
  const out: Record<string, object> = {};
  for (const o of item.operations) out[o.method] = operationObject(o);
  out.parameters = item.parameters.map(parameterObject);
  return out;
}

function componentsOf(items: PathItem[]): string[] {
  const names = new Set<string>();
  for (const item of items) {
    for (const o of item.operations) {
      if (o.response !== undefined) names.add(o.response);
      if (o.request) names.add(o.request.schema);
    }
  }
  return referencedComponents(names);
}

function groupVersionObject(kinds: readonly KindDefinition[]): object {
  const items = kinds.flatMap(pathsFor).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const schemas: Record<string, SchemaNode> = {};
  for (const name of componentsOf(items)) schemas[name] = schemaFor(name) as SchemaNode;
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'unversioned' },
    paths: Object.fromEntries(items.map((item) => [item.path, pathItemObject(item)])),
    components: { schemas },
  };
}

function build(kinds: readonly KindDefinition[]): Documents {
  const byGroupVersion = new Map<string, KindDefinition[]>();
  for (const kind of kinds) {
    const key = groupVersionPath(kind.group, kind.version);
    byGroupVersion.set(key, [...(byGroupVersion.get(key) ?? []), kind]);
  }
  const groupVersions = new Map<string, { object: object; serialized: SerializedDocument }>();
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const key of [...byGroupVersion.keys()].sort()) {
    const object = groupVersionObject(byGroupVersion.get(key) ?? []);
    const serialized = serialize(object);
    groupVersions.set(key, { object, serialized });
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${serialized.hash}` };
  }
  const rootObject = { paths };
  return { root: serialize(rootObject), rootObject, groupVersions };
}

function documents(kinds: readonly KindDefinition[]): Documents {
  let docs = cache.get(kinds);
  if (docs === undefined) {
    docs = build(kinds);
    cache.set(kinds, docs);
  }
  return docs;
}

/** `api/v1`, `/apis/apps/v1` and `/openapi/v3/apis/apps/v1` all name the apps/v1 document. */
function normalize(groupVersionPath: string): string {
  return groupVersionPath.replace(/^\/+/, '').replace(/^openapi\/v3\//, '').replace(/\/+$/, '');
}

/** The `/openapi/v3` root: `{paths: {"apis/apps/v1": {serverRelativeURL: "/openapi/v3/apis/apps/v1?hash=…"}}}`. */
export function openApiV3Root(kinds: readonly KindDefinition[]): object {
  return documents(kinds).rootObject;
}

export function openApiV3RootDocument(kinds: readonly KindDefinition[]): SerializedDocument {
  return documents(kinds).root;
}

/** The document of one group version, e.g. `apis/apps/v1`; undefined when no served kind is in it. */
export function openApiV3GroupVersion(kinds: readonly KindDefinition[], groupVersionPath: string): object | undefined {
  return documents(kinds).groupVersions.get(normalize(groupVersionPath))?.object;
}

export function openApiV3GroupVersionDocument(kinds: readonly KindDefinition[], groupVersionPath: string): SerializedDocument | undefined {
  return documents(kinds).groupVersions.get(normalize(groupVersionPath))?.serialized;
}
