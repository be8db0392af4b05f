// The node agent's container lifecycle against the real thing (control plane, registry, runc):
// restart policies and CrashLoopBackOff, kubectl logs (--tail, -f, --previous), and adoption of
// running containers by a new agent after a restart. Nothing is skipped.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { TestContext } from 'node:test';
import { clientFromKubeconfig } from '../src/client/index.ts';
import type { KubeClient } from '../src/client/index.ts';
import { NodeAgent } from '../src/node/agent/index.ts';
import { publishImage, startRegistry } from './fixtures/index.ts';
import type { RunningRegistry } from './fixtures/index.ts';
import { startTestControlPlane } from './fixtures/control-plane.ts';
import type { TestControlPlane } from './fixtures/control-plane.ts';
import {
  AGENT_TUNING, busyboxImage, containerOf, createPod, deleteAndWait, eventsFor, PLAIN_HTTP, PODS, statusOf, stopAgentsAndContainers, waitFor, waitForPod,
} from './node-agent-support.ts';
import type { PodOptions } from './node-agent-support.ts';

// Short backoffs so a crash loop shows within seconds (the kubelet's are 10 s to 5 min).
let registry: RunningRegistry;
let cp: TestControlPlane;
let client: KubeClient;
let agentClient: KubeClient | undefined;
let restarted: NodeAgent | undefined;
let image: string;

before(async () => {
  registry = await startRegistry();
  image = `${registry.host}/ferry/life:v1`;
  await publishImage(registry, 'ferry/life:v1', busyboxImage());
  cp = await startTestControlPlane({ node: AGENT_TUNING });
  client = clientFromKubeconfig(cp.kubeconfig);
});

after(async () => {
  await stopAgentsAndContainers([cp?.plane.node, restarted]);
  agentClient?.close();
  client?.close();
  await cp?.close();
  await registry?.stop();
});

/** Creates a pod that is deleted after the test, even a failed one (the next tests count containers). */
function pod(t: TestContext, name: string, o: Omit<PodOptions, 'image'>) {
  t.after(() => deleteAndWait(client, 'default', name));
  return createPod(client, name, { image, annotations: { [PLAIN_HTTP]: registry.host }, ...o });
}

test('restartPolicy Always: a container exiting 1 restarts in CrashLoopBackOff with the kubelet wording', async (t) => {
  const created = await pod(t, 'crash', { command: ['sh', '-c', 'echo crashing; exit 1'] });
  const uid = created.metadata.uid ?? '';
  // Polled until the backoff has grown: a restart happened and the next one waits.
  const cs = await waitForPod(client, 'default', 'crash', 'CrashLoopBackOff after a restart', (p) => {
    const c = containerOf(p);
    return c.state?.waiting?.reason === 'CrashLoopBackOff' && (c.restartCount ?? 0) >= 1 ? c : undefined;
  }, 30_000);
  assert.match(cs.state?.waiting?.message ?? '', new RegExp(`^back-off \\d+s restarting failed container=main pod=crash_default\\(${uid}\\)$`));
  assert.equal(cs.lastState?.terminated?.exitCode, 1);
  assert.equal(cs.lastState?.terminated?.reason, 'Error');
  // As the kubelet: while it waits, lastState is the instance that just exited, not the one before.
  assert.equal(cs.lastState?.terminated?.containerID, `runc://${uid}_main_${cs.restartCount ?? -1}`);
  // While it waits, kubectl logs --previous shows the instance that crashed.
  const previous = await cp.kubectl(32, ['logs', 'crash', '--previous']);
  assert.equal(previous.stdout, 'crashing\n', previous.stderr);
  const later = await waitForPod(client, 'default', 'crash', 'restartCount to grow', (p) => {
    const c = containerOf(p);
    return (c.restartCount ?? 0) > (cs.restartCount ?? 0) ? c : undefined;
  }, 30_000);
  assert.ok((later.restartCount ?? 0) >= 2);
  assert.equal(statusOf(await client.resource(PODS, 'default').get('crash')).phase, 'Running');
  const backOff = (await eventsFor(client, 'default', 'crash')).find((e) => e.reason === 'BackOff');
  assert.equal(backOff?.message, `Back-off restarting failed container main in pod crash_default(${uid})`);
  assert.equal(backOff?.type, 'Warning');
  await deleteAndWait(client, 'default', 'crash');
});

const finished = (p: Parameters<typeof statusOf>[0]) => {
  const phase = statusOf(p).phase;
  return phase === 'Succeeded' || phase === 'Failed' ? p : undefined;
};

test('restartPolicy Never: exit 0 is Succeeded (Completed), exit 2 is Failed (Error); neither restarts', async (t) => {
  await pod(t, 'never-ok', { restartPolicy: 'Never', command: ['sh', '-c', 'exit 0'] });
  await pod(t, 'never-bad', { restartPolicy: 'Never', command: ['sh', '-c', 'exit 2'] });
  const ok = await waitForPod(client, 'default', 'never-ok', 'a final phase', finished, 30_000);
  assert.equal(statusOf(ok).phase, 'Succeeded');
  assert.equal(containerOf(ok).state?.terminated?.reason, 'Completed');
  assert.equal(containerOf(ok).state?.terminated?.exitCode, 0);
  assert.equal(containerOf(ok).restartCount, 0);
  const bad = await waitForPod(client, 'default', 'never-bad', 'a final phase', finished, 30_000);
  assert.equal(statusOf(bad).phase, 'Failed');
  assert.equal(containerOf(bad).state?.terminated?.reason, 'Error');
  assert.equal(containerOf(bad).state?.terminated?.exitCode, 2);
  assert.equal(containerOf(bad).restartCount, 0);
  await deleteAndWait(client, 'default', 'never-ok');
  await deleteAndWait(client, 'default', 'never-bad');
});

