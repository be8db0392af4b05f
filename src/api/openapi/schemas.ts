// The OpenAPI schemas of the served kinds (schemas.json, written by
// scripts/gen-openapi-schemas.ts), loaded once, and the resolver the validation, patch and apply
// code walks them with. Read as a file rather than imported as a JSON module so the type checker
// does not infer a type for 300 KB of JSON.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SchemaNode, SchemaResolver } from '../schema.ts';

const REF_PREFIX = '#/components/schemas/';

interface SchemasFile {
  source: string;
  schemas: Record<string, SchemaNode>;
}

const file = JSON.parse(readFileSync(join(import.meta.dirname, 'schemas.json'), 'utf8')) as SchemasFile;

/** Every component, by its OpenAPI name. Shared and never to be changed by callers. */
export const schemas: Readonly<Record<string, SchemaNode>> = file.schemas;

/** The component name a `$ref` points at, e.g. `io.k8s.api.core.v1.PodSpec`. */
export function refName(ref: string): string {
  return ref.startsWith(REF_PREFIX) ? ref.slice(REF_PREFIX.length) : ref;
}

export function schemaFor(componentName: string): SchemaNode | undefined {
  return Object.hasOwn(schemas, componentName) ? schemas[componentName] : undefined;
}

/** The `$ref` a node stands for: its own, or that of a lone `allOf: [{$ref}]` wrapper. */
export function refOf(node: SchemaNode): string | undefined {
  if (node.$ref !== undefined) return node.$ref;
  if (node.allOf?.length === 1 && node.allOf[0]?.$ref !== undefined) return node.allOf[0].$ref;
  return undefined;
}

export const schemaResolver: SchemaResolver = {
  resolve(node: SchemaNode): SchemaNode {
    let current = node;
    // Bounded: a component that is only a reference to another cannot loop in schemas.json,
    // but a malformed node must not hang the apiserver.
    for (let hops = 0; hops < 8; hops++) {
      const ref = refOf(current);
      if (ref === undefined) return current;
      const target = schemaFor(refName(ref));
      if (target === undefined) return current;
      current = target;
    }
    return current;
  },
  component: schemaFor,
};

function gvkKey(group: string, version: string, kind: string): string {
  return `${group}/${version}/${kind}`;
}

const byGvk = new Map<string, string>();
for (const [name, schema] of Object.entries(schemas)) {
  for (const gvk of schema['x-kubernetes-group-version-kind'] ?? []) byGvk.set(gvkKey(gvk.group, gvk.version, gvk.kind), name);
}

/** The component whose `x-kubernetes-group-version-kind` names this kind, e.g. `autoscaling/v1 Scale`. */
export function componentForKind(group: string, version: string, kind: string): string | undefined {
  return byGvk.get(gvkKey(group, version, kind));
}

/** The named components and every component they reference, transitively, sorted by name. */
export function referencedComponents(names: Iterable<string>): string[] {
  const seen = new Set<string>();
  const pending = [...names];
  while (pending.length > 0) {
    const name = pending.pop() as string;
    if (seen.has(name)) continue;
    const schema = schemaFor(name);
    if (schema === undefined) continue;
    seen.add(name);
    collectRefs(schema, pending);
  }
  return [...seen].sort();
}

function collectRefs(node: SchemaNode, into: string[]): void {
  if (node.$ref !== undefined) into.push(refName(node.$ref));
  for (const child of Object.values(node.properties ?? {})) collectRefs(child, into);
  if (node.items) collectRefs(node.items, into);
  if (typeof node.additionalProperties === 'object') collectRefs(node.additionalProperties, into);
  for (const part of node.allOf ?? []) collectRefs(part, into);
}
