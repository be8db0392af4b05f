// Container env from Secrets, ConfigMaps and the downward API against the real thing (control
// plane, registry, runc): env[].valueFrom, envFrom with a prefix, the pod's own namespace only,
// and a missing key that gives CreateContainerConfigError until it is created, without
// recreating the pod. Nothing is skipped.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestContext } from 'node:test';
import { clientFromKubeconfig } from '../src/client/index.ts';
import type { KubeClient } from '../src/client/index.ts';
import { startRegistry } from './fixtures/index.ts';
import type { RunningRegistry } from './fixtures/index.ts';
import { startTestControlPlane } from './fixtures/control-plane.ts';
import type { TestControlPlane } from './fixtures/control-plane.ts';
import {
  AGENT_TUNING, containerOf, deleteAndWait, eventsFor, NAMESPACES, NODE, PLAIN_HTTP, PODS, SECRETS, statusOf, tearDown, waitFor, waitForPod,
} from './node-agent-support.ts';
import { publishToolbox } from './node-agent-toolbox.ts';

const CONFIGMAPS = { group: '', version: 'v1', resource: 'configmaps', namespaced: true, kind: 'ConfigMap' };
const b64 = (s: string) => Buffer.from(s).toString('base64');

let registry: RunningRegistry;
let cp: TestControlPlane;
let client: KubeClient;
let image: string;

before(async () => {
  registry = await startRegistry();
  image = await publishToolbox(registry);
  cp = await startTestControlPlane({ node: AGENT_TUNING });
  client = clientFromKubeconfig(cp.kubeconfig);
  await client.resource(NAMESPACES).create({ metadata: { name: 'other' } });
  await client.resource(SECRETS, 'default').create({ metadata: { name: 'db' }, type: 'Opaque', data: { user: b64('admin'), password: b64('s3cr$(et)') } });
  await client.resource(SECRETS, 'other').create({ metadata: { name: 'elsewhere' }, type: 'Opaque', data: { token: b64('not-yours') } });
  await client.resource(CONFIGMAPS, 'default').create({ metadata: { name: 'settings' }, data: { MODE: 'fast', LEVEL: '3' } });
});

after(() => tearDown({ cp, client, registry }));

function pod(t: TestContext, name: string, container: Record<string, unknown>, namespace = 'default') {
  t.after(() => deleteAndWait(client, namespace, name));
  return client.resource(PODS, namespace).create({
    metadata: { name, namespace, labels: { app: 'envtest' }, annotations: { [PLAIN_HTTP]: registry.host, team: 'blue' } },
    spec: { nodeName: NODE, terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image, ...container }] },
  });
}

