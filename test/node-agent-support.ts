// Shared by the node agent lifecycle and image tests: a busybox image, polling, pod and event
// views, and a teardown that leaves no container, mount or process behind even after a failure.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeClient } from '../src/client/index.ts';
import type { KubeObject } from '../src/api/object.ts';
import type { NodeAgent } from '../src/node/agent/index.ts';
import type { TestControlPlane } from './fixtures/control-plane.ts';
import type { RunningRegistry } from './fixtures/index.ts';

export const NODE = 'ferry-test-node';
export const PODS = { group: '', version: 'v1', resource: 'pods', namespaced: true, kind: 'Pod' };
export const SECRETS = { group: '', version: 'v1', resource: 'secrets', namespaced: true, kind: 'Secret' };
export const NAMESPACES = { group: '', version: 'v1', resource: 'namespaces', namespaced: false, kind: 'Namespace' };
export const EVENTS = { group: '', version: 'v1', resource: 'events', namespaced: true, kind: 'Event' };
export const PLAIN_HTTP = 'k8s.aliyun.com/plain-http-registry';
/** The node agent's timing in these tests: quick back-off and lease renewal. */
export const AGENT_TUNING = { nodeName: NODE, initialBackoffMs: 1000, maxBackoffMs: 4000, leaseRenewMs: 1000 };

export { busyboxImage } from './fixtures/index.ts';

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}${last === undefined ? '' : `: ${String(last)}`}`);
    await sleep(150);
  }
}

export interface Terminated { exitCode?: number; reason?: string; containerID?: string }
export interface ContainerStatusView {
  restartCount?: number;
  image?: string;
  imageID?: string;
  containerID?: string;
  state?: { running?: { startedAt?: string }; waiting?: { reason?: string; message?: string }; terminated?: Terminated };
  lastState?: { terminated?: Terminated };
}
export interface StatusView { phase?: string; containerStatuses?: ContainerStatusView[] }
export const statusOf = (pod: KubeObject): StatusView => (pod['status'] ?? {}) as StatusView;
export const containerOf = (pod: KubeObject): ContainerStatusView => statusOf(pod).containerStatuses?.[0] ?? {};

export interface EventView { reason: string; message: string; type: string }

export async function eventsFor(client: KubeClient, namespace: string, name: string): Promise<EventView[]> {
  const list = await client.resource(EVENTS, namespace).list({ fieldSelector: `involvedObject.name=${name}` });
  return (list.items as unknown as (EventView & { metadata: { creationTimestamp?: string } })[])
    .sort((a, b) => String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp)));
}

export interface PodOptions {
  namespace?: string;
  image: string;
  command?: string[];
  restartPolicy?: 'Always' | 'Never' | 'OnFailure';
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  pullSecret?: string;
  annotations?: Record<string, string>;
}

export function createPod(client: KubeClient, name: string, o: PodOptions): Promise<KubeObject> {
  const namespace = o.namespace ?? 'default';
  return client.resource(PODS, namespace).create({
    metadata: { name, namespace, ...(o.annotations === undefined ? {} : { annotations: o.annotations }) },
    spec: {
      nodeName: NODE,
      terminationGracePeriodSeconds: 1,
      ...(o.restartPolicy === undefined ? {} : { restartPolicy: o.restartPolicy }),
      ...(o.pullSecret === undefined ? {} : { imagePullSecrets: [{ name: o.pullSecret }] }),
      containers: [{
        name: 'main', image: o.image,
        ...(o.command === undefined ? {} : { command: o.command }),
        ...(o.imagePullPolicy === undefined ? {} : { imagePullPolicy: o.imagePullPolicy }),
      }],
    },
  });
}

/** Polls the pod until `pick` returns something for it. */
export function waitForPod<T>(client: KubeClient, namespace: string, name: string, what: string,
  pick: (pod: KubeObject) => T | undefined, timeoutMs = 60_000): Promise<T> {
  return waitFor(`${namespace}/${name}: ${what}`, async () => pick(await client.resource(PODS, namespace).get(name)), timeoutMs);
}

export async function deleteAndWait(client: KubeClient, namespace: string, name: string): Promise<void> {
  const pods = client.resource(PODS, namespace);
  await pods.delete(name).catch(() => {});
  await waitFor(`pod ${namespace}/${name} to disappear`, async () => (await pods.get(name).then(() => false, () => true)) || undefined);
}

/** Stops the agents first (so nothing restarts what goes next), then removes every container and pod sandbox. */
export async function stopAgentsAndContainers(agents: (NodeAgent | undefined)[]): Promise<void> {
  for (const agent of agents) await agent?.stop().catch(() => {});
  for (const agent of agents) await agent?.cleanUp().catch(() => {});
}

/** A node-agent test's teardown: its agents and containers first, then the client, control plane and registry. */
export async function tearDown(parts: { cp?: TestControlPlane | undefined; client?: KubeClient | undefined; registry?: RunningRegistry | undefined }): Promise<void> {
  await stopAgentsAndContainers([parts.cp?.plane.node]);
  parts.client?.close();
  await parts.cp?.close();
  await parts.registry?.stop();
}
