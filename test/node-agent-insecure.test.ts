// Issue 5 section 1, no cache poisoning across pods: an image whose tag was resolved over plain
// HTTP for a pod that asked for it (k8s.aliyun.com/plain-http-registry) is not handed to a pod
// that did not ask, even with imagePullPolicy IfNotPresent: that pod pulls for itself, securely,
// and fails as it should against an HTTP-only registry. And the admin's allow-list of registries
// pods may name insecure. The real registry, agent and runc.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { clientFromKubeconfig } from '../src/client/index.ts';
import type { KubeClient } from '../src/client/index.ts';
import { publishImage, startRegistry } from './fixtures/index.ts';
import type { RunningRegistry } from './fixtures/index.ts';
import { startTestControlPlane } from './fixtures/control-plane.ts';
import type { TestControlPlane } from './fixtures/control-plane.ts';
import {
  AGENT_TUNING, busyboxImage, containerOf, createPod, deleteAndWait, eventsFor, PLAIN_HTTP, statusOf, tearDown, waitForPod,
} from './node-agent-support.ts';

let registry: RunningRegistry;
let cp: TestControlPlane;
let client: KubeClient;

before(async () => {
  registry = await startRegistry();
  await publishImage(registry, 'ferry/http-only:v1', busyboxImage(['sh', '-c', 'echo fetched over http; sleep 3600']));
  // The admin allows only this registry to be reached insecurely.
  cp = await startTestControlPlane({ node: { ...AGENT_TUNING, allowedInsecureRegistries: [registry.host] } });
  client = clientFromKubeconfig(cp.kubeconfig);
});

after(() => tearDown({ cp, client, registry }));

test('a tag resolved over plain HTTP is not trusted by a pod that did not ask for plain HTTP', async () => {
  const image = `${registry.host}/ferry/http-only:v1`;
  await createPod(client, 'asked', { image, imagePullPolicy: 'IfNotPresent', annotations: { [PLAIN_HTTP]: registry.host } });
  await waitForPod(client, 'default', 'asked', 'Running', (p) => (statusOf(p).phase === 'Running' ? true : undefined), 60_000);

  await createPod(client, 'did-not-ask', { image, imagePullPolicy: 'IfNotPresent' });
  const waiting = await waitForPod(client, 'default', 'did-not-ask', 'ErrImagePull or ImagePullBackOff', (p) => {
    const reason = containerOf(p).state?.waiting?.reason;
    return reason === 'ErrImagePull' || reason === 'ImagePullBackOff' ? reason : undefined;
  }, 60_000);
  assert.ok(waiting);
  const events = await eventsFor(client, 'default', 'did-not-ask');
  assert.ok(events.some((e) => e.reason === 'Pulling'), 'it pulled for itself instead of using the node\'s copy');
  assert.ok(!events.some((e) => e.reason === 'Pulled' && /already present/.test(e.message)), 'the node\'s copy was not handed over');
  const failed = events.find((e) => e.reason === 'Failed');
  assert.match(failed?.message ?? '', new RegExp(registry.host.replace(/\./g, '\\.')));
  await deleteAndWait(client, 'default', 'did-not-ask');
  await deleteAndWait(client, 'default', 'asked');
});

test('a registry the node\'s policy does not allow is refused with an event, and the allowed one still works', async () => {
  const image = `${registry.host}/ferry/http-only:v1`;
  await createPod(client, 'mixed', { image, annotations: { [PLAIN_HTTP]: `refused.example:5000,${registry.host}` } });
  await waitForPod(client, 'default', 'mixed', 'Running', (p) => (statusOf(p).phase === 'Running' ? true : undefined), 60_000);
  const refused = (await eventsFor(client, 'default', 'mixed')).find((e) => e.reason === 'InsecureRegistryRefused');
  assert.match(refused?.message ?? '', /k8s\.aliyun\.com\/plain-http-registry names refused\.example:5000, which this node's policy does not allow to be reached insecurely/);
  assert.equal(refused?.type, 'Warning');
  await deleteAndWait(client, 'default', 'mixed');
});
