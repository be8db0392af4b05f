// The node agent's image rules against the real thing (control plane, password-protected registry,
// runc): imagePullPolicy Never and Always, the private-image rule (a cached private image is used
// only by a pod that could pull it itself), namespace-confined pull secrets, and the plain-HTTP
// annotation. Nothing is skipped.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestContext } from 'node:test';
import { clientFromKubeconfig } from '../src/client/index.ts';
import type { KubeClient } from '../src/client/index.ts';
import { publishImage, startRegistry } from './fixtures/index.ts';
import type { RunningRegistry } from './fixtures/index.ts';
import { startTestControlPlane } from './fixtures/control-plane.ts';
import type { TestControlPlane } from './fixtures/control-plane.ts';
import { AGENT_TUNING, busyboxImage, containerOf, createPod, deleteAndWait, eventsFor, NAMESPACES, PLAIN_HTTP, PODS, SECRETS, statusOf, tearDown, waitFor, waitForPod } from './node-agent-support.ts';
import type { PodOptions } from './node-agent-support.ts';

const USER = 'alice';
const PASSWORD = 'correct-horse';

let registry: RunningRegistry;
let open: RunningRegistry;
let cp: TestControlPlane;
let client: KubeClient;

before(async () => {
  // Plain HTTP registries: one private (htpasswd), one anonymous.
  registry = await startRegistry({ auth: { htpasswd: { [USER]: PASSWORD } } });
  open = await startRegistry();
  await publishImage(registry, 'ferry/private:v1', busyboxImage());
  await publishImage(registry, 'ferry/moving:v1', busyboxImage(['sh', '-c', 'echo first build; sleep 3600']));
  await publishImage(open, 'ferry/open:v1', busyboxImage(['sh', '-c', 'echo over plain http; sleep 3600']));
  await publishImage(open, 'ferry/replaced:v1', busyboxImage(['sh', '-c', 'echo pulled through a rule; sleep 3600']));
  cp = await startTestControlPlane({ node: AGENT_TUNING });
  client = clientFromKubeconfig(cp.kubeconfig);
  for (const name of ['ns-a', 'ns-b']) await client.resource(NAMESPACES).create({ metadata: { name } });
  await client.resource(SECRETS, 'ns-a').create({
    metadata: { name: 'regcred', namespace: 'ns-a' }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': dockerConfig() },
  });
  await client.resource(SECRETS, 'default').create({
    metadata: { name: 'regcred', namespace: 'default' }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': dockerConfig() },
  });
});

after(async () => {
  await tearDown({ cp, client, registry });
  await open?.stop();
});

function dockerConfig(): string {
  const auth = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
  return Buffer.from(JSON.stringify({ auths: { [registry.host]: { username: USER, password: PASSWORD, auth } } })).toString('base64');
}

/** A pod of the private registry (plain HTTP), deleted after the test even when it fails. */
function pod(t: TestContext, name: string, o: PodOptions) {
  const namespace = o.namespace ?? 'default';
  t.after(() => deleteAndWait(client, namespace, name));
  return createPod(client, name, { annotations: { [PLAIN_HTTP]: `${registry.host},${open.host}` }, ...o });
}

const running = (p: Parameters<typeof statusOf>[0]) => (statusOf(p).phase === 'Running' ? containerOf(p) : undefined);
const waitingReason = (reason: string) => (p: Parameters<typeof statusOf>[0]) =>
  (containerOf(p).state?.waiting?.reason === reason ? containerOf(p) : undefined);

test('imagePullPolicy Never: an image not on the node is ErrImageNeverPull, with the kubelet message', async (t) => {
  const image = `${registry.host}/ferry/absent:v1`;
  await pod(t, 'never-pull', { image, imagePullPolicy: 'Never', pullSecret: 'regcred' });
  const cs = await waitForPod(client, 'default', 'never-pull', 'ErrImageNeverPull', waitingReason('ErrImageNeverPull'), 30_000);
  const text = `Container image "${image}" is not present with pull policy of Never`;
  assert.equal(cs.state?.waiting?.message, text);
  const events = await eventsFor(client, 'default', 'never-pull');
  const ev = events.find((e) => e.reason === 'ErrImageNeverPull');
  assert.equal(ev?.message, text);
  assert.equal(ev?.type, 'Warning');
  assert.ok(!events.some((e) => e.reason === 'Pulling'), 'Never does not pull');
});

test('imagePullPolicy Always re-checks the registry: a moved tag is picked up by the next pod', async (t) => {
  const image = `${registry.host}/ferry/moving:v1`;
  await pod(t, 'always-1', { image, imagePullPolicy: 'Always', pullSecret: 'regcred' });
  const first = await waitForPod(client, 'default', 'always-1', 'Running', running, 30_000);
  await deleteAndWait(client, 'default', 'always-1');

  await publishImage(registry, 'ferry/moving:v1', busyboxImage(['sh', '-c', 'echo second build; sleep 3600']));
  await pod(t, 'always-2', { image, imagePullPolicy: 'Always', pullSecret: 'regcred' });
  const second = await waitForPod(client, 'default', 'always-2', 'Running', running, 30_000);
  assert.notEqual(second.imageID, first.imageID, 'the new digest');
  const logs = await waitFor('logs', async () => {
    const r = await cp.kubectl(32, ['logs', 'always-2']);
    return r.stdout.length > 0 ? r.stdout : undefined;
  }, 30_000);
  assert.equal(logs, 'second build\n');
  assert.ok((await eventsFor(client, 'default', 'always-2')).some((e) => e.reason === 'Pulling'), 'pulled again');
});

