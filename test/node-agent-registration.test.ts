// Node registration options against a real control plane: extra labels and taints are set when
// the Node is created and kept (merged with others' taints) when an agent registers it again, so
// `ferry node --pool elastic` can label and taint its node. runc is not needed for this.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { clientFromKubeconfig } from '../src/client/index.ts';
import type { KubeClient } from '../src/client/index.ts';
import { NodeAgent } from '../src/node/agent/index.ts';
import { makeTempDir, removeTempDir } from './fixtures/index.ts';
import { startTestControlPlane } from './fixtures/control-plane.ts';
import type { TestControlPlane } from './fixtures/control-plane.ts';

const NODES = { group: '', version: 'v1', resource: 'nodes', namespaced: false, kind: 'Node' };
const NAME = 'elastic-node-1';

let cp: TestControlPlane;
let client: KubeClient;
let dataDir: string;

before(async () => {
  cp = await startTestControlPlane();
  client = clientFromKubeconfig(cp.kubeconfig);
  dataDir = makeTempDir('registration');
});

after(async () => {
  client?.close();
  await cp?.close();
  if (dataDir !== undefined) removeTempDir(dataDir);
});

async function register(options: Partial<ConstructorParameters<typeof NodeAgent>[0]>): Promise<void> {
  const agent = new NodeAgent({ client, nodeName: NAME, dataDir, runcPath: join(dataDir, 'no-runc'), ...options });
  try {
    await agent.start();
  } finally {
    await agent.stop();
  }
}

interface NodeView { metadata: { labels?: Record<string, string> }; spec?: { taints?: { key: string; value?: string; effect: string }[] } }

test('labels and taints at registration, kept and merged on re-registration', async () => {
  const pool = { key: 'ferry.dev/pool', value: 'elastic', effect: 'NoSchedule' as const };
  await register({ labels: { 'ferry.dev/pool': 'elastic', 'kubernetes.io/hostname': 'spoofed' }, taints: [pool] });
  let node = await client.resource(NODES).get(NAME) as unknown as NodeView;
  assert.equal(node.metadata.labels?.['ferry.dev/pool'], 'elastic');
  assert.equal(node.metadata.labels?.['kubernetes.io/hostname'], NAME, 'the kubelet label wins');
  assert.deepEqual(node.spec?.taints, [pool]);

  // Someone else taints the node; the agent restarts with its pool taint changed.
  const admin = { key: 'maintenance', effect: 'NoExecute' };
  await client.resource(NODES).patch(NAME, { spec: { taints: [...(node.spec?.taints ?? []), admin] } }, 'merge');
  const burst = { ...pool, value: 'burst' };
  await register({ labels: { 'ferry.dev/pool': 'burst' }, taints: [burst] });
  node = await client.resource(NODES).get(NAME) as unknown as NodeView;
  assert.equal(node.metadata.labels?.['ferry.dev/pool'], 'burst');
  assert.deepEqual(node.spec?.taints, [admin, burst]);

  // Without options, a restart leaves labels and taints as they are.
  await register({});
  node = await client.resource(NODES).get(NAME) as unknown as NodeView;
  assert.deepEqual(node.spec?.taints, [admin, burst]);
  assert.equal(node.metadata.labels?.['ferry.dev/pool'], 'burst');
  assert.equal(node.metadata.labels?.['kubernetes.io/os'], 'linux');
});
