import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProtobufWriter } from './protobuf-writer.ts';
import { testKinds } from './test-kinds.ts';
import { OPENAPI_V2_PROTOBUF_CONTENT_TYPE, openApiV2Protobuf, yamlValue } from './v2-protobuf.ts';

// A tiny protobuf decoder: field number → values (numbers for varints, Buffers otherwise).
type Fields = Map<number, (number | Buffer)[]>;

function decode(buf: Buffer): Fields {
  const fields: Fields = new Map();
  let pos = 0;
  const varint = (): number => {
    let result = 0;
    let scale = 1;
    for (;;) {
      const byte = buf[pos++];
      assert.ok(byte !== undefined, 'truncated varint');
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 0x80;
    }
  };
  while (pos < buf.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key % 8;
    let value: number | Buffer;
    if (wire === 0) value = varint();
    else if (wire === 1) value = buf.subarray(pos, (pos += 8));
    else if (wire === 2) {
      const length = varint();
      value = buf.subarray(pos, (pos += length));
      assert.ok(pos <= buf.length, 'truncated length-delimited field');
    } else assert.fail(`unexpected wire type ${wire}`);
    fields.set(field, [...(fields.get(field) ?? []), value]);
  }
  return fields;
}

const all = (f: Fields, n: number): Buffer[] => (f.get(n) ?? []) as Buffer[];
const one = (f: Fields, n: number): Fields => {
  const [b] = all(f, n);
  assert.ok(b, `field ${n} missing`);
  return decode(b);
};
const str = (f: Fields, n: number): string => all(f, n)[0]?.toString('utf8') ?? '';
const strs = (f: Fields, n: number): string[] => all(f, n).map((b) => b.toString('utf8'));

/** NamedAny[] → name → yaml. */
function extensions(f: Fields, n: number): Record<string, string> {
  return Object.fromEntries(all(f, n).map((b) => decode(b)).map((named) => [str(named, 1), str(one(named, 2), 2)]));
}

/** Named*[] (name 1, value 2) → name → decoded value. */
function named(f: Fields, n: number): Map<string, Fields> {
  return new Map(all(f, n).map((b) => decode(b)).map((entry) => [str(entry, 1), one(entry, 2)]));
}

const doc = decode(openApiV2Protobuf(testKinds));
const paths = named(one(doc, 8), 2);
const definitions = named(one(doc, 9), 1);

