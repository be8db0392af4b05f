// Issue 5 section 5 on a real node: a pod annotated yangtse.io/pod-with-eip gets an address from
// the pool, traffic from a client host to that address reaches the pod, the pod's own traffic
// reaches the client from that address, both limited to the pod's eip-bandwidth-size, and
// everything is undone when the pod goes. The client host is a network namespace this test makes
// (198.18.0.0/15, the benchmarking range) behind a veth pair; nothing leaves the machine.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { clientFromKubeconfig } from '../src/client/index.ts';
import type { KubeClient } from '../src/client/index.ts';
import { makeTempDir, removeTempDir } from './fixtures/cleanup.ts';
import { buildImage, publishImage, startRegistry } from './fixtures/index.ts';
import type { RunningRegistry, TarEntry } from './fixtures/index.ts';
import { startTestControlPlane } from './fixtures/control-plane.ts';
import type { TestControlPlane } from './fixtures/control-plane.ts';
import { eventsFor, NODE, PLAIN_HTTP, PODS, statusOf, waitFor } from './node-agent-support.ts';

const n = process.pid % 200;
const CLIENT_NS = `ferry-eipclient-${process.pid}`;
const HOST_IF = `fch${process.pid}`.slice(0, 15);
const CLIENT_IF = `fcc${process.pid}`.slice(0, 15);
const HOST_ADDR = `198.18.${n}.1`;
const CLIENT_ADDR = `198.18.${n}.2`;
const EIP = `192.0.2.${n + 20}`;
const BLOB = 256 * 1024;

let registry: RunningRegistry;
let cp: TestControlPlane;
let client: KubeClient;
let clientHttpd: ChildProcess | undefined;
const www = makeTempDir('ferry-eip-www-');
let podUid = '';

const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });

function image() {
  const applets = ['sh', 'echo', 'sleep', 'httpd', 'wget', 'true'];
  const entries: TarEntry[] = [
    { type: 'dir', path: 'bin' },
    { type: 'file', path: 'bin/busybox', content: readFileSync('/bin/busybox'), mode: 0o755 },
    ...applets.map((a): TarEntry => ({ type: 'symlink', path: `bin/${a}`, target: 'busybox' })),
    { type: 'dir', path: 'tmp', mode: 0o1777 },
    { type: 'dir', path: 'www' },
    { type: 'file', path: 'www/blob', content: Buffer.alloc(BLOB, 0x61) },
  ];
  return buildImage({ layers: [{ entries }], config: { Cmd: ['sleep', '3600'] } });
}

before(async () => {
  // The client host: a namespace behind a veth pair, routed through this machine.
  sh('ip', ['netns', 'add', CLIENT_NS]);
  sh('ip', ['link', 'add', HOST_IF, 'type', 'veth', 'peer', 'name', CLIENT_IF]);
  sh('ip', ['link', 'set', CLIENT_IF, 'netns', CLIENT_NS]);
  sh('ip', ['addr', 'add', `${HOST_ADDR}/30`, 'dev', HOST_IF]);
  sh('ip', ['link', 'set', HOST_IF, 'up']);
  sh('ip', ['-n', CLIENT_NS, 'addr', 'add', `${CLIENT_ADDR}/30`, 'dev', CLIENT_IF]);
  sh('ip', ['-n', CLIENT_NS, 'link', 'set', CLIENT_IF, 'up']);
  sh('ip', ['-n', CLIENT_NS, 'link', 'set', 'lo', 'up']);
  sh('ip', ['-n', CLIENT_NS, 'route', 'add', 'default', 'via', HOST_ADDR]);
  // On the client: a CGI that answers with the address the request came from.
  mkdirSync(join(www, 'cgi-bin'));
  writeFileSync(join(www, 'cgi-bin', 'addr'), '#!/bin/sh\nprintf "Content-Type: text/plain\\r\\n\\r\\nfrom=%s\\n" "$REMOTE_ADDR"\n', { mode: 0o755 });
  clientHttpd = spawn('ip', ['netns', 'exec', CLIENT_NS, 'busybox', 'httpd', '-f', '-p', `${CLIENT_ADDR}:9000`, '-h', www], { stdio: 'ignore' });

  registry = await startRegistry();
  await publishImage(registry, 'ferry/eip:v1', image());
  cp = await startTestControlPlane({ node: { nodeName: NODE, leaseRenewMs: 1000 }, controllers: true });
  client = clientFromKubeconfig(cp.kubeconfig);
  await client.resource({ group: '', version: 'v1', resource: 'configmaps', namespaced: true, kind: 'ConfigMap' }, 'kube-system')
    .create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ferry-eip-pool' }, data: { addresses: EIP } });
  await new Promise((r) => setTimeout(r, 1000)); // the controllers' caches see the pool
});

