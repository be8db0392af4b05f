// Issue 4's deployment journey against a real server with the controllers running (no node
// agent: the test writes pod status as a kubelet would): Deployment -> ReplicaSet -> Pods,
// scaling, a rolling update, `kubectl rollout status` and `undo`, and cascading deletion.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { deploymentKind, eventKind, podKind, replicaSetKind } from '../src/api/kinds/index.ts';
import { refFor } from '../src/client/index.ts';
import type { ResourceClient } from '../src/client/index.ts';
import type { Deployment, KubeObject, Pod, ReplicaSet } from '../src/controllers/index.ts';
import { markPodReady, startControllerCluster, waitFor } from './fixtures/controllers.ts';
import type { ControllerCluster } from './fixtures/controllers.ts';
import type { KubectlResult } from './fixtures/control-plane.ts';

const NS = 'default';

function ok(result: KubectlResult): string {
  assert.equal(result.code, 0, `kubectl failed (${result.code}): ${result.stderr}`);
  return result.stdout;
}

describe('deployment controller', () => {
  let c: ControllerCluster;
  let pods: ResourceClient<Pod>;
  let rss: ResourceClient<ReplicaSet>;
  let deployments: ResourceClient<Deployment>;
  let kubelet: NodeJS.Timeout | undefined;
  const k = (args: string[]) => c.cp.kubectl(32, args);
  const activePods = async (): Promise<Pod[]> => (await pods.list()).items.filter((p) => !p.metadata.deletionTimestamp);
  const replicaSets = async (): Promise<ReplicaSet[]> => (await rss.list()).items;

  before(async () => {
    c = await startControllerCluster();
    pods = c.client.resource<Pod>(refFor(podKind), NS);
    rss = c.client.resource<ReplicaSet>(refFor(replicaSetKind), NS);
    deployments = c.client.resource<Deployment>(refFor(deploymentKind), NS);
  });
  after(async () => {
    clearInterval(kubelet);
    await c.close();
  });

  test('a Deployment gets a ReplicaSet with pod-template-hash and its pods', async () => {
    ok(await k(['create', 'deployment', 'web', '--image=nginx:1.25', '--replicas=2']));
    const rs = await waitFor('a ReplicaSet', async () => (await replicaSets())[0]);
    const hash = rs.metadata.labels?.['pod-template-hash'];
    assert.ok(hash, 'pod-template-hash label');
    assert.equal(rs.metadata.name, `web-${hash}`);
    const d = await deployments.get('web');
    assert.deepEqual(rs.metadata.ownerReferences?.map((r) => [r.kind, r.name, r.uid, r.controller]), [['Deployment', 'web', d.metadata.uid, true]]);
    const created = await waitFor('2 pods', async () => {
      const items = await activePods();
      return items.length === 2 && items;
    });
    for (const pod of created) {
      assert.equal(pod.metadata.labels?.['pod-template-hash'], hash);
      assert.deepEqual(pod.metadata.ownerReferences?.map((r) => [r.kind, r.name, r.uid, r.controller]), [['ReplicaSet', rs.metadata.name, rs.metadata.uid, true]]);
    }
    await waitFor('status.replicas 2 on the ReplicaSet', async () => (await rss.get(rs.metadata.name ?? '')).status?.replicas === 2);
    const events = c.client.resource<KubeObject & { reason?: string; message?: string; involvedObject?: { name?: string } }>(refFor(eventKind), NS);
    const created2 = await waitFor('SuccessfulCreate events', async () => {
      const items = (await events.list()).items.filter((e) => e.reason === 'SuccessfulCreate' && e.involvedObject?.name === rs.metadata.name);
      return items.length === 2 && items;
    });
    assert.deepEqual(created2.map((e) => e.message).sort(), created.map((p) => `Created pod: ${p.metadata.name}`).sort());
    await waitFor('deployment status', async () => (await deployments.get('web')).status?.replicas === 2);
    assert.equal((await deployments.get('web')).metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
  });

  test('scale 2 -> 5 -> 1', async () => {
    ok(await k(['scale', 'deployment/web', '--replicas=5']));
    await waitFor('5 pods', async () => (await activePods()).length === 5);
    ok(await k(['scale', 'deployment/web', '--replicas=1']));
    await waitFor('1 pod', async () => (await activePods()).length === 1);
    // Stays there: no double creation once the caches catch up.
    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await activePods()).length, 1);
    assert.equal((await replicaSets()).length, 1);
  });

  test('an image change rolls out a new ReplicaSet; rollout status; undo', async () => {
    // The missing kubelet: every pod turns Running and Ready.
    let busy = false;
    kubelet = setInterval(() => {
      if (busy) return;
      busy = true;
      void (async () => {
        for (const pod of await activePods()) {
          if (!pod.status?.conditions?.some((cond) => cond.type === 'Ready' && cond.status === 'True')) await markPodReady(c.client, pod).catch(() => undefined);
        }
      })().catch(() => undefined).finally(() => (busy = false)); // the server may be gone by now
    }, 100);
    await waitFor('the deployment available', async () => (await deployments.get('web')).status?.availableReplicas === 1);
    const [first] = await replicaSets();
    assert.ok(first);
    ok(await k(['set', 'image', 'deployment/web', 'nginx=nginx:1.26']));
    const second = await waitFor('a second ReplicaSet', async () => (await replicaSets()).find((rs) => rs.metadata.name !== first.metadata.name));
    await waitFor('the old ReplicaSet scaled to 0', async () => (await rss.get(first.metadata.name ?? '')).spec?.replicas === 0);
    await waitFor('only new pods', async () => {
      const items = await activePods();
      return items.length === 1 && items.every((p) => p.spec?.containers?.[0]?.image === 'nginx:1.26');
    });
    const status = ok(await k(['rollout', 'status', 'deployment/web', '--timeout=30s']));
    assert.match(status, /successfully rolled out/);
    assert.equal((await deployments.get('web')).metadata.annotations?.['deployment.kubernetes.io/revision'], '2');

    ok(await k(['rollout', 'undo', 'deployment/web']));
    await waitFor('the first ReplicaSet back at 1', async () => (await rss.get(first.metadata.name ?? '')).spec?.replicas === 1);
    await waitFor('the second ReplicaSet at 0', async () => (await rss.get(second.metadata.name ?? '')).spec?.replicas === 0);
    await waitFor('only old-template pods', async () => {
      const items = await activePods();
      return items.length === 1 && items.every((p) => p.spec?.containers?.[0]?.image === 'nginx:1.25');
    });
    const d = await waitFor('revision 3', async () => {
      const got = await deployments.get('web');
      return got.metadata.annotations?.['deployment.kubernetes.io/revision'] === '3' && got;
    });
    assert.equal(d.spec?.template?.spec?.containers?.[0]?.image, 'nginx:1.25');
    assert.match(ok(await k(['rollout', 'status', 'deployment/web', '--timeout=30s'])), /successfully rolled out/);
  });

  test('deleting the deployment removes its ReplicaSets and pods', async () => {
    ok(await k(['delete', 'deployment', 'web']));
    await waitFor('no ReplicaSets', async () => (await replicaSets()).length === 0);
    await waitFor('no pods', async () => (await pods.list()).items.length === 0);
    assert.deepEqual(c.errors.filter((e) => !/conflict|the object has been modified/i.test(String(e))), []);
  });
});
