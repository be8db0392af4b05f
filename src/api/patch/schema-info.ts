// Reading the OpenAPI schema for patching. Kubernetes puts the `x-kubernetes-*` extensions of a
// field on the property node, which often only wraps a `$ref` (`{allOf: [{$ref}], x-...}`), so
// extensions are read from the node first and from the schema it references second.
import type { SchemaNode, SchemaResolver } from '../schema.ts';

type Extension =
  | 'x-kubernetes-patch-merge-key'
  | 'x-kubernetes-patch-strategy'
  | 'x-kubernetes-list-type'
  | 'x-kubernetes-list-map-keys'
  | 'x-kubernetes-map-type'
  | 'x-kubernetes-preserve-unknown-fields'
  | 'x-kubernetes-int-or-string';

export function resolveSchema(node: SchemaNode | undefined, resolver: SchemaResolver): SchemaNode | undefined {
  return node === undefined ? undefined : resolver.resolve(node);
}

export function extension<K extends Extension>(
  node: SchemaNode | undefined,
  name: K,
  resolver: SchemaResolver,
): SchemaNode[K] | undefined {
  if (node === undefined) return undefined;
  return node[name] ?? resolver.resolve(node)[name];
}

export interface FieldSchema {
  schema: SchemaNode | undefined;
  /** A named property (a struct field), as opposed to an entry of a map or an unknown field. */
  declared: boolean;
}

/** The schema of the value under `key` of an object: its property, else `additionalProperties`. */
export function fieldSchema(node: SchemaNode | undefined, key: string, resolver: SchemaResolver): FieldSchema {
  const resolved = resolveSchema(node, resolver);
  const property = resolved?.properties?.[key];
  if (property !== undefined) return { schema: property, declared: true };
  const extra = resolved?.additionalProperties;
  return { schema: typeof extra === 'object' ? extra : undefined, declared: false };
}

export function itemSchema(node: SchemaNode | undefined, resolver: SchemaResolver): SchemaNode | undefined {
  return resolveSchema(node, resolver)?.items;
}

export interface PatchMeta {
  /** `x-kubernetes-patch-strategy` split on commas: `merge`, `replace`, `retainKeys`. */
  strategies: string[];
  mergeKey: string | undefined;
}

export function patchMeta(node: SchemaNode | undefined, resolver: SchemaResolver): PatchMeta {
  const strategy = extension(node, 'x-kubernetes-patch-strategy', resolver) ?? '';
  return {
    strategies: strategy.split(',').map((s) => s.trim()).filter((s) => s !== ''),
    mergeKey: extension(node, 'x-kubernetes-patch-merge-key', resolver),
  };
}

export type NodeShape = 'object' | 'array' | 'scalar' | 'unknown';

/** What the schema says the value is; `unknown` when it does not say (no type, preserve-unknown-fields). */
export function schemaShape(node: SchemaNode | undefined, resolver: SchemaResolver): NodeShape {
  const resolved = resolveSchema(node, resolver);
  if (resolved === undefined) return 'unknown';
  if (extension(node, 'x-kubernetes-int-or-string', resolver)) return 'scalar';
  if (resolved.type === 'array' || resolved.items !== undefined) return 'array';
  if (resolved.type === 'object' || resolved.properties !== undefined || resolved.additionalProperties !== undefined) {
    const typed = resolved.properties !== undefined || typeof resolved.additionalProperties === 'object';
    return typed ? 'object' : 'unknown';
  }
  if (resolved.type !== undefined) return 'scalar';
  return 'unknown';
}
