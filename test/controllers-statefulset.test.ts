// The StatefulSet controller against a real server: ordinal pods created one at a time in order
// (OrderedReady waits for each to be Running and Ready; the test plays the kubelet), scale-down
// from the highest ordinal, and the status.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { podKind, statefulSetKind } from '../src/api/kinds/index.ts';
import { refFor } from '../src/client/index.ts';
import type { ResourceClient } from '../src/client/index.ts';
import type { Pod, StatefulSet } from '../src/controllers/index.ts';
import { markPodReady, startControllerCluster, waitFor } from './fixtures/controllers.ts';
import type { ControllerCluster } from './fixtures/controllers.ts';

describe('statefulset controller', () => {
  let c: ControllerCluster;
  let pods: ResourceClient<Pod>;
  let sets: ResourceClient<StatefulSet>;
  const names = async (): Promise<string[]> => (await pods.list()).items.filter((p) => !p.metadata.deletionTimestamp).map((p) => p.metadata.name ?? '').sort();

  before(async () => {
    c = await startControllerCluster();
    pods = c.client.resource<Pod>(refFor(podKind), 'default');
    sets = c.client.resource<StatefulSet>(refFor(statefulSetKind), 'default');
  });
  after(async () => {
    await c.close();
  });

  test('ordered creation, one pod at a time', async () => {
    await sets.create({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 'default' },
      spec: { replicas: 2, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'c', image: 'postgres:16' }] } } },
    });
    await waitFor('db-0', async () => (await names()).includes('db-0'));
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(await names(), ['db-0'], 'db-1 waits for db-0 to be ready');
    const db0 = await pods.get('db-0');
    assert.equal(db0.spec?.hostname, 'db-0');
    assert.equal(db0.spec?.subdomain, 'db');
    assert.equal(db0.metadata.labels?.['statefulset.kubernetes.io/pod-name'], 'db-0');
    assert.equal(db0.metadata.ownerReferences?.[0]?.kind, 'StatefulSet');
    await markPodReady(c.client, db0);
    await waitFor('db-1', async () => (await names()).includes('db-1'));
    await markPodReady(c.client, await pods.get('db-1'));
    await waitFor('readyReplicas 2', async () => (await sets.get('db')).status?.readyReplicas === 2);
  });

  test('scale down removes the highest ordinal', async () => {
    await sets.patch('db', { spec: { replicas: 1 } }, 'merge');
    await waitFor('only db-0', async () => (await names()).join() === 'db-0');
    await waitFor('status replicas 1', async () => (await sets.get('db')).status?.replicas === 1);
  });
});
