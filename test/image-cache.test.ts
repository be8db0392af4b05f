// Issue 5 section 4 end to end: the seed's ImageCache (003, example 1: a plain-HTTP registry and
// namespace:name pull secrets) applied with the real kubectl against a node that pulls for real.
// The node pulls with the cache's secrets, unpacks and pins the images and reports them; the
// controller shows ECI's status (`kubectl get ic`: Ready, 100%); the pinned image survives the
// node's image garbage collector; a pod pinning the cache (eci-imc-id) runs from it; deleting
// the cache releases the pin, and the collector may then take the image.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { clientFromKubeconfig } from '../src/client/index.ts';
import type { KubeClient } from '../src/client/index.ts';
import { publishImage, startRegistry } from './fixtures/index.ts';
import type { RunningRegistry } from './fixtures/index.ts';
import { startTestControlPlane } from './fixtures/control-plane.ts';
import type { KubectlResult, TestControlPlane } from './fixtures/control-plane.ts';
import { busyboxImage, NODE, PLAIN_HTTP, PODS, statusOf, waitFor } from './node-agent-support.ts';

const USER = 'cacher';
const PASSWORD = 'cache-pass';
let registry: RunningRegistry;
let cp: TestControlPlane;
let client: KubeClient;

const ok = (r: KubectlResult) => {
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
};
const k = (args: string[], stdin?: string) => cp.kubectl(32, args, stdin === undefined ? {} : { stdin });

/** Seed 003's example 1, verbatim but for the registry's address. */
function seedImageCache(): string {
  return `apiVersion: eci.alibabacloud.com/v1
kind: ImageCache
metadata:
  name: imagecache-sample
  annotations:
    k8s.aliyun.com/plain-http-registry: "${registry.host}"  # Specifies the address of the self-managed image repository to pull an image over the HTTP protocol.
spec:
  images:
  - ${registry.host}/test/nginx:latest
  imagePullSecrets:
  - default:secret1
  - default:secret2
  - kube-system:secret3
  imageCacheSize:
   25
  retentionDays:
   7
`;
}

before(async () => {
  registry = await startRegistry({ auth: { htpasswd: { [USER]: PASSWORD } } });
  await publishImage(registry, 'test/nginx:latest', busyboxImage(['sh', '-c', 'echo served from the cache; sleep 3600']));
  cp = await startTestControlPlane({ node: { nodeName: NODE, leaseRenewMs: 1000, statusUpdateMs: 1000, imageGc: { minAgeMs: 0 } }, controllers: true });
  client = clientFromKubeconfig(cp.kubeconfig);
});

after(async () => {
  client?.close();
  await cp?.close();
  await registry?.stop();
});

test('the seed\'s ImageCache: pulled with its secrets, pinned, Ready at 100%, as kubectl get ic shows', async () => {
  // secret1 is the right one; secret2 and kube-system:secret3 do not exist, which is no error.
  ok(await k(['create', 'secret', 'docker-registry', 'secret1', `--docker-server=${registry.host}`, `--docker-username=${USER}`, `--docker-password=${PASSWORD}`]));
  assert.match(ok(await k(['apply', '-f', '-'], seedImageCache())), /imagecache.eci.alibabacloud.com\/imagecache-sample created/);
  await waitFor('Ready', async () => (/^imagecache-sample\s+Ready\s+100%\s+\S+$/m.test(ok(await k(['get', 'ic']))) ? true : undefined), 90_000);
  const ic = JSON.parse(ok(await k(['get', 'ic', 'imagecache-sample', '-o', 'json']))) as { status: Record<string, unknown> & { nodes?: Record<string, { phase: string; images: Record<string, { digest: string }> }> } };
  assert.match(String(ic.status['imageCacheId']), /^imc-[0-9a-f]{20}$/);
  assert.ok(ic.status['startTime'] && ic.status['lastUpdatedTime']);
  assert.ok(ic.status['expireDateTime'], 'retentionDays 7 sets the expiry');
  assert.equal(ic.status.nodes?.[NODE]?.phase, 'Ready');
  assert.match(ic.status.nodes?.[NODE]?.images[`${registry.host}/test/nginx:latest`]?.digest ?? '', /^sha256:/);
  const events = ok(await k(['get', 'events', '-A', '--field-selector', 'involvedObject.name=imagecache-sample', '-o', 'jsonpath={range .items[*]}{.reason}{"\\n"}{end}']));
  assert.match(events, /ImageCacheReady/);
});

test('the pinned image survives image garbage collection; the node reports it', async () => {
  const services = cp.plane.node?.services;
  assert.ok(services);
  const gc = await services.collectImages();
  assert.deepEqual(gc.removed, [], 'nothing unpinned and unused to take');
  // The node's status, written every second here, lists it.
  await waitFor('status.images', async () => {
    const node = await client.resource({ group: '', version: 'v1', resource: 'nodes', namespaced: false, kind: 'Node' }).get(NODE);
    const images = ((node['status'] as { images?: { names: string[] }[] }).images ?? []).flatMap((i) => i.names);
    return images.includes(`${registry.host}/test/nginx:latest`) ? true : undefined;
  }, 30_000);
});

test('a pod pinning the cache with eci-imc-id runs from it', async () => {
  const ic = JSON.parse(ok(await k(['get', 'ic', 'imagecache-sample', '-o', 'json']))) as { status: { imageCacheId: string } };
  const pods = client.resource(PODS, 'default');
  await pods.create({
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'from-cache', namespace: 'default', annotations: { [PLAIN_HTTP]: registry.host, 'k8s.aliyun.com/eci-imc-id': ic.status.imageCacheId } },
    spec: {
      terminationGracePeriodSeconds: 1, imagePullSecrets: [{ name: 'secret1' }],
      containers: [{ name: 'main', image: `${registry.host}/test/nginx:latest`, imagePullPolicy: 'IfNotPresent' }],
    },
  });
  await waitFor('Running', async () => (statusOf(await pods.get('from-cache')).phase === 'Running' ? true : undefined), 60_000);
  const events = ok(await k(['get', 'events', '--field-selector', 'involvedObject.name=from-cache', '-o', 'jsonpath={range .items[*]}{.reason}: {.message}{"\\n"}{end}']));
  assert.match(events, /already present on machine/, 'no pull: the image came from the cache');
  await pods.delete('from-cache', { gracePeriodSeconds: 0 });
});

test('deleting the cache releases the pin: the collector may take the image once unused', async () => {
  ok(await k(['delete', 'ic', 'imagecache-sample']));
  const services = cp.plane.node?.services;
  assert.ok(services);
  await waitFor('pin released', async () => (services.pins.caches().length === 0 ? true : undefined), 30_000);
  await waitFor('the pod gone', async () => ((await client.resource(PODS, 'default').list()).items.length === 0 ? true : undefined), 30_000);
  await waitFor('its container gone', async () => (((await cp.plane.node?.runtime?.listContainers()) ?? []).length === 0 ? true : undefined), 30_000);
  // An unused image older than the maximum age goes whatever the disk says (once the agent has
  // let go of the pod's containers).
  const removed = await waitFor('the image collected', async () => {
    const gc = await services.collectImages({ maxAgeMs: 10 });
    return gc.removed.length > 0 ? gc.removed : undefined;
  }, 30_000);
  assert.deepEqual(removed, [`${registry.host}/test/nginx:latest`]);
});
