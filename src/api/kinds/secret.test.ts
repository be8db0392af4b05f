import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../object.ts';
import { secretKind } from './secret.ts';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

function secret(fields: Record<string, unknown>, name = 'myregistrykey'): KubeObject {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'default' }, ...fields };
}

function messages(s: KubeObject, old?: KubeObject): string[] {
  secretKind.defaults(s);
  return secretKind.validate(s, old).map((e) => `${e.field}: ${e.message}`);
}

const DOCKER_CONFIG = '{"auths":{"www.example.com":{"username":"ssl","password":"xxx","email":"example@123.com","auth":"c3NsOnh4eA=="}}}';

test('type defaults to Opaque; stringData is merged into data and dropped', () => {
  const s = secret({ data: { a: b64('old'), b: b64('keep') }, stringData: { a: 'new', c: 'ünï' } });
  secretKind.defaults(s);
  assert.equal(s.type, 'Opaque');
  assert.deepEqual(s.data, { a: b64('new'), b: b64('keep'), c: b64('ünï') });
  assert.equal(s.stringData, undefined);
});

test('a docker-registry secret as kubectl creates it is valid', () => {
  assert.deepEqual(messages(secret({ type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64(DOCKER_CONFIG) } })), []);
  assert.deepEqual(messages(secret({ type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64(DOCKER_CONFIG) } }, 'default-secret')), []);
});

test('secret names are DNS-1123 subdomains of at most 253 characters', () => {
  const got = messages(secret({ data: {} }, 'My_Secret'));
  assert.equal(got.length, 1);
  assert.equal(
    got[0],
    "metadata.name: Invalid value: \"My_Secret\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
  );
  assert.deepEqual(messages(secret({}, 'a'.repeat(253))), []);
  assert.deepEqual(messages(secret({}, 'a'.repeat(254))), ['metadata.name: Invalid value: "' + 'a'.repeat(254) + '": must be no more than 253 characters']);
});

test('dockerconfigjson needs its key, valid JSON and an auths object', () => {
  assert.deepEqual(messages(secret({ type: 'kubernetes.io/dockerconfigjson', data: {} })), ['data[.dockerconfigjson]: Required value']);
  assert.deepEqual(messages(secret({ type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('{"auths": x}') } })), [
    'data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": invalid character \'x\' looking for beginning of value',
  ]);
  assert.deepEqual(messages(secret({ type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('{}') } })), [
    'data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": a docker config must have an "auths" object',
  ]);
  assert.deepEqual(messages(secret({ type: 'kubernetes.io/dockercfg', data: { '.dockercfg': b64('[]') } })), [
    'data[.dockercfg]: Invalid value: "<secret contents redacted>": json: cannot unmarshal array into Go value of type map[string]interface {}',
  ]);
  assert.deepEqual(messages(secret({ type: 'kubernetes.io/dockercfg', data: { '.dockercfg': b64('{"r.io":{"auth":"x"}}') } })), []);
});

test('basic-auth needs a username or a password', () => {
  assert.deepEqual(messages(secret({ type: 'kubernetes.io/basic-auth', data: {} })), ['data[username]: Required value', 'data[password]: Required value']);
  assert.deepEqual(messages(secret({ type: 'kubernetes.io/basic-auth', stringData: { password: 'p' } })), []);
});

test('data keys are config keys; values are base64', () => {
  const got = messages(secret({ data: { 'bad/key': b64('x'), ok: 'not base64!' } }));
  assert.equal(got.length, 2);
  assert.match(got[0] ?? '', /^data\[bad\/key\]: Invalid value: "bad\/key": a valid config key must consist of/);
  assert.equal(got[1], 'data[ok]: Invalid value: "<secret contents redacted>": illegal base64 data at input byte 3');
});

test('type is immutable; an immutable secret keeps its data', () => {
  const old = secret({ type: 'Opaque', immutable: true, data: { a: b64('1') } });
  secretKind.defaults(old);
  assert.deepEqual(messages(secret({ type: 'Opaque', immutable: true, data: { a: b64('1') } }), old), []);
  assert.deepEqual(messages(secret({ type: 'kubernetes.io/basic-auth', immutable: true, data: { a: b64('1'), username: b64('u') } }), old), [
    'type: Invalid value: "kubernetes.io/basic-auth": field is immutable',
    'data: Forbidden: field is immutable when `immutable` is set',
  ]);
  assert.deepEqual(messages(secret({ type: 'Opaque', data: { a: b64('1') } }), old), ['immutable: Forbidden: field is immutable when `immutable` is set']);
});

test('table: Name, Type, Data (number of keys), Age', () => {
  const s = secret({ type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64(DOCKER_CONFIG) } });
  s.metadata.creationTimestamp = '2026-01-10T11:58:45Z';
  assert.deepEqual(secretKind.table.cells(s, new Date('2026-01-10T12:00:00Z')), ['myregistrykey', 'kubernetes.io/dockerconfigjson', 1, '75s']);
  assert.deepEqual(secretKind.table.columns.map((c) => c.name), ['Name', 'Type', 'Data', 'Age']);
  assert.equal(secretKind.fieldSelectors.type?.(s), 'kubernetes.io/dockerconfigjson');
});
