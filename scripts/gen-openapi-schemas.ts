// Writes src/api/openapi/schemas.json: the OpenAPI v3 schemas of every kind Ferry serves and of
// every type they reference, keyed by Kubernetes' own component names. The types come from the
// generated models of @kubernetes/client-node (`attributeTypeMap`, descriptions and required
// fields in the `.d.ts`); the strategic-merge and apply markers, which those models lack, come
// from src/api/openapi/patch-metadata.ts.
//
//   node scripts/gen-openapi-schemas.ts           rewrite schemas.json
//   node scripts/gen-openapi-schemas.ts --stdout  print what would be written (the up-to-date test)
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as models from '@kubernetes/client-node/dist/gen/models/all.js';
import type { SchemaNode } from '../src/api/schema.ts';
import { atomicStructs, propertyPatchMetadata } from '../src/api/openapi/patch-metadata.ts';
import { handWrittenSchemas } from '../src/api/openapi/hand-written-schemas.ts';

const CORE = 'io.k8s.api.core.v1.';
const APPS = 'io.k8s.api.apps.v1.';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const FIELDS_V1 = META + 'FieldsV1';

type Gvk = { group: string; version: string; kind: string };
const gv = (group: string, version: string) => (kind: string): Gvk => ({ group, version, kind });
const core = gv('', 'v1');
const apps = gv('apps', 'v1');
const coordination = gv('coordination.k8s.io', 'v1');
const autoscaling = gv('autoscaling', 'v1');

// The served kinds and the kinds their endpoints take or return: client model → GVKs.
const ROOTS: Record<string, Gvk[]> = {
  V1Namespace: [core('Namespace')],
  V1NamespaceList: [core('NamespaceList')],
  V1Secret: [core('Secret')],
  V1SecretList: [core('SecretList')],
  V1ConfigMap: [core('ConfigMap')],
  V1ConfigMapList: [core('ConfigMapList')],
  V1Pod: [core('Pod')],
  V1PodList: [core('PodList')],
  V1Binding: [core('Binding')],
  CoreV1Event: [core('Event')],
  CoreV1EventList: [core('EventList')],
  V1Node: [core('Node')],
  V1NodeList: [core('NodeList')],
  V1Deployment: [apps('Deployment')],
  V1DeploymentList: [apps('DeploymentList')],
  V1ReplicaSet: [apps('ReplicaSet')],
  V1ReplicaSetList: [apps('ReplicaSetList')],
  V1StatefulSet: [apps('StatefulSet')],
  V1StatefulSetList: [apps('StatefulSetList')],
  V1Lease: [coordination('Lease')],
  V1LeaseList: [coordination('LeaseList')],
  V1Scale: [autoscaling('Scale')],
  V1Status: [core('Status')],
  V1DeleteOptions: [core, apps, autoscaling, coordination].map((g) => g('DeleteOptions')),
};

// Resource quantities, which the client models flatten to strings (`resource.Quantity` in Go).
const QUANTITY_FIELDS: Record<string, string[]> = {
  [CORE + 'ResourceRequirements']: ['limits', 'requests'],
  [CORE + 'VolumeResourceRequirements']: ['limits', 'requests'],
  [CORE + 'PodSpec']: ['overhead'],
  [CORE + 'PodStatus']: ['allocatedResources'],
  [CORE + 'ContainerStatus']: ['allocatedResources'],
  [CORE + 'ResourceFieldSelector']: ['divisor'],
  [CORE + 'EmptyDirVolumeSource']: ['sizeLimit'],
  [CORE + 'NodeStatus']: ['capacity', 'allocatable'],
  [CORE + 'NodeAllocatableResourceClaimStatus']: ['resources'],
  [CORE + 'PersistentVolumeClaimStatus']: ['capacity', 'allocatedResources'],
};

const META_TYPES = new Set([
  'DeleteOptions', 'LabelSelector', 'LabelSelectorRequirement', 'ListMeta', 'ManagedFieldsEntry', 'ObjectMeta',
  'OwnerReference', 'Preconditions', 'ShardInfo', 'Status', 'StatusCause', 'StatusDetails',
]);

interface Attribute {
  name: string;
  baseName: string;
  type: string;
  format: string;
}
type ModelClass = { attributeTypeMap: Attribute[] };
const registry = models as unknown as Record<string, ModelClass | undefined>;

/** The Kubernetes component name of a client model class. */
export function componentName(model: string): string {
  if (model.startsWith('CoreV1')) return CORE + model.slice('CoreV1'.length);
  const base = model.replace(/^V1/, '');
  if (META_TYPES.has(base)) return META + base;
  if (/^(Deployment|ReplicaSet|StatefulSet|RollingUpdate(Deployment|StatefulSetStrategy)$)/.test(base)) return APPS + base;
  if (/^Lease/.test(base)) return 'io.k8s.api.coordination.v1.' + base;
  if (/^Scale(Spec|Status)?$/.test(base)) return 'io.k8s.api.autoscaling.v1.' + base;
  return CORE + base;
}

const ref = (name: string): SchemaNode => ({ $ref: `#/components/schemas/${name}` });

