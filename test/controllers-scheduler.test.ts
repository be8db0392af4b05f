// The scheduler against a real server: two fake Nodes (one tainted, one small), pods land where
// they fit, and a pod that fits nowhere stays Pending with kube-scheduler's FailedScheduling
// message and the PodScheduled=False condition.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eventKind, podKind } from '../src/api/kinds/index.ts';
import { refFor } from '../src/client/index.ts';
import type { ResourceClient } from '../src/client/index.ts';
import type { KubeObject, Pod } from '../src/controllers/index.ts';
import { createFakeNode, startControllerCluster, waitFor } from './fixtures/controllers.ts';
import type { ControllerCluster } from './fixtures/controllers.ts';

type Event = KubeObject & { reason?: string; message?: string; type?: string; involvedObject?: { name?: string }; source?: { component?: string } };

function pod(name: string, cpu: string, extra: Partial<NonNullable<Pod['spec']>> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { containers: [{ name: 'c', image: 'nginx:1.25', resources: { requests: { cpu, memory: '64Mi' } } }], ...extra },
  };
}

describe('scheduler', () => {
  let c: ControllerCluster;
  let pods: ResourceClient<Pod>;
  let events: ResourceClient<Event>;
  const eventsFor = async (name: string): Promise<Event[]> => (await events.list()).items.filter((e) => e.involvedObject?.name === name);

  before(async () => {
    c = await startControllerCluster();
    pods = c.client.resource<Pod>(refFor(podKind), 'default');
    events = c.client.resource<Event>(refFor(eventKind), 'default');
    await createFakeNode(c.client, 'tainted', { cpu: '8', memory: '16Gi', pods: '110' }, { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] });
    await createFakeNode(c.client, 'small', { cpu: '1', memory: '4Gi', pods: '110' });
  });
  after(async () => {
    await c.close();
  });

  test('a pod lands on the node it fits, with a Scheduled event', async () => {
    await pods.create(pod('fits', '500m'));
    const bound = await waitFor('fits to be bound', async () => (await pods.get('fits')).spec?.nodeName);
    assert.equal(bound, 'small');
    const scheduled = await waitFor('a Scheduled event', async () => (await eventsFor('fits')).find((e) => e.reason === 'Scheduled'));
    assert.equal(scheduled.message, 'Successfully assigned default/fits to small');
    assert.equal(scheduled.source?.component, 'default-scheduler');
  });

  test('a pod that tolerates the taint may use the big node', async () => {
    await pods.create(pod('tolerant', '2', { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] }));
    assert.equal(await waitFor('tolerant to be bound', async () => (await pods.get('tolerant')).spec?.nodeName), 'tainted');
  });

  test('a pod that fits nowhere stays Pending with FailedScheduling', async () => {
    // kube-scheduler's own wording, its double period included. 600m more does not fit next to `fits` (500m of 1 CPU); the other node is tainted.
    await pods.create(pod('too-big', '600m'));
    const failed = await waitFor('a FailedScheduling event', async () => (await eventsFor('too-big')).find((e) => e.reason === 'FailedScheduling'));
    assert.equal(failed.type, 'Warning');
    assert.equal(
      failed.message,
      '0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint(s). preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling..',
    );
    const got = await waitFor('the PodScheduled condition', async () => {
      const p = await pods.get('too-big');
      return p.status?.conditions?.find((cond) => cond.type === 'PodScheduled') !== undefined && p;
    });
    assert.equal(got.spec?.nodeName, undefined);
    assert.equal(got.status?.phase, 'Pending');
    const condition = got.status?.conditions?.find((cond) => cond.type === 'PodScheduled');
    assert.equal(condition?.status, 'False');
    assert.equal(condition?.reason, 'Unschedulable');
    assert.equal(condition?.message, failed.message);
  });

  test('room made on a node lets the pending pod in', async () => {
    await pods.delete('fits', { gracePeriodSeconds: 0 });
    assert.equal(await waitFor('too-big to be bound', async () => (await pods.get('too-big')).spec?.nodeName, 30_000), 'small');
  });
});
