// Real network namespaces, the real CNI bridge and host-local plugins and iptables (this machine
// is root and has containernetworking-plugins). Traffic stays on the test's own bridge and
// namespaces, on a subnet and bridge of its own.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { PodNetwork } from './pod-network.ts';

const stateDir = mkdtempSync(join(tmpdir(), 'ferry-net-'));
const bridge = `ferryt${process.pid % 10000}`;
const subnet = `10.87.${process.pid % 250}.0/24`;
const net = new PodNetwork({ stateDir, bridge, subnet, ipamDir: join(stateDir, 'ipam') });
const pods = [randomUUID(), randomUUID()].map((uid, i) => ({ uid, name: `pod-${i}`, namespace: 'default', hostname: `pod-${i}` }));

const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 });
const natRules = () => sh('iptables', ['-t', 'nat', '-S']);

after(async () => {
  for (const p of pods) await net.tearDown(p.uid).catch(() => {});
  try {
    sh('ip', ['link', 'delete', bridge]);
  } catch { /* never made */ }
  try {
    sh('iptables', ['-w', '-t', 'nat', '-D', 'POSTROUTING', '-s', subnet, '!', '-d', subnet, '-m', 'comment', '--comment', `ferry-masquerade-${bridge}`, '-j', 'MASQUERADE']);
  } catch { /* never made */ }
  rmSync(stateDir, { recursive: true, force: true });
});

test('pod networks can be made here', () => {
  assert.deepEqual(net.availability(), { available: true });
});

test('each pod gets its own namespace and IP on the bridge, reachable from the node and from the other pod', async () => {
  const [a, b] = await Promise.all(pods.map((p) => net.setUp(p)));
  assert.ok(a && b);
  assert.notEqual(a.ip, b.ip);
  const prefix = subnet.split('.').slice(0, 3).join('.');
  assert.ok(a.ip.startsWith(`${prefix}.`) && b.ip.startsWith(`${prefix}.`), `${a.ip} and ${b.ip} are in ${subnet}`);
  assert.ok(existsSync(a.netns));
  assert.match(sh('ip', ['-n', `ferry-${a.podUid}`, 'addr', 'show', 'eth0']), new RegExp(`inet ${a.ip.replace(/\./g, '\\.')}/24`));
  assert.match(sh('ip', ['-n', `ferry-${a.podUid}`, 'link', 'show', 'lo']), /UP/);
  sh('busybox', ['ping', '-c', '1', '-W', '5', a.ip]);
  sh('ip', ['netns', 'exec', `ferry-${a.podUid}`, 'busybox', 'ping', '-c', '1', '-W', '5', b.ip]);
  assert.match(readFileSync(a.hostsFile, 'utf8'), new RegExp(`^${a.ip.replace(/\./g, '\\.')}\\tpod-0$`, 'm'));
  assert.match(readFileSync(a.resolvConf, 'utf8'), /nameserver|^$/);
  assert.ok(natRules().includes(`-A POSTROUTING -s ${subnet} ! -d ${subnet} -m comment --comment ferry-masquerade-${bridge} -j MASQUERADE`), 'egress is masqueraded, one rule for the subnet');
  assert.deepEqual(await net.setUp(pods[0] as (typeof pods)[0]), a, 'setUp again returns the same sandbox');
  assert.deepEqual((await net.list()).map((s) => s.podUid).sort(), pods.map((p) => p.uid).sort());
});

test('tearDown releases the namespace, the IP and the files', async () => {
  const a = await net.sandbox(pods[0]?.uid as string);
  assert.ok(a);
  await net.tearDown(a.podUid);
  assert.equal(existsSync(a.netns), false);
  assert.equal(existsSync(a.hostsFile), false);
  assert.equal(await net.sandbox(a.podUid), undefined);
  await net.tearDown(a.podUid); // twice is fine
  const again = await net.setUp(pods[0] as (typeof pods)[0]);
  assert.ok(existsSync(again.netns));
});
