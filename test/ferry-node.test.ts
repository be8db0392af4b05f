// `ferry node` as its own process joining a control plane (issue 4: the node agent alone; issue 5
// section 6: `ferry node --pool elastic`): the Node registers with the pool label and taint, a pod
// with burst-to-cci enforce runs there for real and pulls through the pod's image-replacement rule,
// a pod without the label stays on the regular node, which ignores the rule (section 3: "a node
// pool can apply the rules only on that pool"), and SIGTERM stops the agent cleanly.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { clientFromKubeconfig } from '../src/client/index.ts';
import type { KubeClient } from '../src/client/index.ts';
import { makeTempDir, removeTempDir } from './fixtures/cleanup.ts';
import { publishImage, startRegistry } from './fixtures/index.ts';
import type { RunningRegistry } from './fixtures/index.ts';
import { startTestControlPlane } from './fixtures/control-plane.ts';
import type { TestControlPlane } from './fixtures/control-plane.ts';
import { busyboxImage, NODE, PLAIN_HTTP, PODS, statusOf, waitFor } from './node-agent-support.ts';

const NODES = { group: '', version: 'v1', resource: 'nodes', namespaced: false, kind: 'Node' };
let registry: RunningRegistry;
let cp: TestControlPlane;
let client: KubeClient;
let agent: ChildProcess | undefined;
let agentErr = '';
const dataDir = makeTempDir('ferry-node-');

before(async () => {
  registry = await startRegistry();
  const sleeper = busyboxImage(['sh', '-c', 'echo bursting; trap "exit 0" TERM; sleep 3600 & wait']);
  await publishImage(registry, 'ferry/burst:v1', sleeper);
  await publishImage(registry, 'mirror/burst:v1', sleeper);
  // Regular nodes ignore image-replacement rules; the elastic pool pulls from the mirror (seed 002).
  cp = await startTestControlPlane({ node: { nodeName: NODE, leaseRenewMs: 1000, imageReplacement: false }, controllers: true });
  client = clientFromKubeconfig(cp.kubeconfig);
  agent = spawn(process.execPath, [join(import.meta.dirname, '..', 'bin', 'ferry.js'), 'node', '--kubeconfig', cp.kubeconfig, '--data-dir', dataDir, '--node-name', 'elastic-a', '--pool', 'elastic'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  agent.stderr?.on('data', (d: Buffer) => (agentErr += d.toString()));
});

after(async () => {
  if (agent !== undefined && agent.exitCode === null) {
    agent.kill('SIGKILL');
    await new Promise((r) => agent?.once('exit', r));
  }
  client?.close();
  await cp?.close();
  await registry?.stop();
  removeTempDir(dataDir);
});

function pod(name: string, labels: Record<string, string>) {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      name, namespace: 'default', labels,
      annotations: { [PLAIN_HTTP]: registry.host, 'coordinator.cci.io/image-replacement': JSON.stringify([{ repositoryPrefix: `${registry.host}/ferry`, replaceWith: `${registry.host}/mirror` }]) },
    },
    spec: { terminationGracePeriodSeconds: 5, containers: [{ name: 'main', image: `${registry.host}/ferry/burst:v1` }] },
  };
}

test('ferry node --pool elastic registers a labelled, tainted Node', async () => {
  const node = await waitFor('the elastic Node', async () => client.resource(NODES).get('elastic-a').catch(() => undefined), 60_000);
  assert.equal((node.metadata.labels ?? {})['ferry.io/node-pool'], 'elastic');
  assert.deepEqual((node['spec'] as { taints?: unknown[] }).taints, [{ key: 'ferry.io/node-pool', value: 'elastic', effect: 'NoSchedule' }]);
  await waitFor('Ready', async () => ((await client.resource(NODES).get('elastic-a'))['status'] as { conditions?: { type: string; status: string }[] })
    .conditions?.some((c) => c.type === 'Ready' && c.status === 'True') || undefined, 60_000);
});

test('a pod with burst-to-cci: enforce runs on the elastic node; one without stays regular', async () => {
  const pods = client.resource(PODS, 'default');
  await pods.create(pod('bursty', { 'virtual-kubelet.io/burst-to-cci': 'enforce' }));
  await pods.create(pod('homebody', {}));
  const running = async (name: string) => {
    const p = await pods.get(name);
    return statusOf(p).phase === 'Running' ? (p['spec'] as { nodeName?: string }).nodeName : undefined;
  };
  assert.equal(await waitFor('bursty Running', () => running('bursty'), 90_000), 'elastic-a');
  assert.equal(await waitFor('homebody Running', () => running('homebody'), 90_000), NODE);
  const imageIdOf = async (name: string) => ((await pods.get(name))['status'] as { containerStatuses?: { imageID?: string }[] }).containerStatuses?.[0]?.imageID ?? '';
  assert.match(await imageIdOf('bursty'), new RegExp(`^${registry.host}/mirror/burst@sha256:`), 'the elastic node pulled through the rule');
  assert.match(await imageIdOf('homebody'), new RegExp(`^${registry.host}/ferry/burst@sha256:`), 'the regular node (--no-image-replacement) pulled the original');
  for (const name of ['bursty', 'homebody']) await pods.delete(name);
  await waitFor('pods gone', async () => ((await pods.list()).items.length === 0 ? true : undefined), 60_000);
});

test('SIGTERM stops ferry node with exit code 0', async () => {
  const exited = new Promise<number | null>((r) => agent?.once('exit', (code) => r(code)));
  agent?.kill('SIGTERM');
  assert.equal(await exited, 0, agentErr);
});