/** The container's env as it printed it (`env` before sleeping). */
async function printedEnv(name: string, namespace = 'default'): Promise<Map<string, string>> {
  const r = await waitFor(`${name} env output`, async () => {
    const out = await cp.kubectl(32, ['logs', '-n', namespace, name]);
    return out.stdout.includes('END=1') ? out : undefined;
  }, 60_000);
  return new Map(r.stdout.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

test('env from a Secret, a ConfigMap, fieldRefs and resourceFieldRefs; envFrom with a prefix', async (t) => {
  const created = await pod(t, 'envs', {
    command: ['sh', '-c', 'env; echo END=1; sleep 3600'],
    resources: { limits: { cpu: '500m', memory: '64Mi' } },
    envFrom: [{ configMapRef: { name: 'settings' }, prefix: 'CFG_' }, { secretRef: { name: 'db' } }],
    env: [
      { name: 'DB_USER', valueFrom: { secretKeyRef: { name: 'db', key: 'user' } } },
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
      { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'settings', key: 'MODE' } } },
      { name: 'DSN', value: 'db://$(DB_USER)@host?mode=$(CFG_MODE)' },
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'POD_UID', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } },
      { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
      { name: 'TEAM', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['team']" } } },
      { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
      { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
      { name: 'CPU_MILLIS', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1m' } } },
      { name: 'MEM_MI', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
      { name: 'MAYBE', valueFrom: { secretKeyRef: { name: 'db', key: 'absent', optional: true } } },
    ],
  });
  const env = await printedEnv('envs');
  assert.equal(env.get('DB_USER'), 'admin');
  assert.equal(env.get('DB_PASSWORD'), 's3cr$(et)', 'a secret value is not expanded');
  assert.equal(env.get('password'), 's3cr$(et)', 'envFrom of the secret');
  assert.equal(env.get('CFG_MODE'), 'fast');
  assert.equal(env.get('CFG_LEVEL'), '3');
  assert.equal(env.get('MODE'), 'fast');
  assert.equal(env.get('DSN'), 'db://admin@host?mode=fast');
  assert.equal(env.get('POD_NAME'), 'envs');
  assert.equal(env.get('POD_NAMESPACE'), 'default');
  assert.equal(env.get('POD_UID'), created.metadata.uid);
  assert.equal(env.get('APP'), 'envtest');
  assert.equal(env.get('TEAM'), 'blue');
  assert.equal(env.get('NODE'), NODE);
  assert.match(env.get('POD_IP') ?? '', /^10\.86\.\d+\.\d+$/, 'the pod\'s own IP on the node\'s pod network');
  assert.equal(env.get('HOST_IP'), '127.0.0.1');
  assert.equal(env.get('CPU_MILLIS'), '500');
  assert.equal(env.get('MEM_MI'), '64');
  assert.equal(env.has('MAYBE'), false);
});

test('a missing key: CreateContainerConfigError with the kubelet message; creating it lets the same pod run', async (t) => {
  const created = await pod(t, 'needs-key', {
    command: ['sh', '-c', 'env; echo END=1; sleep 3600'],
    env: [{ name: 'API_KEY', valueFrom: { secretKeyRef: { name: 'db', key: 'apiKey' } } }],
  });
  const waiting = await waitForPod(client, 'default', 'needs-key', 'CreateContainerConfigError', (p) => {
    const w = containerOf(p).state?.waiting;
    return w?.reason === 'CreateContainerConfigError' ? w : undefined;
  }, 60_000);
  assert.equal(waiting.message, "couldn't find key apiKey in Secret default/db");
  assert.equal(statusOf(await client.resource(PODS, 'default').get('needs-key')).phase, 'Pending');
  const kubectl = await cp.kubectl(32, ['get', 'pod', 'needs-key', '--no-headers']);
  assert.equal(kubectl.stdout.trim().split(/\s+/)[2], 'CreateContainerConfigError', kubectl.stdout);
  const failed = await waitFor('the Failed event', async () =>
    (await eventsFor(client, 'default', 'needs-key')).find((e) => e.reason === 'Failed' && e.message.startsWith('Error: ')));
  assert.equal(failed.message, "Error: couldn't find key apiKey in Secret default/db");
  assert.equal(failed.type, 'Warning');

  const secrets = client.resource(SECRETS, 'default');
  const live = await secrets.get('db');
  await secrets.update({ ...live, data: { ...(live['data'] as Record<string, string>), apiKey: b64('k-123') } });
  const running = await waitForPod(client, 'default', 'needs-key', 'Running', (p) => (statusOf(p).phase === 'Running' ? p : undefined), 60_000);
  assert.equal(running.metadata.uid, created.metadata.uid, 'the same pod');
  assert.equal(containerOf(running).restartCount, 0);
  assert.equal((await printedEnv('needs-key')).get('API_KEY'), 'k-123');
});

test('only the pod\'s own namespace: a Secret of another namespace is "not found"', async (t) => {
  await client.resource(NAMESPACES).create({ metadata: { name: 'mine' } }).catch(() => {});
  await pod(t, 'thief', {
    command: ['sleep', '3600'],
    env: [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'elsewhere', key: 'token' } } }],
  }, 'mine');
  const waiting = await waitForPod(client, 'mine', 'thief', 'CreateContainerConfigError', (p) => {
    const w = containerOf(p).state?.waiting;
    return w?.reason === 'CreateContainerConfigError' ? w : undefined;
  }, 60_000);
  assert.equal(waiting.message, 'secret "elsewhere" not found');
});
