// Probes against the real thing (control plane, registry, runc, kubectl 1.32): an exec readiness
// probe gates READY, an HTTP liveness probe restarts the container with the kubelet's events, a
// TCP probe, a startup probe holding the others back, and no probe timer outliving its pod or
// the agent. Pods use the host's network, so the servers listen on free loopback ports.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestContext } from 'node:test';
import { clientFromKubeconfig } from '../src/client/index.ts';
import type { KubeClient } from '../src/client/index.ts';
import type { KubeObject } from '../src/api/object.ts';
import { freePort, startRegistry } from './fixtures/index.ts';
import type { RunningRegistry } from './fixtures/index.ts';
import { startTestControlPlane } from './fixtures/control-plane.ts';
import type { TestControlPlane } from './fixtures/control-plane.ts';
import {
  AGENT_TUNING, deleteAndWait, eventsFor, NODE, PLAIN_HTTP, PODS, tearDown, waitFor, waitForPod,
} from './node-agent-support.ts';
import { publishToolbox } from './node-agent-toolbox.ts';

let registry: RunningRegistry;
let cp: TestControlPlane;
let client: KubeClient;
let image: string;

before(async () => {
  registry = await startRegistry();
  image = await publishToolbox(registry);
  cp = await startTestControlPlane({ node: AGENT_TUNING });
  client = clientFromKubeconfig(cp.kubeconfig);
});

after(() => tearDown({ cp, client, registry }));

interface CS { ready?: boolean; started?: boolean; restartCount?: number; state?: { running?: object }; lastState?: { terminated?: { exitCode: number } } }
interface View { phase?: string; conditions?: { type: string; status: string }[]; containerStatuses?: CS[] }
const view = (p: KubeObject) => (p['status'] ?? {}) as View;
const main = (p: KubeObject): CS => view(p).containerStatuses?.[0] ?? {};
const condition = (p: KubeObject, type: string) => view(p).conditions?.find((c) => c.type === type)?.status;

function pod(t: TestContext, name: string, container: Record<string, unknown>) {
  t.after(() => deleteAndWait(client, 'default', name));
  return client.resource(PODS, 'default').create({
    metadata: { name, namespace: 'default', annotations: { [PLAIN_HTTP]: registry.host } },
    spec: { nodeName: NODE, terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image, ...container }] },
  });
}

/** READY and STATUS of `kubectl get pods` (kubectl 1.32). */
async function kubectlRow(name: string): Promise<{ ready: string; status: string }> {
  const r = await cp.kubectl(32, ['get', 'pod', name, '--no-headers']);
  assert.equal(r.code, 0, r.stderr);
  const [, ready = '', status = ''] = r.stdout.trim().split(/\s+/);
  return { ready, status };
}

test('an exec readiness probe keeps READY 0/1 until the file exists, then 1/1', async (t) => {
  await pod(t, 'ready-file', {
    command: ['sh', '-c', 'sleep 5; touch /tmp/ready; sleep 3600'],
    readinessProbe: { exec: { command: ['test', '-f', '/tmp/ready'] }, periodSeconds: 1 },
  });
  const notReady = await waitFor('Running 0/1', async () => {
    const row = await kubectlRow('ready-file');
    return row.status === 'Running' && row.ready === '0/1' ? row : undefined;
  }, 60_000);
  assert.deepEqual(notReady, { ready: '0/1', status: 'Running' });
  const before = await client.resource(PODS, 'default').get('ready-file');
  assert.equal(main(before).ready, false);
  assert.equal(condition(before, 'Ready'), 'False');
  await waitFor('Running 1/1', async () => {
    const row = await kubectlRow('ready-file');
    return row.ready === '1/1' ? row : undefined;
  }, 60_000);
  const after = await client.resource(PODS, 'default').get('ready-file');
  assert.equal(main(after).ready, true);
  assert.equal(condition(after, 'Ready'), 'True');
  assert.equal(condition(after, 'ContainersReady'), 'True');
  assert.equal(main(after).restartCount, 0, 'readiness never restarts');
  const unhealthy = (await eventsFor(client, 'default', 'ready-file')).find((e) => e.reason === 'Unhealthy');
  assert.equal(unhealthy?.message, 'Readiness probe failed: ');
  assert.equal(unhealthy?.type, 'Warning');
});

