// ECI's registry annotations (../shared/seeds/003_62dc9a9d57294cba.txt): every rule, exact words.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  INSECURE_REGISTRY_ANNOTATION,
  PLAIN_HTTP_REGISTRY_ANNOTATION,
  registryListProblems,
  registryProblem,
  validateRegistryAnnotations,
  validateRegistryAnnotationsUnchanged,
} from './registry-annotations.ts';

const FORMS = 'name a registry as host, host:port, *.domain or *.domain:port';
const HOST_RULE =
  'the host must be a DNS name (dot-separated labels of 1-63 letters, digits and "-", not starting or ending with "-"), ' +
  '"*." and a DNS name, an IPv4 address or an IPv6 address in brackets';

test("the seed's forms and the wildcard are valid", () => {
  for (const item of ['harbor.pre.com', '192.168.1.10:5000', 'reg.test.com:80', 'localhost', 'localhost:5000', '*.example.com', '*.example.com:443', '[::1]', '[fd00::1]:5000', 'Reg.Example.COM']) {
    assert.equal(registryProblem(item), undefined, item);
  }
  assert.deepEqual(registryListProblems('harbor.pre.com,192.168.1.10:5000,reg.test.com:80'), []);
  assert.deepEqual(registryListProblems('a.io , b.io:5000 ,c.io'), []);
});

test('each bad item is named with its rule', () => {
  const cases: [string, string][] = [
    ['http://reg.example.com', `must not have a scheme ("http://"): ${FORMS}`],
    ['https://reg.example.com:443', `must not have a scheme ("https://"): ${FORMS}`],
    ['reg.example.com/library', `must not have a path: ${FORMS}`],
    ['reg.example.com:5000/x/nginx:latest', `must not have a path: ${FORMS}`],
    ['reg example.com', `must not contain spaces: ${FORMS}`],
    ['[::1', `an IPv6 address needs its closing "]": ${FORMS}`],
    ['[::1]5000', `only ":port" may follow "]": ${FORMS}`],
    ['[zz::1]', '"zz::1" is not an IPv6 address'],
    ['[fe80::1%eth0]', '"fe80::1%eth0" is not an IPv6 address'],
    ['fd00::1', 'an IPv6 address must be in brackets ("[fd00::1]"), as in an image name'],
    ['a:b:c', HOST_RULE],
    ['reg_x.io', HOST_RULE],
    ['-reg.io', HOST_RULE],
    ['a..io', HOST_RULE],
    [`${'a'.repeat(64)}.io`, HOST_RULE],
    [':5000', HOST_RULE],
    ['*', `a wildcard may only be a whole first label ("*.example.com"): ${HOST_RULE}`],
    ['reg*.io', `a wildcard may only be a whole first label ("*.example.com"): ${HOST_RULE}`],
    ['a.*.io', `a wildcard may only be a whole first label ("*.example.com"): ${HOST_RULE}`],
    ['192.168.1.300', `"192.168.1.300" is not an IPv4 address: ${HOST_RULE}`],
    ['192.168.1', `"192.168.1" is not an IPv4 address: ${HOST_RULE}`],
    ['*.10.0.0.1', `"*.10.0.0.1" is not an IPv4 address: ${HOST_RULE}`],
    ['reg.io:0', 'the port must be a number from 1 to 65535'],
    ['reg.io:65536', 'the port must be a number from 1 to 65535'],
    ['reg.io:', 'the port must be a number from 1 to 65535'],
    ['reg.io:http', 'the port must be a number from 1 to 65535'],
    ['[::1]:99999', 'the port must be a number from 1 to 65535'],
  ];
  for (const [item, problem] of cases) assert.equal(registryProblem(item), problem, item);
  assert.equal(registryProblem('reg.io:65535'), undefined);
});

test('empty items are numbered; bad items are quoted', () => {
  assert.deepEqual(registryListProblems(''), ['item 1 is empty: separate registries with single commas']);
  assert.deepEqual(registryListProblems('a.io,,b.io, '), ['item 2 is empty: separate registries with single commas', 'item 4 is empty: separate registries with single commas']);
  assert.deepEqual(registryListProblems('a.io, http://b.io'), [`item "http://b.io": must not have a scheme ("http://"): ${FORMS}`]);
});

test('both annotations are checked where they sit; absent ones are not', () => {
  assert.deepEqual(validateRegistryAnnotations(undefined, 'metadata.annotations'), []);
  assert.deepEqual(validateRegistryAnnotations({ other: 'http://x' }, 'metadata.annotations'), []);
  const errs = validateRegistryAnnotations(
    { [PLAIN_HTTP_REGISTRY_ANNOTATION]: 'http://reg.example.com', [INSECURE_REGISTRY_ANNOTATION]: 'a.io,' },
    'spec.template.metadata.annotations',
  );
  assert.deepEqual(errs, [
    {
      reason: 'FieldValueInvalid',
      field: 'spec.template.metadata.annotations[k8s.aliyun.com/plain-http-registry]',
      message: `Invalid value: "http://reg.example.com": item "http://reg.example.com": must not have a scheme ("http://"): ${FORMS}`,
    },
    {
      reason: 'FieldValueInvalid',
      field: 'spec.template.metadata.annotations[k8s.aliyun.com/insecure-registry]',
      message: 'Invalid value: "a.io,": item 2 is empty: separate registries with single commas',
    },
  ]);
});

test("a pod's registry annotations cannot change after creation; others can", () => {
  const path = 'metadata.annotations';
  const old = { [PLAIN_HTTP_REGISTRY_ANNOTATION]: 'a.io', other: '1' };
  assert.deepEqual(validateRegistryAnnotationsUnchanged({ ...old, other: '2' }, old, path), []);
  assert.deepEqual(validateRegistryAnnotationsUnchanged(undefined, undefined, path), []);
  const why = 'field is immutable: the registry annotations are read only when the pod is created';
  assert.deepEqual(validateRegistryAnnotationsUnchanged({ [PLAIN_HTTP_REGISTRY_ANNOTATION]: 'b.io' }, old, path), [
    { reason: 'FieldValueInvalid', field: 'metadata.annotations[k8s.aliyun.com/plain-http-registry]', message: `Invalid value: "b.io": ${why}` },
  ]);
  assert.deepEqual(validateRegistryAnnotationsUnchanged({}, old, path), [
    { reason: 'FieldValueInvalid', field: 'metadata.annotations[k8s.aliyun.com/plain-http-registry]', message: `Invalid value: null: ${why}` },
  ]);
  assert.deepEqual(validateRegistryAnnotationsUnchanged({ ...old, [INSECURE_REGISTRY_ANNOTATION]: 'c.io' }, old, path), [
    { reason: 'FieldValueInvalid', field: 'metadata.annotations[k8s.aliyun.com/insecure-registry]', message: `Invalid value: "c.io": ${why}` },
  ]);
});