test('restartPolicy OnFailure: exit 0 is Succeeded, without a restart', async (t) => {
  await pod(t, 'onfail-ok', { restartPolicy: 'OnFailure', command: ['sh', '-c', 'echo done; exit 0'] });
  const ok = await waitForPod(client, 'default', 'onfail-ok', 'a final phase', finished, 30_000);
  assert.equal(statusOf(ok).phase, 'Succeeded');
  assert.equal(containerOf(ok).state?.terminated?.reason, 'Completed');
  assert.equal(containerOf(ok).restartCount, 0);
  await deleteAndWait(client, 'default', 'onfail-ok');
});

test('kubectl logs --tail=1 and -f', async (t) => {
  await pod(t, 'ticker', { command: ['sh', '-c', 'i=0; while true; do echo "line $i"; i=$((i+1)); sleep 0.5; done'] });
  await waitFor('three lines', async () => {
    const r = await cp.kubectl(32, ['logs', 'ticker']);
    return r.stdout.split('\n').filter(Boolean).length >= 3 ? r : undefined;
  }, 30_000);
  const tail = await cp.kubectl(32, ['logs', 'ticker', '--tail=1']);
  assert.equal(tail.code, 0, tail.stderr);
  const lines = tail.stdout.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, tail.stdout);
  const n = Number(/^line (\d+)$/.exec(lines[0] ?? '')?.[1]);
  assert.ok(n >= 2, tail.stdout);

  const follow = cp.spawnKubectl(32, ['logs', '-f', 'ticker']);
  let out = '';
  follow.stdout.on('data', (chunk: Buffer) => { out += chunk.toString('utf8'); });
  try {
    // A line written after the follow began arrives without a new request.
    const want = `line ${n + 4}`;
    await waitFor(`"${want}" through -f`, async () => (out.split('\n').includes(want) ? true : undefined), 30_000);
    assert.ok(out.startsWith('line 0\n'), out.slice(0, 100));
    assert.equal(follow.exitCode, null, 'kubectl logs -f is still following');
  } finally {
    follow.kill('SIGKILL');
  }
  await deleteAndWait(client, 'default', 'ticker');
});

test('kubectl logs --previous shows the instance before the restart', async (t) => {
  await pod(t, 'prev', { command: ['sh', '-c', 'echo "boot $(date +%s)"; sleep 4; exit 1'] });
  const none = await cp.kubectl(32, ['logs', 'prev', '--previous']);
  assert.notEqual(none.code, 0, 'no previous instance yet');
  assert.match(none.stderr, /previous terminated container "main" in pod "prev" not found/);
  await waitForPod(client, 'default', 'prev', 'running after a restart', (p) => {
    const c = containerOf(p);
    return c.restartCount === 1 && c.state?.running !== undefined ? true : undefined;
  }, 30_000);
  const previous = await cp.kubectl(32, ['logs', 'prev', '--previous']);
  const current = await cp.kubectl(32, ['logs', 'prev']);
  assert.equal(previous.code, 0, previous.stderr);
  const p = Number(/^boot (\d+)\n$/.exec(previous.stdout)?.[1]);
  const c = Number(/^boot (\d+)\n$/.exec(current.stdout)?.[1]);
  assert.ok(p > 0 && c > p, `previous ${JSON.stringify(previous.stdout)}, current ${JSON.stringify(current.stdout)}`);
  await deleteAndWait(client, 'default', 'prev');
});

// Last in this file: it replaces the control plane's embedded agent with a new one.
test('a restarted agent adopts a running container: same containerID, no restart; deletion still stops it', async (t) => {
  await pod(t, 'adopt', { command: ['sh', '-c', 'echo adopted; sleep 3600'] });
  const before = await waitForPod(client, 'default', 'adopt', 'Running', (p) => (statusOf(p).phase === 'Running' ? containerOf(p) : undefined), 30_000);
  const old = cp.plane.node;
  assert.ok(old?.runtime);
  await old.stop();
  const id = (before.containerID ?? '').replace(/^runc:\/\//, '');
  const survivors = await old.runtime.listContainers();
  assert.deepEqual(survivors.map((c) => [c.id, c.state]), [[id, 'running']], 'the container outlives the agent');
  const startedAt = survivors[0]?.startedAt;

  // As control-plane.ts builds the embedded agent: same data dir and certs.d, its own client.
  agentClient = clientFromKubeconfig(cp.kubeconfig);
  restarted = new NodeAgent({ ...AGENT_TUNING, client: agentClient, dataDir: join(cp.dataDir, 'node'), certsDir: join(cp.dataDir, 'certs.d') });
  await restarted.start();
  const runtime = restarted.runtime;
  assert.ok(runtime);
  const live = await runtime.listContainers();
  assert.deepEqual(live.map((c) => [c.id, c.state, c.startedAt]), [[id, 'running', startedAt]], 'adopted, not restarted');
  // A status write by the new agent must keep the same instance.
  const after = await waitForPod(client, 'default', 'adopt', 'Running', (p) => (statusOf(p).phase === 'Running' ? containerOf(p) : undefined));
  assert.equal(after.containerID, before.containerID);
  assert.equal(after.restartCount, 0);
  const events = (await eventsFor(client, 'default', 'adopt')).filter((e) => e.reason === 'Started');
  assert.equal(events.length, 1, 'started once');

  await deleteAndWait(client, 'default', 'adopt');
  assert.deepEqual(await runtime.listContainers(), [], 'the new agent stopped the adopted container');
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(cp.dataDir));
  assert.deepEqual(mounts, [], 'mounts left under the data dir');
});
