// Two controller managers against one server: only the Lease holder acts (a ReplicaSet gets
// exactly N pods, never 2N), and when it stops the other takes over.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { leaseKind, podKind, replicaSetKind } from '../src/api/kinds/index.ts';
import { clientFromKubeconfig, refFor } from '../src/client/index.ts';
import type { KubeClient, Lease, ResourceClient } from '../src/client/index.ts';
import type { Pod, ReplicaSet } from '../src/controllers/index.ts';
import { LEASE_NAME, LEASE_NAMESPACE, startControllers } from '../src/controllers/runtime/index.ts';
import type { RunningControllers } from '../src/controllers/runtime/index.ts';
import { startTestControlPlane } from './fixtures/control-plane.ts';
import type { TestControlPlane } from './fixtures/control-plane.ts';
import { waitFor } from './fixtures/controllers.ts';

const TIMINGS = { leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 200 };

describe('controllers under leader election', () => {
  let cp: TestControlPlane;
  const clients: KubeClient[] = [];
  const managers: RunningControllers[] = [];
  let pods: ResourceClient<Pod>;
  let rss: ResourceClient<ReplicaSet>;
  let most = 0;
  let watcher: NodeJS.Timeout | undefined;

  before(async () => {
    cp = await startTestControlPlane({ controllers: 'none' });
    for (let i = 0; i < 2; i++) {
      const client = clientFromKubeconfig(cp.kubeconfig);
      clients.push(client);
      managers.push(startControllers({ client, identity: `copy-${i}-${randomUUID()}`, ...TIMINGS }));
    }
    pods = (clients[0] as KubeClient).resource<Pod>(refFor(podKind), 'default');
    rss = (clients[0] as KubeClient).resource<ReplicaSet>(refFor(replicaSetKind), 'default');
  });
  after(async () => {
    clearInterval(watcher);
    await Promise.all(managers.map((m) => m.stop()));
    for (const client of clients) client.close();
    await cp.close();
  });

  test('one copy leads; the ReplicaSet gets exactly its replicas', async () => {
    await waitFor('a leader', () => managers.some((m) => m.isLeading()));
    assert.equal(managers.filter((m) => m.isLeading()).length, 1);
    const lease = await (clients[0] as KubeClient).resource<Lease>(refFor(leaseKind), LEASE_NAMESPACE).get(LEASE_NAME);
    assert.match(lease.spec?.holderIdentity ?? '', /^copy-[01]-/);

    watcher = setInterval(() => {
      void pods.list().then((l) => (most = Math.max(most, l.items.length)), () => undefined);
    }, 20);
    await rss.create({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'rs', namespace: 'default' },
      spec: { replicas: 3, selector: { matchLabels: { app: 'rs' } }, template: { metadata: { labels: { app: 'rs' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] } } },
    });
    await waitFor('3 pods', async () => (await pods.list()).items.length === 3);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal((await pods.list()).items.length, 3);
    assert.equal(most, 3);
  });

  test('when the leader stops, the other copy takes over', async () => {
    const leader = managers.findIndex((m) => m.isLeading());
    const other = managers[1 - leader] as RunningControllers;
    await (managers[leader] as RunningControllers).stop();
    await waitFor('the other copy to lead', () => other.isLeading(), 15_000);
    await rss.patch('rs', { spec: { replicas: 4 } }, 'merge');
    await waitFor('4 pods', async () => (await pods.list()).items.length === 4);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await pods.list()).items.length, 4);
    assert.equal(most, 4);
  });
});