test('the document has swagger 2.0, info and the paths of every kind', () => {
  assert.equal(str(doc, 1), '2.0');
  assert.equal(str(one(doc, 2), 1), 'Kubernetes');
  assert.ok(paths.has('/apis/apps/v1/namespaces/{namespace}/deployments/{name}'));
  assert.ok(paths.has('/apis/eci.alibabacloud.com/v1/imagecaches/{name}'));
  assert.ok(paths.has('/api/v1/namespaces/{namespace}/pods/{name}/log'));
  assert.equal(OPENAPI_V2_PROTOBUF_CONTENT_TYPE, 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
});

test('each PATCH carries the kind as YAML and a fieldValidation query parameter (what kubectl 1.27 checks)', () => {
  for (const kind of testKinds) {
    const prefix = kind.group === '' ? '/api/v1' : `/apis/${kind.group}/v1`;
    const path = `${kind.namespaced ? `${prefix}/namespaces/{namespace}` : prefix}/${kind.resource}/{name}`;
    const item = paths.get(path);
    assert.ok(item, path);
    const patch = one(item, 8);
    const ext = extensions(patch, 13);
    const group = kind.group === '' ? '""' : kind.group;
    assert.equal(ext['x-kubernetes-group-version-kind'], `group: ${group}\nkind: ${kind.kind}\nversion: v1\n`);
    assert.equal(ext['x-kubernetes-action'], 'patch\n');
    const parameters = all(patch, 8).map((b) => one(decode(b), 1));
    assert.ok(parameters.some((p) => p.has(1) && str(one(p, 1), 3) === 'body'), 'the patch body is a body parameter');
    const queries = parameters
      .filter((p) => p.has(2))
      .map((p) => one(p, 2))
      .filter((nonBody) => nonBody.has(3))
      .map((nonBody) => one(nonBody, 3));
    const fieldValidation = queries.find((q) => str(q, 4) === 'fieldValidation');
    assert.ok(fieldValidation, `${kind.kind} PATCH has fieldValidation`);
    assert.equal(str(fieldValidation, 2), 'query');
    assert.equal(str(fieldValidation, 6), 'string');
    const pathParams = all(item, 9).map((b) => one(one(decode(b), 1), 2));
    assert.ok(pathParams.some((p) => p.has(4) && str(one(p, 4), 4) === 'name' && one(p, 4).get(1)?.[0] === 1), 'name is a required path parameter');
  }
});

test('definitions hold the schemas with references, merge keys and the kinds', () => {
  const deployment = definitions.get('io.k8s.api.apps.v1.Deployment');
  assert.ok(deployment);
  assert.equal(extensions(deployment, 31)['x-kubernetes-group-version-kind'], '- group: apps\n  kind: Deployment\n  version: v1\n');
  const properties = named(one(deployment, 25), 1);
  assert.equal(str(properties.get('spec') as Fields, 1), '#/definitions/io.k8s.api.apps.v1.DeploymentSpec');
  const podSpec = definitions.get('io.k8s.api.core.v1.PodSpec');
  assert.ok(podSpec);
  const containers = named(one(podSpec, 25), 1).get('containers') as Fields;
  assert.deepEqual(strs(one(containers, 22), 1), ['array']);
  assert.deepEqual(extensions(containers, 31), {
    'x-kubernetes-list-map-keys': '- name\n',
    'x-kubernetes-list-type': 'map\n',
    'x-kubernetes-patch-merge-key': 'name\n',
    'x-kubernetes-patch-strategy': 'merge\n',
  });
  assert.equal(str(one(one(containers, 23), 1), 1), '#/definitions/io.k8s.api.core.v1.Container');
  assert.deepEqual(strs(definitions.get('io.k8s.api.core.v1.Container') as Fields, 19), ['name']);
  const labels = named(one(definitions.get('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta') as Fields, 25), 1).get('labels') as Fields;
  assert.deepEqual(strs(one(one(one(labels, 21), 1), 22), 1), ['string']);
  const intOrString = definitions.get('io.k8s.apimachinery.pkg.util.intstr.IntOrString') as Fields;
  assert.deepEqual([strs(one(intOrString, 22), 1), str(intOrString, 2)], [['string'], 'int-or-string']);
  assert.ok(definitions.has('com.alibabacloud.eci.v1.ImageCache'));
  for (const [name, schema] of definitions) {
    if (schema.has(1)) assert.ok(definitions.has(str(schema, 1).replace('#/definitions/', '')), `${name} refers to a missing definition`);
  }
});

test('the document is built once and is deterministic', () => {
  assert.equal(openApiV2Protobuf(testKinds), openApiV2Protobuf(testKinds));
  assert.deepEqual(openApiV2Protobuf([...testKinds]), openApiV2Protobuf(testKinds));
});

test('extension values are YAML that reads back as the value', () => {
  assert.equal(yamlValue('merge,retainKeys'), 'merge,retainKeys\n');
  assert.equal(yamlValue(''), '""\n');
  assert.equal(yamlValue('true'), '"true"\n');
  assert.equal(yamlValue(true), 'true\n');
  assert.equal(yamlValue(['containerPort', 'protocol']), '- containerPort\n- protocol\n');
  assert.equal(yamlValue({ version: 'v1', group: 'apps', kind: 'Deployment' }), 'group: apps\nkind: Deployment\nversion: v1\n');
});

test('the writer encodes varints, skips proto3 defaults and keeps oneof members', () => {
  const w = new ProtobufWriter().int64(1, 300).string(2, '').bool(3, false).oneofBool(4, false).int64(5, 2 ** 40).double(6, 1.5);
  const bytes = w.finish();
  assert.deepEqual([...bytes.subarray(0, 3)], [0x08, 0xac, 0x02]);
  const fields = decode(bytes);
  assert.deepEqual([...fields.keys()], [1, 4, 5, 6]);
  assert.deepEqual([fields.get(1), fields.get(4), fields.get(5)], [[300], [0], [2 ** 40]]);
  assert.equal((fields.get(6)?.[0] as Buffer).readDoubleLE(0), 1.5);
  assert.throws(() => new ProtobufWriter().int64(1, -1), RangeError);
});
