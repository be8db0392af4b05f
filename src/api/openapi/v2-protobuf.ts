// The document served at /openapi/v2 to kubectl 1.27 and 1.28, which read OpenAPI v2 only as the
// protobuf of gnostic's `openapi.v2.Document`
// (https://github.com/google/gnostic/blob/main/openapiv2/OpenAPIv2.proto; field numbers below).
// Those kubectl versions send `fieldValidation=Strict` when the PATCH operation of a kind carries
// that kind in `x-kubernetes-group-version-kind` and a `fieldValidation` query parameter, and
// they read `definitions` (with the strategic-merge extensions) for `kubectl apply`.
// Vendor-extension values are YAML text (`Any.yaml`), as gnostic stores them.
import type { KindDefinition } from '../kind.ts';
import type { SchemaNode } from '../schema.ts';
import { pathsFor, type Operation, type Parameter, type PathItem } from './paths.ts';
import { ProtobufWriter } from './protobuf-writer.ts';
import { referencedComponents, refName, refOf, schemaFor } from './schemas.ts';

/** Content-Type of the response. Not `…@v1.0+protobuf`: client-go rejects the `@` (mime: unexpected content). */
export const OPENAPI_V2_PROTOBUF_CONTENT_TYPE = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

const cache = new WeakMap<readonly KindDefinition[], Buffer>();

/** A YAML scalar: plain when YAML reads it back as the same string, else double-quoted (JSON is YAML). */
function yamlScalar(value: string): string {
  return /^[A-Za-z][A-Za-z0-9_./,-]*$/.test(value) && !/^(true|false|null|yes|no|on|off|y|n)$/i.test(value)
    ? value
    : JSON.stringify(value);
}

function yamlMap(value: Record<string, unknown>, indent: string): string {
  return Object.keys(value)
    .sort()
    .map((k, i) => `${i === 0 ? '' : indent}${k}: ${yamlScalar(String(value[k]))}\n`)
    .join('');
}

/** The YAML text of an extension value: a scalar, a list of strings, a map, or a list of maps. */
export function yamlValue(value: unknown): string {
  if (typeof value === 'boolean' || typeof value === 'number') return `${String(value)}\n`;
  if (typeof value === 'string') return `${yamlScalar(value)}\n`;
  if (Array.isArray(value)) {
    return value.map((v) => (typeof v === 'object' && v !== null ? `- ${yamlMap(v as Record<string, unknown>, '  ')}` : `- ${yamlScalar(String(v))}\n`)).join('');
  }
  return yamlMap(value as Record<string, unknown>, '');
}

function vendorExtensions(w: ProtobufWriter, field: number, extensions: [string, unknown][]): void {
  // NamedAny { name = 1; value = 2 (Any { yaml = 2 }) }
  for (const [name, value] of extensions) {
    w.message(field, (n) => n.string(1, name).message(2, (a) => a.string(2, yamlValue(value))));
  }
}

