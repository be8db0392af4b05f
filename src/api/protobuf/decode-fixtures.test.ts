// Real request bodies captured from kubectl against a loopback stub (see fixtures/README.md): the
// protobuf that kubectl 1.32 sends must decode to the JSON that kubectl 1.31 sends for the same command.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { decodeKubernetesProtobuf } from './decode.ts';

const fixtures = new URL('./fixtures/', import.meta.url);

// kubectl's JSON writes the unset metav1.Time as null; the decoder drops it instead.
function withoutNullTimestamps(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNullTimestamps);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key, v]) => !(key === 'creationTimestamp' && v === null))
      .map(([key, v]) => [key, withoutNullTimestamps(v)]),
  );
}

const commands: [string, string][] = [
  ['secret-docker-registry', 'create secret docker-registry x --docker-server=r.example --docker-username=u --docker-password=p'],
  ['configmap', 'create configmap c --from-literal=a=b'],
  ['namespace', 'create namespace n'],
  ['deployment', 'create deployment d --image=nginx:1.25 --replicas=2 --port=80 -- sleep 10'],
  ['secret-generic', 'create secret generic s -n team --from-literal=k=v --from-literal=empty='],
  ['configmap-binary', 'create configmap cb --from-literal=empty= --from-file=bin.dat'],
  ['deployment-multi', 'create deployment dm -n team --image=busybox:1.36 --image=redis:7 --replicas=0'],
];

describe('kubectl 1.32 protobuf bodies decode to kubectl 1.31 JSON bodies', () => {
  for (const [name, command] of commands) {
    test(`kubectl ${command}`, () => {
      const body = readFileSync(new URL(`${name}.bin`, fixtures));
      const expected = withoutNullTimestamps(JSON.parse(readFileSync(new URL(`${name}.json`, fixtures), 'utf8')));
      assert.deepEqual(decodeKubernetesProtobuf(body), expected);
    });
  }
});

describe('details of the captured bodies', () => {
  test('the docker-registry secret carries base64 data that decodes to the docker config', () => {
    const secret = decodeKubernetesProtobuf(readFileSync(new URL('secret-docker-registry.bin', fixtures)));
    const data = secret.data as Record<string, string>;
    const config = JSON.parse(Buffer.from(data['.dockerconfigjson'] ?? '', 'base64').toString('utf8')) as unknown;
    assert.deepEqual(config, { auths: { 'r.example': { username: 'u', password: 'p', auth: 'dTpw' } } });
  });

  test('empty strings kubectl sends (generateName, namespace, workingDir, protocol) are gone', () => {
    const deployment = decodeKubernetesProtobuf(readFileSync(new URL('deployment.bin', fixtures)));
    assert.deepEqual(deployment.metadata, { name: 'd', labels: { app: 'd' } });
    const text = JSON.stringify(deployment);
    assert.doesNotMatch(text, /""/);
    assert.doesNotMatch(text, /false/);
  });

  test('an explicit --replicas=0 survives, because replicas is a pointer field', () => {
    const deployment = decodeKubernetesProtobuf(readFileSync(new URL('deployment-multi.bin', fixtures)));
    assert.equal((deployment.spec as { replicas: number }).replicas, 0);
  });

  test('body bytes wrapped in a pooled Buffer at a non-zero offset decode the same', () => {
    const body = readFileSync(new URL('configmap-binary.bin', fixtures));
    const pooled = Buffer.alloc(body.length + 17);
    body.copy(pooled, 17);
    assert.deepEqual(decodeKubernetesProtobuf(pooled.subarray(17)), decodeKubernetesProtobuf(body));
  });
});
