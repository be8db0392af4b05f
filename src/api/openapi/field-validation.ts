// Field validation against the served schemas: the fields a request body has that its kind does
// not (what `fieldValidation=Strict|Warn` reports), and values of the wrong JSON type (what the
// apiserver's decoder rejects whatever the validation level). Paths are Kubernetes' own:
// `.spec.template.spec.containers[0].imagePullPolicyy`; messages.ts turns them into its wording.
import type { SchemaNode, SchemaResolver } from '../schema.ts';
import { refName, refOf } from './schemas.ts';

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';

export interface UnknownFieldOptions {
  /**
   * Name elements of `x-kubernetes-list-type: map` lists by their keys, as server-side apply
   * does (`.spec.containers[name="web"].foo`), instead of by index.
   */
  listKeys?: boolean;
}

type JsonType = 'string' | 'number' | 'boolean' | 'object' | 'array' | 'null';

/** A value whose JSON type the schema does not allow. */
export interface TypeMismatch {
  /** `.spec.template.spec.containers[0].ports[0].containerPort`. */
  path: string;
  /** The path as Go's JSON decoder names it, without indices or map keys: `spec.template.spec.containers.ports.containerPort`. */
  goField: string;
  /** The Go struct holding the field, e.g. `ContainerPort`; empty for the top level and inline objects. */
  goStruct: string;
  /** The Go type of the field, e.g. `int32`, `[]v1.Container`, `map[string]string`. */
  goType: string;
  /** The OpenAPI type the schema asks for. */
  expected: string;
  actual: JsonType;
  value: unknown;
}

