// EIP allocation (issue 5 section 5) and bursting (section 6) against a real server with the real
// controllers and scheduler, on fake Nodes: the seed's Deployment with its EIP annotations, a
// pool in the kube-system/ferry-eip-pool ConfigMap, an exhausted pool, and burst-to-cci modes
// over a regular node and a tainted elastic-pool node.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { configMapKind, deploymentKind, eventKind, nodeKind, podKind } from '../src/api/kinds/index.ts';
import { refFor } from '../src/client/index.ts';
import type { ResourceClient } from '../src/client/index.ts';
import type { KubeObject, Pod } from '../src/controllers/index.ts';
import { createFakeNode, startControllerCluster, waitFor } from './fixtures/controllers.ts';
import type { ControllerCluster } from './fixtures/controllers.ts';

type Event = KubeObject & { reason?: string; message?: string; involvedObject?: { name?: string } };
const ALLOCATED = 'yangtse.io/allocated-ipv4-eip';

function pod(name: string, annotations: Record<string, string> = {}, labels: Record<string, string> = {}): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', annotations, labels },
    spec: { containers: [{ name: 'c', image: 'nginx:1.25', resources: { requests: { cpu: '100m', memory: '64Mi' } } }] },
  };
}

describe('EIP pool and bursting', () => {
  let c: ControllerCluster;
  let pods: ResourceClient<Pod>;
  let events: ResourceClient<Event>;
  let configmaps: ResourceClient<KubeObject>;
  const eventsFor = async (name: string) => (await events.list()).items.filter((e) => e.involvedObject?.name === name);

  before(async () => {
    c = await startControllerCluster();
    pods = c.client.resource<Pod>(refFor(podKind), 'default');
    events = c.client.resource<Event>(refFor(eventKind), 'default');
    configmaps = c.client.resource<KubeObject>(refFor(configMapKind), 'kube-system');
    await createFakeNode(c.client, 'regular', { cpu: '2', memory: '4Gi', pods: '110' });
    const elastic = await createFakeNode(c.client, 'elastic-1', { cpu: '8', memory: '16Gi', pods: '110' }, { taints: [{ key: 'ferry.io/node-pool', value: 'elastic', effect: 'NoSchedule' }] });
    const nodes = c.client.resource<KubeObject>(refFor(nodeKind));
    await nodes.patch(elastic.metadata.name ?? '', { metadata: { labels: { 'ferry.io/node-pool': 'elastic' } } }, 'merge');
  });
  after(async () => {
    await c.close();
  });

  test('no pool: the pod runs without an EIP, and the event says how to configure one', async () => {
    await pods.create(pod('no-pool', { 'yangtse.io/pod-with-eip': 'true' }));
    const e = await waitFor('EIPPoolMissing', async () => (await eventsFor('no-pool')).find((x) => x.reason === 'EIPPoolMissing'));
    assert.match(e.message ?? '', /no EIP pool is configured: create the ConfigMap kube-system\/ferry-eip-pool with key "addresses"; until then it runs without an EIP/);
    assert.equal(await waitFor('no-pool bound', async () => (await pods.get('no-pool')).spec?.nodeName), 'regular');
    assert.equal((await pods.get('no-pool')).metadata.annotations?.[ALLOCATED], undefined);
  });

  test('a pool of one: the first pod gets it and is scheduled, the next waits until it is released', async () => {
    await configmaps.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ferry-eip-pool' }, data: { addresses: '192.0.2.10' } });
    // The scheduler's and the EIP controller's caches see the new pool within moments.
    await new Promise((r) => setTimeout(r, 1000));
    await pods.create(pod('eip-a', { 'yangtse.io/pod-with-eip': 'true' }));
    const ip = await waitFor('eip-a to get an EIP', async () => (await pods.get('eip-a')).metadata.annotations?.[ALLOCATED]);
    assert.equal(ip, '192.0.2.10');
    assert.equal(await waitFor('eip-a bound', async () => (await pods.get('eip-a')).spec?.nodeName), 'regular');
    const allocated = await waitFor('EIPAllocated', async () => (await eventsFor('eip-a')).find((x) => x.reason === 'EIPAllocated'));
    assert.equal(allocated.message, 'Allocated EIP 192.0.2.10 (bandwidth eip-a: 5 Mbit/s, 5_bgp, charged by bandwidth)', 'the seed\'s defaults');

    await pods.create(pod('eip-b', { 'yangtse.io/pod-with-eip': 'true', 'yangtse.io/eip-bandwidth-size': '10', 'yangtse.io/eip-bandwidth-name': 'web' }));
    const e = await waitFor('EIPPoolExhausted for eip-b', async () => (await eventsFor('eip-b')).find((x) => x.reason === 'EIPPoolExhausted'));
    assert.match(e.message ?? '', /has no free address \(1 in the pool, all allocated\)/);
    assert.equal((await pods.get('eip-b')).spec?.nodeName, undefined, 'Pending while the pool is exhausted');
    await pods.delete('eip-a', { gracePeriodSeconds: 0 });
    assert.equal(await waitFor('eip-b gets the released EIP', async () => (await pods.get('eip-b')).metadata.annotations?.[ALLOCATED]), '192.0.2.10');
    await waitFor('eip-b scheduled once it has its EIP', async () => (await pods.get('eip-b')).spec?.nodeName);
    const b = await waitFor('EIPAllocated for eip-b', async () => (await eventsFor('eip-b')).find((x) => x.reason === 'EIPAllocated'));
    assert.equal(b.message, 'Allocated EIP 192.0.2.10 (bandwidth web: 10 Mbit/s, 5_bgp, charged by bandwidth)');
  });

  test('the seed\'s Deployment with EIP annotations applies unchanged and its pod gets an EIP', async () => {
    await configmaps.patch('ferry-eip-pool', { data: { addresses: '192.0.2.10-192.0.2.12' } }, 'merge');
    const manifest = readFileSync(join(import.meta.dirname, 'manifests', 'seed-deployment.yaml'), 'utf8');
    const { parse } = await import('yaml');
    const deployments = c.client.resource<KubeObject>(refFor(deploymentKind), 'default');
    await deployments.create(parse(manifest) as KubeObject);
    const ip = await waitFor('the seed pod\'s EIP', async () => (await pods.list({ labelSelector: 'app=foo' })).items[0]?.metadata.annotations?.[ALLOCATED]);
    assert.match(ip, /^192\.0\.2\.1[12]$/);
  });

  test('burst-to-cci: off stays regular, enforce goes to the elastic pool, an invalid value is refused', async () => {
    await pods.create(pod('stay', {}, {}));
    assert.equal(await waitFor('stay bound', async () => (await pods.get('stay')).spec?.nodeName), 'regular');
    await pods.create(pod('burst', {}, { 'virtual-kubelet.io/burst-to-cci': 'enforce' }));
    assert.equal(await waitFor('burst bound', async () => (await pods.get('burst')).spec?.nodeName), 'elastic-1');
    await assert.rejects(pods.create(pod('bad', {}, { 'bursting.cci.io/burst-to-cci': 'always' })), (e: Error) => /Unsupported value: "always": supported values: "off", "localPrefer", "auto", "enforce"/.test(e.message));
  });
});
