// The node agent end to end: a real control plane with its embedded agent, a real
// password-protected registry on loopback, real runc containers. Nothing is skipped: without runc,
// skopeo or the registry these tests fail and say what is missing.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { clientFromKubeconfig } from '../src/client/index.ts';
import type { KubeClient } from '../src/client/index.ts';
import type { KubeObject } from '../src/api/object.ts';
import { NodeAgent } from '../src/node/agent/index.ts';
import { busyboxImage, makeTempDir, publishImage, removeTempDir, startRegistry } from './fixtures/index.ts';
import type { RunningRegistry } from './fixtures/index.ts';
import { startTestControlPlane } from './fixtures/control-plane.ts';
import type { TestControlPlane } from './fixtures/control-plane.ts';
import { AGENT_TUNING, tearDown, waitFor } from './node-agent-support.ts';

const NODE = 'ferry-test-node';
const USER = 'alice';
const PASSWORD = 'correct-horse';
const PODS = { group: '', version: 'v1', resource: 'pods', namespaced: true, kind: 'Pod' };
const SECRETS = { group: '', version: 'v1', resource: 'secrets', namespaced: true, kind: 'Secret' };
const NODES = { group: '', version: 'v1', resource: 'nodes', namespaced: false, kind: 'Node' };
const EVENTS = { group: '', version: 'v1', resource: 'events', namespaced: true, kind: 'Event' };

let registry: RunningRegistry;
let cp: TestControlPlane;
let client: KubeClient;
let image: string;

before(async () => {
  registry = await startRegistry({ auth: { htpasswd: { [USER]: PASSWORD } } });
  image = `${registry.host}/ferry/hello:v1`;
  await publishImage(registry, 'ferry/hello:v1', busyboxImage());
  cp = await startTestControlPlane({ node: AGENT_TUNING });
  client = clientFromKubeconfig(cp.kubeconfig);
});

// Whatever a failed test left: the agent stops first (so it cannot restart what is removed
// next), then every container and its mounts, then the client, control plane and registry.
after(() => tearDown({ cp, client, registry }));

function dockerConfig(password: string): string {
  const auth = Buffer.from(`${USER}:${password}`).toString('base64');
  return Buffer.from(JSON.stringify({ auths: { [registry.host]: { username: USER, password, auth } } })).toString('base64');
}

async function putSecret(name: string, password: string): Promise<void> {
  const secrets = client.resource(SECRETS, 'default');
  const body = { metadata: { name, namespace: 'default' }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': dockerConfig(password) } };
  try {
    const live = await secrets.get(name);
    await secrets.update({ ...body, metadata: { ...body.metadata, resourceVersion: live.metadata.resourceVersion } });
  } catch {
    await secrets.create(body);
  }
}

async function createPod(name: string, secret: string): Promise<KubeObject> {
  return client.resource(PODS, 'default').create({
    metadata: { name, namespace: 'default', annotations: { 'k8s.aliyun.com/plain-http-registry': registry.host } },
    spec: { nodeName: NODE, imagePullSecrets: [{ name: secret }], containers: [{ name: 'main', image }], terminationGracePeriodSeconds: 2 },
  });
}

interface ContainerStatusView {
  ready?: boolean;
  started?: boolean;
  restartCount?: number;
  imageID?: string;
  containerID?: string;
  state?: { running?: { startedAt?: string }; waiting?: { reason?: string; message?: string } };
}
type Status = { phase?: string; podIP?: string; hostIP?: string; conditions?: { type: string; status: string }[]; containerStatuses?: ContainerStatusView[] };
const statusOf = (pod: KubeObject) => (pod['status'] ?? {}) as Status;
const getPod = (name: string) => client.resource(PODS, 'default').get(name);

async function eventsFor(name: string): Promise<{ reason: string; message: string; type: string }[]> {
  const list = await client.resource(EVENTS, 'default').list({ fieldSelector: `involvedObject.name=${name}` });
  return (list.items as unknown as { reason: string; message: string; type: string; metadata: { creationTimestamp?: string } }[])
    .sort((a, b) => String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp)));
}

async function deleteAndWait(name: string): Promise<void> {
  await client.resource(PODS, 'default').delete(name).catch(() => {});
  await waitFor(`pod ${name} to disappear`, async () => (await getPod(name).then(() => false, () => true)) || undefined, 60_000);
}

test('the node registers Ready, with capacity, nodeInfo and a lease', async () => {
  const node = await waitFor('node', () => client.resource(NODES).get(NODE));
  const status = node['status'] as {
    conditions: { type: string; status: string }[]; capacity: Record<string, string>; nodeInfo: Record<string, string>;
  };
  assert.equal(status.conditions.find((c) => c.type === 'Ready')?.status, 'True');
  assert.equal(status.capacity['pods'], '110');
  assert.match(status.nodeInfo['containerRuntimeVersion'] ?? '', /^runc:\/\/\d/);
  assert.equal(status.nodeInfo['kubeletVersion'], 'v1.32.4-ferry');
  assert.equal(node.metadata.labels?.['kubernetes.io/hostname'], NODE);
  const lease = await client.resource({ group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespaced: true, kind: 'Lease' }, 'kube-node-lease').get(NODE);
  assert.equal((lease['spec'] as { holderIdentity: string }).holderIdentity, NODE);
});