function jsonType(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value as JsonType;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A schema node with its reference followed, keeping the flags the referring node adds. */
interface Resolved {
  node: SchemaNode;
  /** Component name when the node is (or refers to) a component. */
  component: string | undefined;
  preserveUnknown: boolean;
  intOrString: boolean;
  embedded: boolean;
}

function resolve(node: SchemaNode, resolver: SchemaResolver, component?: string): Resolved {
  const ref = refOf(node);
  const target = resolver.resolve(node);
  return {
    node: target,
    component: ref === undefined ? component : refName(ref),
    preserveUnknown: node['x-kubernetes-preserve-unknown-fields'] === true || target['x-kubernetes-preserve-unknown-fields'] === true,
    intOrString: node['x-kubernetes-int-or-string'] === true || target['x-kubernetes-int-or-string'] === true,
    embedded: node['x-kubernetes-embedded-resource'] === true || target['x-kubernetes-embedded-resource'] === true,
  };
}

function rootOf(componentName: string, resolver: SchemaResolver): Resolved {
  const schema = resolver.component(componentName);
  if (schema === undefined) throw new RangeError(`no OpenAPI component ${componentName}`);
  return { ...resolve(schema, resolver, componentName), embedded: true };
}

function keyedSegment(element: unknown, keys: string[] | undefined, index: number): string {
  if (keys === undefined || keys.length === 0 || !isObject(element)) return `[${index}]`;
  // structured-merge-diff's PathElement form: [name="web"], [containerPort=80,protocol="TCP"].
  return `[${keys.map((k) => `${k}=${JSON.stringify(element[k] ?? null)}`).join(',')}]`;
}

/**
 * The paths of the fields `object` has that the schema of `componentName` does not declare.
 * `apiVersion`, `kind` and `metadata` are always known at the top level and in embedded
 * resources; maps (`additionalProperties`), `x-kubernetes-preserve-unknown-fields` and
 * int-or-string values accept whatever they hold. Values of the wrong type are not descended into.
 */
export function unknownFields(
  object: unknown,
  componentName: string,
  resolver: SchemaResolver,
  options: UnknownFieldOptions = {},
): string[] {
  const found: string[] = [];
  walkUnknown(object, rootOf(componentName, resolver), '', resolver, options, found);
  return found;
}

function walkUnknown(
  value: unknown,
  at: Resolved,
  path: string,
  resolver: SchemaResolver,
  options: UnknownFieldOptions,
  found: string[],
): void {
  if (at.intOrString || value === null) return;
  const node = at.node;
  if (Array.isArray(value)) {
    if (node.items === undefined) return;
    const item = resolve(node.items, resolver);
    const keys = options.listKeys && node['x-kubernetes-list-type'] === 'map' ? node['x-kubernetes-list-map-keys'] : undefined;
    value.forEach((element, i) => walkUnknown(element, item, path + keyedSegment(element, keys, i), resolver, options, found));
    return;
  }
  if (!isObject(value)) return;
  const properties = node.properties;
  const additional = node.additionalProperties;
  // An object schema that names no fields (FieldsV1, Patch, free-form) accepts any.
  const freeForm = properties === undefined && additional === undefined;
  if (freeForm && !at.embedded) return;
  for (const [key, child] of Object.entries(value)) {
    const childPath = `${path}.${key}`;
    const declared = properties !== undefined && Object.hasOwn(properties, key) ? properties[key] : undefined;
    if (declared !== undefined) {
      walkUnknown(child, resolve(declared, resolver), childPath, resolver, options, found);
    } else if (at.embedded && (key === 'apiVersion' || key === 'kind')) {
      continue;
    } else if (at.embedded && key === 'metadata') {
      walkUnknown(child, rootOf(OBJECT_META, resolver), childPath, resolver, options, found);
    } else if (typeof additional === 'object') {
      walkUnknown(child, resolve(additional, resolver), childPath, resolver, options, found);
    } else if (additional !== true && !at.preserveUnknown && !freeForm) {
      found.push(childPath);
    }
  }
}

/** The Go type Kubernetes declares for a schema node, as its JSON decoder prints it. */
function goType(node: SchemaNode, resolver: SchemaResolver): string {
  const ref = refOf(node);
  if (ref !== undefined) {
    const name = refName(ref);
    if (name === QUANTITY) return 'resource.Quantity';
    if (name === INT_OR_STRING) return 'intstr.IntOrString';
    const target = resolver.resolve(node);
    if (target.type === 'object' && (target.properties !== undefined || target.additionalProperties === undefined)) {
      return `${name.split('.').at(-2) ?? 'v1'}.${name.split('.').at(-1) ?? name}`;
    }
    return goType(target, resolver);
  }
  switch (node.type) {
    case 'array':
      return '[]' + (node.items ? goType(node.items, resolver) : 'interface {}');
    case 'object':
      return typeof node.additionalProperties === 'object' ? 'map[string]' + goType(node.additionalProperties, resolver) : 'map[string]interface {}';
    case 'string':
      if (node.format === 'byte') return '[]uint8';
      return node.format === 'date-time' ? 'v1.Time' : 'string';
    case 'integer':
      return node.format === 'int32' ? 'int32' : 'int64';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
  }
  return 'interface {}';
}

function accepts(at: Resolved, value: unknown): boolean {
  const actual = jsonType(value);
  if (actual === 'null' || at.preserveUnknown) return true;
  if (at.intOrString) return actual === 'string' || (actual === 'number' && Number.isInteger(value));
  if (at.component === QUANTITY) return actual === 'string' || actual === 'number';
  switch (at.node.type) {
    case 'object':
      return actual === 'object';
    case 'array':
      return actual === 'array';
    case 'string':
      return actual === 'string';
    case 'integer':
      return actual === 'number' && Number.isInteger(value);
    case 'number':
      return actual === 'number';
    case 'boolean':
      return actual === 'boolean';
  }
  return at.node.properties === undefined || actual === 'object';
}

/** Values whose JSON type differs from the schema's, outermost first; their insides are not checked. */
export function typeMismatches(object: unknown, componentName: string, resolver: SchemaResolver): TypeMismatch[] {
  const found: TypeMismatch[] = [];
  const root = rootOf(componentName, resolver);
  const rootNode = resolver.component(componentName) as SchemaNode;
  walkTypes(object, root, rootNode, { path: '', goField: '', goStruct: '' }, resolver, found);
  return found;
}

interface Place {
  path: string;
  goField: string;
  goStruct: string;
}

function walkTypes(value: unknown, at: Resolved, declared: SchemaNode, place: Place, resolver: SchemaResolver, found: TypeMismatch[]): void {
  if (!accepts(at, value)) {
    const expected = at.intOrString ? 'int-or-string' : (at.node.type ?? 'object');
    const goDeclared = place.path === '' ? { $ref: `#/components/schemas/${at.component ?? ''}` } : declared;
    found.push({ ...place, goType: goType(goDeclared, resolver), expected, actual: jsonType(value), value });
    return;
  }
  if (value === null || at.intOrString || at.component === QUANTITY) return;
  const node = at.node;
  if (Array.isArray(value)) {
    if (node.items === undefined) return;
    const item = resolve(node.items, resolver);
    value.forEach((element, i) => walkTypes(element, item, node.items as SchemaNode, { ...place, path: `${place.path}[${i}]` }, resolver, found));
    return;
  }
  if (!isObject(value)) return;
  const struct = at.component?.split('.').at(-1) ?? '';
  for (const [key, child] of Object.entries(value)) {
    const property = node.properties !== undefined && Object.hasOwn(node.properties, key) ? node.properties[key] : undefined;
    const additional = typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined;
    const next = property ?? (at.embedded && key === 'metadata' ? { $ref: `#/components/schemas/${OBJECT_META}` } : additional);
    if (next === undefined) continue;
    const goField = property === undefined && additional !== undefined ? place.goField : place.goField === '' ? key : `${place.goField}.${key}`;
    const goStruct = property === undefined && additional !== undefined ? place.goStruct : struct;
    walkTypes(child, resolve(next, resolver), next, { path: `${place.path}.${key}`, goField, goStruct }, resolver, found);
  }
}
