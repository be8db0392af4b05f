// Init containers against the real thing (control plane, registry, runc, kubectl 1.32): they run
// one after another to completion before the app container; a failing one gives Init:Error
// (restartPolicy Never: pod Failed) or Init:CrashLoopBackOff (restarted with backoff), as
// `kubectl get pods` shows them. Nothing is skipped.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestContext } from 'node:test';
import { clientFromKubeconfig } from '../src/client/index.ts';
import type { KubeClient } from '../src/client/index.ts';
import type { KubeObject } from '../src/api/object.ts';
import { faults, publishImage, startFaultProxy, startRegistry } from './fixtures/index.ts';
import type { FaultProxy, RunningRegistry } from './fixtures/index.ts';
import { startTestControlPlane } from './fixtures/control-plane.ts';
import type { TestControlPlane } from './fixtures/control-plane.ts';
import { AGENT_TUNING, deleteAndWait, eventsFor, NODE, PLAIN_HTTP, PODS, tearDown, waitFor, waitForPod } from './node-agent-support.ts';
import { publishToolbox, toolboxImage } from './node-agent-toolbox.ts';

let registry: RunningRegistry;
let cp: TestControlPlane;
let client: KubeClient;
let image: string;
/** In front of the registry: pulls of ferry/slow take seconds, so the pod shows PodInitializing. */
let slow: FaultProxy;

before(async () => {
  registry = await startRegistry();
  image = await publishToolbox(registry);
  await publishImage(registry, 'ferry/slow:v1', toolboxImage());
  slow = await startFaultProxy({ target: registry.url });
  slow.addFault({ path: '/v2/ferry/slow/manifests/' }, faults.delay(2500));
  cp = await startTestControlPlane({ node: AGENT_TUNING });
  client = clientFromKubeconfig(cp.kubeconfig);
});

after(async () => {
  await tearDown({ cp, client, registry });
  await slow?.stop();
});

interface CS {
  name: string;
  ready?: boolean;
  restartCount?: number;
  containerID?: string;
  state?: { running?: { startedAt: string }; waiting?: { reason?: string }; terminated?: { exitCode: number; reason?: string; startedAt?: string; finishedAt?: string } };
  lastState?: { terminated?: { exitCode: number } };
}
interface View { phase?: string; conditions?: { type: string; status: string; reason?: string; message?: string }[]; initContainerStatuses?: CS[]; containerStatuses?: CS[] }
const view = (p: KubeObject) => (p['status'] ?? {}) as View;

function pod(t: TestContext, name: string, init: { name: string; command: string[] }[], app: string[], restartPolicy?: 'Never' | 'Always') {
  t.after(() => deleteAndWait(client, 'default', name));
  return client.resource(PODS, 'default').create({
    metadata: { name, namespace: 'default', annotations: { [PLAIN_HTTP]: registry.host } },
    spec: {
      nodeName: NODE, terminationGracePeriodSeconds: 1, ...(restartPolicy === undefined ? {} : { restartPolicy }),
      initContainers: init.map((c) => ({ ...c, image })),
      containers: [{ name: 'app', image, command: app }],
    },
  });
}

/** The STATUS column of `kubectl get pods` (kubectl 1.32). */
async function kubectlStatus(name: string): Promise<string> {
  const r = await cp.kubectl(32, ['get', 'pod', name, '--no-headers']);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim().split(/\s+/)[2] ?? '';
}

test('init containers run in order to completion before the app; kubectl shows Init:0/2, Init:1/2, Running', async (t) => {
  await pod(t, 'ordered', [
    { name: 'first', command: ['sh', '-c', 'echo first; sleep 3'] },
    { name: 'second', command: ['sh', '-c', 'echo second; sleep 3'] },
  ], ['sh', '-c', 'echo app; sleep 3600']);
  const seen: string[] = [];
  let appWaiting: string | undefined;
  await waitFor('Running through kubectl', async () => {
    const s = await kubectlStatus('ordered');
    if (seen.at(-1) !== s) seen.push(s);
    if (s === 'Init:1/2') appWaiting ??= view(await client.resource(PODS, 'default').get('ordered')).containerStatuses?.[0]?.state?.waiting?.reason;
    return s === 'Running' ? true : undefined;
  }, 60_000);
  assert.ok(seen.includes('Init:0/2'), seen.join(' -> '));
  assert.ok(seen.includes('Init:1/2'), seen.join(' -> '));
  assert.ok(seen.indexOf('Init:0/2') < seen.indexOf('Init:1/2'), seen.join(' -> '));
  assert.equal(appWaiting, 'PodInitializing', 'the app container waits as PodInitializing');

  const st = view(await client.resource(PODS, 'default').get('ordered'));
  const [first, second] = st.initContainerStatuses ?? [];
  const app = st.containerStatuses?.[0];
  assert.deepEqual([first?.state?.terminated?.reason, second?.state?.terminated?.reason], ['Completed', 'Completed']);
  assert.deepEqual([first?.ready, second?.ready], [true, true]);
  const t1 = Date.parse(first?.state?.terminated?.finishedAt ?? '');
  const s2 = Date.parse(second?.state?.terminated?.startedAt ?? '');
  const t2 = Date.parse(second?.state?.terminated?.finishedAt ?? '');
  const s3 = Date.parse(app?.state?.running?.startedAt ?? '');
  assert.ok(t1 <= s2 && t2 <= s3, `first ends ${t1}, second starts ${s2} ends ${t2}, app starts ${s3}`);
  assert.equal(st.conditions?.find((c) => c.type === 'Initialized')?.status, 'True');
  assert.equal(st.phase, 'Running');
  const started = (await eventsFor(client, 'default', 'ordered')).filter((e) => e.reason === 'Started').map((e) => e.message);
  assert.deepEqual(started, ['Started container first', 'Started container second', 'Started container app']);
  // kubectl logs -c reaches init containers too.
  const logs = await cp.kubectl(32, ['logs', 'ordered', '-c', 'second']);
  assert.equal(logs.stdout, 'second\n', logs.stderr);
});

