// A readiness probe seen through a Deployment (controllers, scheduler and the node agent, real
// runc and kubectl 1.32): READY stays 0/1 while the probe fails and turns 1/1 once it passes.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { clientFromKubeconfig } from '../src/client/index.ts';
import type { KubeClient } from '../src/client/index.ts';
import { startRegistry } from './fixtures/index.ts';
import type { RunningRegistry } from './fixtures/index.ts';
import { startTestControlPlane } from './fixtures/control-plane.ts';
import type { TestControlPlane } from './fixtures/control-plane.ts';
import { AGENT_TUNING, PLAIN_HTTP, PODS, tearDown, waitFor } from './node-agent-support.ts';
import { publishToolbox } from './node-agent-toolbox.ts';

const DEPLOYMENTS = { group: 'apps', version: 'v1', resource: 'deployments', namespaced: true, kind: 'Deployment' };

let registry: RunningRegistry;
let cp: TestControlPlane;
let client: KubeClient;
let image: string;

before(async () => {
  registry = await startRegistry();
  image = await publishToolbox(registry);
  cp = await startTestControlPlane({ node: AGENT_TUNING, controllers: true });
  client = clientFromKubeconfig(cp.kubeconfig);
});

after(() => tearDown({ cp, client, registry }));

test('kubectl get deployment: READY 0/1 until the readiness probe passes, then 1/1', async () => {
  const labels = { app: 'gated' };
  await client.resource(DEPLOYMENTS, 'default').create({
    metadata: { name: 'gated', namespace: 'default' },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels, annotations: { [PLAIN_HTTP]: registry.host } },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [{
            name: 'main', image, command: ['sh', '-c', 'sleep 6; touch /tmp/ready; sleep 3600'],
            readinessProbe: { exec: { command: ['test', '-f', '/tmp/ready'] }, periodSeconds: 1 },
          }],
        },
      },
    },
  });
  const ready = async () => {
    const r = await cp.kubectl(32, ['get', 'deployment', 'gated', '--no-headers']);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.trim().split(/\s+/)[1] ?? '';
  };
  // The pod runs before it is ready.
  await waitFor('a running, unready pod', async () => {
    const pods = await client.resource(PODS, 'default').list({ labelSelector: 'app=gated' });
    const st = pods.items[0]?.['status'] as { phase?: string; containerStatuses?: { ready?: boolean }[] } | undefined;
    return st?.phase === 'Running' && st.containerStatuses?.[0]?.ready === false ? true : undefined;
  }, 90_000);
  assert.equal(await ready(), '0/1');
  await waitFor('READY 1/1', async () => ((await ready()) === '1/1' ? true : undefined), 60_000);

  await client.resource(DEPLOYMENTS, 'default').delete('gated', { propagationPolicy: 'Foreground' });
  await waitFor('the pods to go', async () => ((await client.resource(PODS, 'default').list({ labelSelector: 'app=gated' })).items.length === 0 ? true : undefined), 90_000);
});