/** A description as the models' doc comments hold it, unescaped and on one line. */
export function cleanDescription(text: string): string {
  return text.replace(/\\(['"\\])/g, '$1').replace(/\s+/g, ' ').trim();
}

interface Declaration {
  description?: string;
  properties: Map<string, string>;
  required: string[];
}

const modelsDir = join(dirname(fileURLToPath(import.meta.resolve('@kubernetes/client-node'))), 'gen', 'models');

function readDeclaration(model: string): Declaration {
  const text = readFileSync(join(modelsDir, `${model}.d.ts`), 'utf8');
  const properties = new Map<string, string>();
  for (const m of text.matchAll(/\/\*\*\n\s*\* ?((?:(?!\*\/)[\s\S])*?)\n\s*\*\/\n\s*'([^']+)'\??:/g)) {
    properties.set(m[2] as string, cleanDescription((m[1] as string).replace(/\n\s*\* ?/g, ' ')));
  }
  const required = [...text.matchAll(/^\s*'([^']+)':/gm)].map((m) => m[1] as string);
  const cls = /\/\*\*\n\* ?((?:(?!\*\/)[\s\S])*?)\n\*\/\nexport declare class/.exec(text);
  return { description: cls ? cleanDescription(cls[1] as string) : undefined, properties, required };
}

function convertType(type: string, format: string, quantity: boolean, pending: string[]): SchemaNode {
  const array = /^Array<(.+)>$/.exec(type);
  if (array) return { type: 'array', items: convertType(array[1] as string, format, quantity, pending) };
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) return { type: 'object', additionalProperties: convertType(map[1] as string, format, quantity, pending) };
  if (quantity) return ref(QUANTITY);
  switch (type) {
    case 'string':
      return format === '' ? { type: 'string' } : { type: 'string', format };
    case 'boolean':
      return { type: 'boolean' };
    case 'number':
      return format === 'int32' || format === 'int64' ? { type: 'integer', format } : { type: 'number', format: 'double' };
    case 'Date':
    case 'V1MicroTime':
      return { type: 'string', format: 'date-time' };
    case 'IntOrString':
      return ref(INT_OR_STRING);
    case 'any':
      return ref(FIELDS_V1);
  }
  if (!registry[type]) throw new Error(`no client model ${type}`);
  pending.push(type);
  return ref(componentName(type));
}

function convertModel(model: string, pending: string[]): SchemaNode {
  const cls = registry[model];
  if (!cls) throw new Error(`no client model ${model}`);
  const name = componentName(model);
  const declaration = readDeclaration(model);
  const patch = propertyPatchMetadata[name] ?? {};
  const quantities = QUANTITY_FIELDS[name] ?? [];
  const properties: Record<string, SchemaNode> = {};
  for (const attribute of [...cls.attributeTypeMap].sort((a, b) => (a.baseName < b.baseName ? -1 : 1))) {
    const node = convertType(attribute.type, attribute.format, quantities.includes(attribute.baseName), pending);
    const description = declaration.properties.get(attribute.name);
    const extensions = patch[attribute.baseName] ?? {};
    // A $ref with siblings is wrapped in allOf, as Kubernetes does, since OpenAPI 3.0 ignores them.
    const wrapped = node.$ref !== undefined && (description !== undefined || Object.keys(extensions).length > 0);
    properties[attribute.baseName] = {
      ...(wrapped ? { allOf: [node] } : node),
      ...(description === undefined ? {} : { description }),
      ...extensions,
    };
  }
  for (const field of [...Object.keys(patch), ...quantities]) {
    if (!(field in properties)) throw new Error(`${name} has no property ${field}`);
  }
  const required = declaration.required.filter((p) => p in properties).sort();
  const schema: SchemaNode = { type: 'object' };
  if (declaration.description !== undefined) schema.description = declaration.description;
  schema.properties = properties;
  if (required.length > 0) schema.required = required;
  if (atomicStructs.includes(name)) schema['x-kubernetes-map-type'] = 'atomic';
  return schema;
}

const builtInLeaves: Record<string, SchemaNode> = {
  [QUANTITY]: {
    type: 'string',
    description: 'Quantity is a fixed-point representation of a number, such as 500m or 1Gi; JSON numbers are accepted too.',
  },
  [INT_OR_STRING]: {
    format: 'int-or-string',
    description: 'IntOrString is a type that can hold an int32 or a string.',
    'x-kubernetes-int-or-string': true,
  },
  [FIELDS_V1]: {
    type: 'object',
    description: 'FieldsV1 stores a set of fields in a data structure like a Trie, in JSON format.',
    'x-kubernetes-preserve-unknown-fields': true,
  },
};

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
  return out;
}

/** The text of schemas.json. Deterministic: the same client models give the same bytes. */
export function generateSchemasJson(): string {
  const schemas: Record<string, SchemaNode> = { ...builtInLeaves, ...handWrittenSchemas };
  const pending = Object.keys(ROOTS);
  const done = new Set<string>();
  while (pending.length > 0) {
    const model = pending.pop() as string;
    if (done.has(model)) continue;
    done.add(model);
    const schema = convertModel(model, pending);
    const gvks = ROOTS[model];
    if (gvks) schema['x-kubernetes-group-version-kind'] = gvks;
    schemas[componentName(model)] = schema;
  }
  for (const name of [...Object.keys(propertyPatchMetadata), ...Object.keys(QUANTITY_FIELDS), ...atomicStructs]) {
    if (!schemas[name]) throw new Error(`patch metadata names ${name}, which no served kind references`);
  }
  const version = (JSON.parse(readFileSync(join(modelsDir, '..', '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
  const document = { source: `@kubernetes/client-node ${version} models; see scripts/gen-openapi-schemas.ts`, schemas };
  return JSON.stringify(sortKeys(document), null, 1) + '\n';
}

if (import.meta.main) {
  const text = generateSchemasJson();
  if (process.argv.includes('--stdout')) process.stdout.write(text);
  else writeFileSync(join(import.meta.dirname, '..', 'src', 'api', 'openapi', 'schemas.json'), text);
}
