// The OpenAPI v3 schema subset Ferry serves at /openapi/v3 and uses for strict field validation,
// strategic merge patch and server-side apply. Names of the `x-kubernetes-*` extensions are
// Kubernetes' own: https://kubernetes.io/docs/reference/using-api/server-side-apply/#merge-strategy

export interface SchemaNode {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  format?: string;
  description?: string;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  items?: SchemaNode;
  additionalProperties?: SchemaNode | boolean;
  enum?: string[];
  default?: unknown;
  $ref?: string;
  allOf?: SchemaNode[];
  'x-kubernetes-patch-merge-key'?: string;
  /** `merge`, `replace`, `retainKeys` or `merge,retainKeys`. */
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[];
}

/** Follows `$ref` (and a lone `allOf: [{$ref}]`) to the schema it names. */
export interface SchemaResolver {
  resolve(node: SchemaNode): SchemaNode;
  /** The schema of a component by its OpenAPI name, e.g. `io.k8s.api.apps.v1.Deployment`. */
  component(name: string): SchemaNode | undefined;
}