test('a failing init container with restartPolicy Never: Init:Error, pod Failed, the app never starts', async (t) => {
  await pod(t, 'init-never', [{ name: 'setup', command: ['sh', '-c', 'echo broken >&2; exit 3'] }], ['sleep', '3600'], 'Never');
  const p = await waitForPod(client, 'default', 'init-never', 'Failed', (x) => (view(x).phase === 'Failed' ? x : undefined), 60_000);
  assert.equal(await kubectlStatus('init-never'), 'Init:Error');
  const st = view(p);
  assert.equal(st.initContainerStatuses?.[0]?.state?.terminated?.exitCode, 3);
  assert.equal(st.initContainerStatuses?.[0]?.restartCount, 0);
  assert.equal(st.containerStatuses?.[0]?.state?.waiting?.reason, 'PodInitializing');
  assert.equal(st.containerStatuses?.[0]?.containerID, undefined, 'no app container was created');
  const init = st.conditions?.find((c) => c.type === 'Initialized');
  assert.deepEqual([init?.status, init?.reason, init?.message], ['False', 'ContainersNotInitialized', 'containers with incomplete status: [setup]']);
});

test('a failing init container with restartPolicy Always: Init:CrashLoopBackOff with restarts; pod Pending', async (t) => {
  await pod(t, 'init-loop', [{ name: 'setup', command: ['sh', '-c', 'exit 1'] }], ['sleep', '3600']);
  const seen = new Set<string>();
  await waitFor('Init:CrashLoopBackOff through kubectl', async () => {
    const s = await kubectlStatus('init-loop');
    seen.add(s);
    return s === 'Init:CrashLoopBackOff' ? true : undefined;
  }, 60_000);
  const st = view(await client.resource(PODS, 'default').get('init-loop'));
  const setup = st.initContainerStatuses?.[0];
  assert.equal(st.phase, 'Pending');
  assert.ok((setup?.restartCount ?? 0) >= 1, JSON.stringify(setup));
  assert.equal(setup?.lastState?.terminated?.exitCode, 1);
  assert.equal(st.containerStatuses?.[0]?.state?.waiting?.reason, 'PodInitializing');
  const backOff = (await eventsFor(client, 'default', 'init-loop')).find((e) => e.reason === 'BackOff');
  assert.match(backOff?.message ?? '', /^Back-off restarting failed container setup in pod init-loop_default\(/);
  // Pending only before the agent's first status write; the app container never shows.
  assert.ok([...seen].every((s) => s.startsWith('Init:') || s === 'Pending'), [...seen].join(' '));
  assert.equal(st.containerStatuses?.[0]?.containerID, undefined, 'no app container was created');
});

test('after the init containers, the app container being pulled shows as PodInitializing', async (t) => {
  t.after(() => deleteAndWait(client, 'default', 'slow-app'));
  await client.resource(PODS, 'default').create({
    metadata: { name: 'slow-app', namespace: 'default', annotations: { [PLAIN_HTTP]: `${registry.host},${slow.host}` } },
    spec: {
      nodeName: NODE, terminationGracePeriodSeconds: 1,
      initContainers: [{ name: 'setup', image, command: ['sh', '-c', 'sleep 2'] }],
      containers: [{ name: 'app', image: `${slow.host}/ferry/slow:v1`, command: ['sleep', '3600'] }],
    },
  });
  const seen: string[] = [];
  await waitFor('Running through kubectl', async () => {
    const s = await kubectlStatus('slow-app');
    if (seen.at(-1) !== s) seen.push(s);
    return s === 'Running' ? true : undefined;
  }, 60_000);
  assert.ok(seen.includes('Init:0/1'), seen.join(' -> '));
  assert.ok(seen.indexOf('Init:0/1') < seen.indexOf('PodInitializing'), seen.join(' -> '));
});