test('an HTTP liveness probe answering 500 kills and restarts the container, with the kubelet events', async (t) => {
  const port = await freePort();
  await pod(t, 'sick-web', {
    // httpd serves the CGI health check; it answers 500 once /tmp/sick exists (3 s after start).
    command: ['sh', '-c', `httpd -f -p ${port} -h /www & sleep 3; touch /tmp/sick; wait`],
    ports: [{ name: 'health', containerPort: port }],
    livenessProbe: { httpGet: { path: '/cgi-bin/health', port: 'health' }, initialDelaySeconds: 1, periodSeconds: 1, failureThreshold: 2 },
  });
  const restarted = await waitForPod(client, 'default', 'sick-web', 'a restart', (p) => ((main(p).restartCount ?? 0) >= 1 ? p : undefined), 90_000);
  assert.equal(main(restarted).lastState?.terminated?.exitCode, 137, 'SIGKILL after the 1 s grace period');
  const events = await eventsFor(client, 'default', 'sick-web');
  // httpd may not listen yet at the first probe (connection refused): the 500 is what killed it.
  const unhealthy = events.find((e) => e.reason === 'Unhealthy' && e.message.includes('statuscode'));
  assert.equal(unhealthy?.message, 'Liveness probe failed: HTTP probe failed with statuscode: 500');
  assert.equal(unhealthy?.type, 'Warning');
  const killing = events.find((e) => e.reason === 'Killing');
  assert.equal(killing?.message, 'Container main failed liveness probe, will be restarted');
  // The recorder counts a repeated event on the first one, as client-go's correlator does.
  await waitFor('Started counted twice', async () => {
    const started = (await eventsFor(client, 'default', 'sick-web')).find((e) => e.reason === 'Started') as { count?: number } | undefined;
    return (started?.count ?? 0) >= 2 ? true : undefined;
  }, 30_000);
});

test('a TCP readiness probe: connection refused until the server listens', async (t) => {
  const port = await freePort();
  await pod(t, 'tcp-ready', {
    command: ['sh', '-c', `sleep 3; httpd -f -p ${port} -h /www`],
    readinessProbe: { tcpSocket: { port }, periodSeconds: 1 },
  });
  const ready = await waitForPod(client, 'default', 'tcp-ready', 'ready', (p) => (main(p).ready === true ? p : undefined), 60_000);
  const podIP = (ready['status'] as { podIP?: string }).podIP ?? '';
  assert.match(podIP, /^10\.86\./, 'probed at its own IP');
  const unhealthy = (await eventsFor(client, 'default', 'tcp-ready')).find((e) => e.reason === 'Unhealthy');
  assert.equal(unhealthy?.message, `Readiness probe failed: dial tcp ${podIP}:${port}: connect: connection refused`);
});

test('a startup probe holds readiness back until it succeeds', async (t) => {
  await pod(t, 'slow-start', {
    command: ['sh', '-c', 'sleep 4; touch /tmp/started; sleep 3600'],
    startupProbe: { exec: { command: ['test', '-f', '/tmp/started'] }, periodSeconds: 1, failureThreshold: 30 },
    readinessProbe: { exec: { command: ['true'] }, periodSeconds: 1 },
  });
  const early = await waitForPod(client, 'default', 'slow-start', 'Running', (p) => (main(p).state?.running !== undefined ? p : undefined), 60_000);
  assert.equal(main(early).started, false);
  assert.equal(main(early).ready, false);
  const later = await waitForPod(client, 'default', 'slow-start', 'started and ready', (p) => (main(p).ready === true ? p : undefined), 60_000);
  assert.equal(main(later).started, true);
  assert.equal(main(later).restartCount, 0);
});

// Last: it stops the embedded agent.
test('probe timers end with their pod and with the agent', async (t) => {
  const agent = cp.plane.node;
  assert.ok(agent);
  await waitFor('no probe workers left from earlier pods', async () => (agent.probeWorkers === 0 ? true : undefined), 30_000);
  const pods = client.resource(PODS, 'default');
  // No agent is left to finish a graceful deletion: the pod goes at once, after() removes its container.
  t.after(() => pods.delete('probed', { gracePeriodSeconds: 0 }).catch(() => {}));
  await pods.create({
    metadata: { name: 'probed', namespace: 'default', annotations: { [PLAIN_HTTP]: registry.host } },
    spec: {
      nodeName: NODE, terminationGracePeriodSeconds: 1,
      containers: [{ name: 'main', image, command: ['sleep', '3600'], readinessProbe: { exec: { command: ['true'] }, periodSeconds: 1 }, livenessProbe: { exec: { command: ['true'] } } }],
    },
  });
  await waitForPod(client, 'default', 'probed', 'ready', (p) => (main(p).ready === true ? p : undefined), 60_000);
  assert.equal(agent.probeWorkers, 2);
  await agent.stop();
  assert.equal(agent.probeWorkers, 0);
});
