// A container's env from envFrom, value and valueFrom, with the kubelet's errors and ordering.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kubeEnv } from '../runtime/index.ts';
import { resolveEnv } from './container-env.ts';
import type { EnvLookup } from './container-env.ts';
import { isAgentError, AgentErrorCode } from './errors.ts';
import { fieldRefValue, resourceFieldRefValue } from './field-refs.ts';
import type { Pod, PodContainer } from './pod-types.ts';

const pod: Pod = {
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: 'web', namespace: 'shop', uid: 'u-1', labels: { app: 'web', tier: 'front' }, annotations: { note: 'a "b"' } },
  spec: { nodeName: 'node-1', serviceAccountName: 'sa', containers: [] },
};
const addresses = { podIP: '10.0.0.5', hostIP: '192.168.1.2' };
const node = { cpu: '4', memory: '8Gi' };

function lookup(secrets: Record<string, Record<string, string>>, configMaps: Record<string, Record<string, string>>): EnvLookup & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    secret: async (n) => { calls.push(`secret/${n}`); return secrets[n]; },
    configMap: async (n) => { calls.push(`configmap/${n}`); return configMaps[n]; },
  };
}

async function env(container: Partial<PodContainer>, l: EnvLookup): Promise<Map<string, string>> {
  const c = { name: 'main', ...container };
  const r = await resolveEnv({ pod, container: c, addresses, node, lookup: l });
  return kubeEnv({ env: r.env });
}

test('envFrom with prefix, then env: valueFrom verbatim, value expanded against earlier entries', async () => {
  const l = lookup({ creds: { user: 'admin', pass: 'p$(x)w' } }, { cfg: { MODE: 'fast', 'bad key': 'x' } });
  const r = await resolveEnv({
    pod, addresses, node, lookup: l,
    container: {
      name: 'main',
      envFrom: [{ configMapRef: { name: 'cfg' } }, { prefix: 'DB_', secretRef: { name: 'creds' } }],
      env: [
        { name: 'PASS', valueFrom: { secretKeyRef: { name: 'creds', key: 'pass' } } },
        { name: 'URL', value: 'db://$(DB_user)@host/$(MODE)' },
        { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      ],
    },
  });
  const e = kubeEnv({ env: r.env });
  assert.equal(e.get('MODE'), 'fast');
  assert.equal(e.get('DB_user'), 'admin');
  assert.equal(e.get('PASS'), 'p$(x)w', 'a secret value is not expanded');
  assert.equal(e.get('URL'), 'db://admin@host/fast');
  assert.equal(e.get('POD'), 'web');
  assert.deepEqual(r.warnings, ['Keys [bad key] from the EnvFrom configMap shop/cfg were skipped since they are considered invalid environment variable names.']);
  assert.deepEqual(l.calls, ['configmap/cfg', 'secret/creds'], 'each object read once');
});

test('missing objects and keys fail with the kubelet message, unless optional', async () => {
  const l = lookup({ s: { a: '1' } }, {});
  const fails = async (c: Partial<PodContainer>, message: string) => {
    await assert.rejects(env(c, l), (err: unknown) => isAgentError(err, AgentErrorCode.CreateContainerConfig) && err.message === message);
  };
  await fails({ env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'gone', key: 'a' } } }] }, 'secret "gone" not found');
  await fails({ env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] }, "couldn't find key k in Secret shop/s");
  await fails({ env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cm', key: 'k' } } }] }, 'configmap "cm" not found');
  await fails({ envFrom: [{ secretRef: { name: 'gone' } }] }, 'secret "gone" not found');
  const e = await env({
    envFrom: [{ configMapRef: { name: 'cm', optional: true } }],
    env: [
      { name: 'A', valueFrom: { secretKeyRef: { name: 's', key: 'k', optional: true } } },
      { name: 'B', valueFrom: { configMapKeyRef: { name: 'cm', key: 'k', optional: true } } },
      { name: 'C', value: '' },
    ],
  }, l);
  assert.deepEqual([...e], [['C', '']], 'optional sources that are missing leave the var out');
});

test('fieldRef: metadata, labels and annotations, spec and status fields', () => {
  const v = (fieldPath: string) => fieldRefValue({ fieldPath }, pod, addresses);
  assert.equal(v('metadata.namespace'), 'shop');
  assert.equal(v('metadata.uid'), 'u-1');
  assert.equal(v("metadata.labels['tier']"), 'front');
  assert.equal(v("metadata.labels['none']"), '');
  assert.equal(v("metadata.annotations['note']"), 'a "b"');
  assert.equal(v('metadata.labels'), 'app="web"\ntier="front"');
  assert.equal(v('spec.nodeName'), 'node-1');
  assert.equal(v('spec.serviceAccountName'), 'sa');
  assert.equal(v('status.podIP'), '10.0.0.5');
  assert.equal(v('status.hostIP'), '192.168.1.2');
  assert.throws(() => v('spec.containers'), /unsupported fieldPath: spec.containers/);
});

test('resourceFieldRef: limits (the node allocatable without one), requests, divisors rounded up', () => {
  const c: PodContainer = { name: 'main', resources: { limits: { cpu: '1500m', memory: '1Gi' }, requests: { cpu: '250m' } } };
  const v = (resource: string, divisor?: string) => resourceFieldRefValue({ resource, ...(divisor === undefined ? {} : { divisor }) }, pod, c, node);
  assert.equal(v('limits.cpu'), '2');
  assert.equal(v('limits.cpu', '1m'), '1500');
  assert.equal(v('requests.cpu', '1m'), '250');
  assert.equal(v('limits.memory'), String(1024 ** 3));
  assert.equal(v('limits.memory', '1Mi'), '1024');
  assert.equal(v('requests.memory', '1Mi'), '1024', 'a request defaults to the limit');
  const bare: PodContainer = { name: 'main' };
  assert.equal(resourceFieldRefValue({ resource: 'limits.cpu' }, pod, bare, node), '4');
  assert.equal(resourceFieldRefValue({ resource: 'limits.memory', divisor: '1Gi' }, pod, bare, node), '8');
  assert.equal(resourceFieldRefValue({ resource: 'requests.cpu' }, pod, bare, node), '0');
  assert.throws(() => v('limits.gpu'), /unsupported container resource : limits.gpu/);
});