test('a private image on the node runs only for pods that could pull it themselves', async (t) => {
  const image = `${registry.host}/ferry/private:v1`;
  await pod(t, 'owner', { namespace: 'ns-a', image, pullSecret: 'regcred' });
  await waitForPod(client, 'ns-a', 'owner', 'Running', running, 30_000);

  // ns-b has no secret: the cached image is not handed over, the registry refuses the anonymous pull.
  await pod(t, 'stranger', { namespace: 'ns-b', image, imagePullPolicy: 'IfNotPresent' });
  await waitForPod(client, 'ns-b', 'stranger', 'ErrImagePull', waitingReason('ErrImagePull'), 30_000);
  const events = await eventsFor(client, 'ns-b', 'stranger');
  assert.ok(!events.some((e) => e.reason === 'Pulled'), 'not "already present on machine"');
  const failed = events.find((e) => e.reason === 'Failed' && e.message.startsWith('Failed to pull image'));
  assert.ok(failed?.message.includes(registry.host), JSON.stringify(events));

  // Nor with Never: for this pod the image is not on the node.
  await pod(t, 'stranger-never', { namespace: 'ns-b', image, imagePullPolicy: 'Never' });
  await waitForPod(client, 'ns-b', 'stranger-never', 'ErrImageNeverPull', waitingReason('ErrImageNeverPull'), 30_000);

  // A secret name valid in ns-a means nothing in ns-b: secrets are confined to their namespace.
  await pod(t, 'borrower', { namespace: 'ns-b', image, pullSecret: 'regcred' });
  const missing = await waitFor('FailedToRetrieveImagePullSecret', async () =>
    (await eventsFor(client, 'ns-b', 'borrower')).find((e) => e.reason === 'FailedToRetrieveImagePullSecret'), 30_000);
  assert.equal(missing.message, 'Unable to retrieve some image pull secrets (regcred); attempting to pull the image may not succeed.');
  await waitForPod(client, 'ns-b', 'borrower', 'ErrImagePull', waitingReason('ErrImagePull'), 30_000);
  for (const name of ['stranger', 'stranger-never', 'borrower']) {
    const p = await client.resource(PODS, 'ns-b').get(name);
    assert.equal(statusOf(p).phase, 'Pending', `${name} never ran`);
    assert.equal(containerOf(p).containerID, undefined, `${name} has no container`);
  }
});

test('a plain-HTTP registry works only with the plain-http-registry annotation naming it', async (t) => {
  const image = `${open.host}/ferry/open:v1`;
  await pod(t, 'no-annotation', { image, annotations: {} });
  const cs = await waitForPod(client, 'default', 'no-annotation', 'ErrImagePull', waitingReason('ErrImagePull'), 30_000);
  const message = cs.state?.waiting?.message ?? '';
  assert.match(message, /gave an HTTP response to an HTTPS client/);
  assert.ok(message.includes(`--plain-http ${open.host}`) && message.includes(PLAIN_HTTP), message);

  await pod(t, 'annotated', { image, annotations: { [PLAIN_HTTP]: open.host } });
  await waitForPod(client, 'default', 'annotated', 'Running', running, 30_000);
  const logs = await waitFor('logs', async () => {
    const r = await cp.kubectl(32, ['logs', 'annotated']);
    return r.stdout.length > 0 ? r.stdout : undefined;
  }, 30_000);
  assert.equal(logs, 'over plain http\n');
});

test('coordinator.cci.io/image-replacement: the node pulls through the matching rule, and says so', async (t) => {
  // The spec names a registry that does not exist; the rule points its prefix at the real one.
  const rules = JSON.stringify([
    { repositoryPrefix: 'mirror.invalid/team', replaceWith: `${open.host}/ferry` },
    { repositoryPrefix: '', replaceWith: 'unused.invalid/library' },
  ]);
  await pod(t, 'replaced', { image: 'mirror.invalid/team/replaced:v1', annotations: { [PLAIN_HTTP]: open.host, 'coordinator.cci.io/image-replacement': rules } });
  const cs = await waitForPod(client, 'default', 'replaced', 'Running', running, 30_000);
  assert.equal(cs.image, `${open.host}/ferry/replaced:v1`, 'the status shows the image actually pulled');
  const events = await eventsFor(client, 'default', 'replaced');
  const note = events.find((e) => e.reason === 'ImageReplaced');
  assert.equal(
    note?.message,
    `Image "mirror.invalid/team/replaced:v1" replaced with "${open.host}/ferry/replaced:v1" by coordinator.cci.io/image-replacement rule {repositoryPrefix: "mirror.invalid/team", replaceWith: "${open.host}/ferry"}`,
  );
  assert.ok(events.some((e) => e.reason === 'Pulling' && e.message === `Pulling image "${open.host}/ferry/replaced:v1"`), JSON.stringify(events));
});