after(async () => {
  clientHttpd?.kill('SIGKILL');
  client?.close();
  await cp?.close();
  await registry?.stop();
  try {
    sh('ip', ['link', 'delete', HOST_IF]);
  } catch { /* gone with the namespace */ }
  try {
    sh('ip', ['netns', 'delete', CLIENT_NS]);
  } catch { /* never made */ }
  removeTempDir(www);
});

test('the pod is reached at its EIP, speaks from it, at its bandwidth', async () => {
  const pods = client.resource(PODS, 'default');
  await pods.create({
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      name: 'with-eip', namespace: 'default',
      annotations: { [PLAIN_HTTP]: registry.host, 'yangtse.io/pod-with-eip': 'true', 'yangtse.io/eip-bandwidth-size': '1' },
    },
    spec: {
      terminationGracePeriodSeconds: 2,
      containers: [{ name: 'main', image: `${registry.host}/ferry/eip:v1`, command: ['sh', '-c', `httpd -f -p 8080 -h /www & sleep 1; wget -q -O - http://${CLIENT_ADDR}:9000/cgi-bin/addr; wait`] }],
    },
  });
  const pod = await waitFor('Running', async () => {
    const p = await pods.get('with-eip');
    return statusOf(p).phase === 'Running' ? p : undefined;
  }, 90_000);
  podUid = pod.metadata.uid ?? '';
  assert.equal(pod.metadata.annotations?.['yangtse.io/allocated-ipv4-eip'], EIP);
  const attached = await waitFor('EIPAttached', async () => (await eventsFor(client, 'default', 'with-eip')).find((e) => e.reason === 'EIPAttached'));
  assert.match(attached.message, new RegExp(`^EIP ${EIP.replace(/\./g, '\\.')} routes to pod IP 10\\.86\\.\\d+\\.\\d+; traffic limited to 1 Mbit/s each way$`));

  // Egress: the client saw the request come from the EIP.
  const logs = await waitFor('the pod\'s request to the client', async () => {
    const text = await cp.kubectl(32, ['logs', 'with-eip']).then((r) => r.stdout);
    return text.includes('from=') ? text : undefined;
  }, 30_000);
  assert.match(logs, new RegExp(`from=${EIP.replace(/\./g, '\\.')}\\b`));

  // Ingress: the client fetches 256 KiB from the EIP; at 1 Mbit/s that takes about 2 s.
  const t0 = performance.now();
  const body = sh('ip', ['netns', 'exec', CLIENT_NS, 'busybox', 'wget', '-q', '-O', '-', `http://${EIP}:8080/blob`]);
  const seconds = (performance.now() - t0) / 1000;
  assert.equal(body.length, BLOB);
  assert.ok(seconds > 1.4, `256 KiB took ${seconds.toFixed(2)} s: the 1 Mbit/s limit holds`);
  assert.ok(seconds < 20, `and still flows (${seconds.toFixed(2)} s)`);
});

test('deleting the pod releases the EIP: no rules, no address, the client reaches nothing', async () => {
  await client.resource(PODS, 'default').delete('with-eip');
  await waitFor('the pod gone', async () => (await client.resource(PODS, 'default').get('with-eip').then(() => undefined, () => true)), 60_000);
  await waitFor('rules gone', async () => (sh('iptables', ['-w', '-t', 'nat', '-S']).includes(`ferry-eip-${podUid}`) ? undefined : true), 30_000);
  assert.equal(sh('iptables', ['-w', '-S']).includes(`ferry-eip-${podUid}`), false);
  assert.equal(sh('ip', ['-4', 'addr', 'show']).includes(`${EIP}/32`), false, 'the address left the node');
});

test('a pod without an EIP reaches the client too, from the node\'s address (masquerade)', async () => {
  const pods = client.resource(PODS, 'default');
  await pods.create({
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'no-eip', namespace: 'default', annotations: { [PLAIN_HTTP]: registry.host } },
    spec: {
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'main', image: `${registry.host}/ferry/eip:v1`, command: ['sh', '-c', `wget -q -O - http://${CLIENT_ADDR}:9000/cgi-bin/addr; sleep 3600`] }],
    },
  });
  const logs = await waitFor('the request', async () => {
    const text = await cp.kubectl(32, ['logs', 'no-eip']).then((r) => r.stdout);
    return text.includes('from=') ? text : undefined;
  }, 60_000);
  assert.match(logs, new RegExp(`from=${HOST_ADDR.replace(/\./g, '\\.')}\\b`));
  await pods.delete('no-eip', { gracePeriodSeconds: 0 });
});