test('a pod pulls with its secret, runs, and kubectl logs shows its output; deletion cleans up', async () => {
  await putSecret('regcred', PASSWORD);
  await createPod('hello', 'regcred');
  const pod = await waitFor('Running', async () => {
    const p = await getPod('hello');
    return statusOf(p).phase === 'Running' ? p : undefined;
  });
  const st = statusOf(pod);
  const cs: ContainerStatusView = st.containerStatuses?.[0] ?? {};
  assert.equal(cs.ready, true);
  assert.equal(cs.started, true);
  assert.equal(cs.restartCount, 0);
  assert.match(cs.imageID ?? '', new RegExp(`^${registry.host}/ferry/hello@sha256:[0-9a-f]{64}$`));
  assert.match(cs.containerID ?? '', /^runc:\/\//);
  assert.ok(cs.state?.running?.startedAt);
  assert.equal(st.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
  assert.match(st.podIP ?? '', /^10\.86\.\d+\.\d+$/, 'an IP of its own on the pod network');
  assert.equal((st as { hostIP?: string }).hostIP, '127.0.0.1');
  const reasons = await waitFor('events', async () => {
    const r = (await eventsFor('hello')).map((e) => e.reason);
    return r.includes('Started') ? r : undefined;
  });
  assert.deepEqual(reasons.filter((r) => ['Pulling', 'Pulled', 'Created', 'Started'].includes(r)), ['Pulling', 'Pulled', 'Created', 'Started']);
  const pulled = (await eventsFor('hello')).find((e) => e.reason === 'Pulled');
  assert.match(pulled?.message ?? '', /^Successfully pulled image ".*" in [\d.]+m?s \([\d.]+m?s including waiting\)\. Image size: \d+ bytes\.$/);
  const logs = await waitFor('logs', async () => {
    const r = await cp.kubectl(32, ['logs', 'hello']);
    return r.stdout.includes('hello from ferry') ? r : undefined;
  });
  assert.equal(logs.code, 0);

  await deleteAndWait('hello');
  const runtime = cp.plane.node?.runtime;
  assert.ok(runtime);
  assert.deepEqual(await runtime.listContainers(), []);
  const runcRoot = join(runtime.stateDir, '.runc');
  assert.deepEqual(readdirSync(runcRoot), [], 'runc state left');
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(cp.dataDir));
  assert.deepEqual(mounts, [], 'mounts left under the data dir');
  const killing = (await eventsFor('hello')).find((e) => e.reason === 'Killing');
  assert.equal(killing?.message, 'Stopping container main');
});

test('a wrong password: ErrImagePull, ImagePullBackOff, then the fixed secret is used on the next retry', async () => {
  await putSecret('badcred', 'wrong-password');
  await createPod('badpull', 'badcred');
  const seen = new Set<string>();
  await waitFor('ImagePullBackOff', async () => {
    const reason = statusOf(await getPod('badpull')).containerStatuses?.[0]?.state?.waiting?.reason;
    if (reason !== undefined) seen.add(reason);
    return seen.has('ImagePullBackOff') ? true : undefined;
  }, 30_000);
  assert.ok(seen.has('ErrImagePull') && seen.has('ImagePullBackOff'), [...seen].join());
  const events = await eventsFor('badpull');
  const failed = events.find((e) => e.reason === 'Failed' && e.message.startsWith('Failed to pull image'));
  assert.ok(failed, JSON.stringify(events));
  assert.equal(failed.type, 'Warning');
  assert.ok(failed.message.includes(registry.host), failed.message);
  assert.match(failed.message, /rejected the credential/);
  assert.ok(!failed.message.includes('wrong-password'), 'no password in events');
  assert.ok(events.some((e) => e.reason === 'Failed' && e.message === 'Error: ErrImagePull'));
  assert.ok(events.some((e) => e.reason === 'Failed' && e.message === 'Error: ImagePullBackOff'));
  assert.ok(events.some((e) => e.reason === 'BackOff' && e.message === `Back-off pulling image "${image}"`));

  const uid = (await getPod('badpull')).metadata.uid;
  await putSecret('badcred', PASSWORD);
  const running = await waitFor('Running after the fix', async () => {
    const p = await getPod('badpull');
    return statusOf(p).phase === 'Running' ? p : undefined;
  }, 30_000);
  assert.equal(running.metadata.uid, uid, 'the same pod');
  await deleteAndWait('badpull');
});

test('a missing secret is reported and the pull goes on without it', async () => {
  await createPod('nosecret', 'does-not-exist');
  const ev = await waitFor('FailedToRetrieveImagePullSecret', async () =>
    (await eventsFor('nosecret')).find((e) => e.reason === 'FailedToRetrieveImagePullSecret'));
  assert.equal(ev.message, 'Unable to retrieve some image pull secrets (does-not-exist); attempting to pull the image may not succeed.');
  await waitFor('ErrImagePull', async () => (await eventsFor('nosecret')).find((e) => e.message === 'Error: ErrImagePull'));
  await deleteAndWait('nosecret');
});

test('without runc the node registers NotReady and says what to install', async () => {
  const dataDir = makeTempDir('noruntime');
  const agent = new NodeAgent({ client, nodeName: 'no-runc-node', dataDir, runcPath: join(dataDir, 'no-such-runc') });
  try {
    await agent.start();
    const node = await client.resource(NODES).get('no-runc-node');
    const ready = (node['status'] as { conditions: { type: string; status: string; reason: string; message: string }[] }).conditions.find((c) => c.type === 'Ready');
    assert.equal(ready?.status, 'False');
    assert.equal(ready?.reason, 'ContainerRuntimeNotReady');
    assert.match(ready?.message ?? '', /runc is not installed; install it with: apt-get install runc/);
  } finally {
    await agent.stop();
    await client.resource(NODES).delete('no-runc-node').catch(() => {});
    removeTempDir(dataDir);
  }
});