function schemaExtensions(node: SchemaNode): [string, unknown][] {
  return Object.entries(node)
    .filter(([k, v]) => k.startsWith('x-kubernetes-') && v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
}

/** Schema: _ref 1, format 2, description 4, required 19, additional_properties 21, type 22, items 23, properties 25, vendor_extension 31. */
function writeSchema(w: ProtobufWriter, node: SchemaNode): void {
  const ref = refOf(node);
  if (ref !== undefined) {
    w.string(1, `#/definitions/${refName(ref)}`);
  } else if (node['x-kubernetes-int-or-string']) {
    // Kubernetes publishes IntOrString in v2 as a string of format int-or-string.
    w.message(22, (t) => t.string(1, 'string'));
  } else if (node.type !== undefined) {
    w.message(22, (t) => t.string(1, node.type));
  }
  w.string(2, node.format);
  w.string(4, node.description);
  w.strings(19, node.required);
  if (typeof node.additionalProperties === 'object') {
    const additional = node.additionalProperties;
    w.message(21, (a) => a.message(1, (s) => writeSchema(s, additional)));
  } else if (typeof node.additionalProperties === 'boolean') {
    const additional = node.additionalProperties;
    w.message(21, (a) => a.oneofBool(2, additional));
  }
  const items = node.items;
  if (items) w.message(23, (i) => i.message(1, (s) => writeSchema(s, items)));
  const properties = node.properties;
  if (properties) {
    w.message(25, (p) => {
      for (const name of Object.keys(properties).sort()) {
        p.message(1, (n) => n.string(1, name).message(2, (s) => writeSchema(s, properties[name] as SchemaNode)));
      }
    });
  }
  vendorExtensions(w, 31, schemaExtensions(node));
}

/** ParametersItem { parameter 1 { non_body_parameter 2 { query 3 | path 4 } | body_parameter 1 } }. */
function writeParameter(w: ProtobufWriter, field: number, p: Parameter): void {
  w.message(field, (item) =>
    item.message(1, (param) =>
      param.message(2, (nonBody) =>
        // QueryParameterSubSchema: required 1, in 2, description 3, name 4, type 6, unique_items 20.
        // PathParameterSubSchema:  required 1, in 2, description 3, name 4, type 5, unique_items 19.
        nonBody.message(p.in === 'query' ? 3 : 4, (s) => {
          s.bool(1, p.in === 'path').string(2, p.in).string(3, p.description).string(4, p.name);
          s.string(p.in === 'query' ? 6 : 5, p.type).bool(p.in === 'query' ? 20 : 19, true);
        }),
      ),
    ),
  );
}

/** Operation: tags 1, description 3, operation_id 5, produces 6, consumes 7, parameters 8, responses 9, schemes 10, vendor_extension 13. */
function writeOperation(w: ProtobufWriter, o: Operation): void {
  w.strings(1, [o.tag]).string(3, o.description).string(5, o.operationId);
  w.strings(6, o.responseMediaTypes.filter((t) => !t.includes('stream=')));
  if (o.request) w.strings(7, o.request.mediaTypes);
  if (o.request) {
    const request = o.request;
    // BodyParameter: description 1, name 2, in 3, required 4, schema 5.
    w.message(8, (item) =>
      item.message(1, (param) =>
        param.message(1, (b) => b.string(2, 'body').string(3, 'body').bool(4, request.required).message(5, (s) => writeSchema(s, { $ref: request.schema }))),
      ),
    );
  }
  for (const p of o.parameters) writeParameter(w, 8, p);
  // Responses { response_code 1: NamedResponseValue { name 1, value 2: ResponseValue { response 1: Response { description 1, schema 2: SchemaItem { schema 1 } } } } }
  w.message(9, (r) =>
    r.message(1, (named) =>
      named.string(1, '200').message(2, (value) =>
        value.message(1, (response) => {
          response.string(1, 'OK');
          response.message(2, (item) => item.message(1, (s) => writeSchema(s, o.response === undefined ? { type: 'string' } : { $ref: o.response })));
        }),
      ),
    ),
  );
  w.strings(10, ['https']);
  vendorExtensions(w, 13, [
    ['x-kubernetes-action', o.action],
    ['x-kubernetes-group-version-kind', o.gvk],
  ]);
}

/** PathItem: get 2, put 3, post 4, delete 5, patch 8, parameters 9. */
const METHOD_FIELDS = { get: 2, put: 3, post: 4, delete: 5, patch: 8 } as const;

function writePathItem(w: ProtobufWriter, item: PathItem): void {
  const operations = [...item.operations].sort((a, b) => METHOD_FIELDS[a.method] - METHOD_FIELDS[b.method]);
  for (const o of operations) w.message(METHOD_FIELDS[o.method], (op) => writeOperation(op, o));
  for (const p of item.parameters) writeParameter(w, 9, p);
}

function build(kinds: readonly KindDefinition[]): Buffer {
  const items = kinds.flatMap(pathsFor).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const components = new Set<string>();
  for (const item of items) {
    for (const o of item.operations) {
      if (o.response !== undefined) components.add(o.response);
      if (o.request) components.add(o.request.schema);
    }
  }
  const w = new ProtobufWriter();
  // Document: swagger 1, info 2 (title 1, version 2), paths 8 (path 2: NamedPathItem), definitions 9 (NamedSchema 1).
  w.string(1, '2.0');
  w.message(2, (info) => info.string(1, 'Kubernetes').string(2, 'unversioned'));
  w.message(8, (paths) => {
    for (const item of items) paths.message(2, (named) => named.string(1, item.path).message(2, (p) => writePathItem(p, item)));
  });
  w.message(9, (definitions) => {
    for (const name of referencedComponents(components)) {
      definitions.message(1, (named) => named.string(1, name).message(2, (s) => writeSchema(s, schemaFor(name) as SchemaNode)));
    }
  });
  return w.finish();
}

/** The gnostic `openapi.v2.Document` protobuf for the served kinds; built once per kinds array. */
export function openApiV2Protobuf(kinds: readonly KindDefinition[]): Buffer {
  let doc = cache.get(kinds);
  if (doc === undefined) {
    doc = build(kinds);
    cache.set(kinds, doc);
  }
  return doc;
}
