// Issue 4, acceptance 4, with the real kubectl against a real node: a Deployment scaled 1 -> 20
// -> 0, a rolling update to a new image, `rollout undo`, `rollout restart`, and a cascading
// delete, after which nothing is left: no pods or ReplicaSets, no containers, conmon monitors,
// mounts, bundles, runtime records, pod log directories, pod cgroups or network namespaces.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { busyboxImage, publishImage, startRegistry } from './fixtures/index.ts';
import type { RunningRegistry } from './fixtures/index.ts';
import { startTestControlPlane } from './fixtures/control-plane.ts';
import type { KubectlResult, TestControlPlane } from './fixtures/control-plane.ts';
import { mountsUnder } from '../src/node/runtime/index.ts';
import { stopAgentsAndContainers } from './node-agent-support.ts';

const USER = 'deployer';
const PASSWORD = 'rollout-pass';
let registry: RunningRegistry;
let cp: TestControlPlane;

function ok(result: KubectlResult): string {
  assert.equal(result.code, 0, `kubectl failed (${result.code}): ${result.stderr}`);
  return result.stdout;
}

const k = (args: string[], stdin?: string) => cp.kubectl(32, args, { timeoutMs: 180_000, ...(stdin === undefined ? {} : { stdin }) });

async function until(what: string, check: () => Promise<boolean>, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(300);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const image = (tag: string) => `${registry.host}/team/app:${tag}`;

function manifest(replicas: number): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'app', namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'app' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels: { app: 'app' } },
        spec: {
          terminationGracePeriodSeconds: 5,
          containers: [{ name: 'app', image: image('v1'), imagePullPolicy: 'IfNotPresent' }],
          imagePullSecrets: [{ name: 'regcred' }],
        },
      },
    },
  });
}

/** Every pod uid seen, to look for their cgroups at the end. */
const seenUids = new Set<string>();

/** Pods' images and phases as `image=phase` sorted, from the API. */
async function podImages(): Promise<string[]> {
  const out = ok(await k(['get', 'pods', '-l', 'app=app', '-o', 'jsonpath={range .items[*]}{.metadata.uid} {.spec.containers[0].image}={.status.phase}{"\\n"}{end}']));
  const lines = out.split('\n').filter(Boolean);
  for (const l of lines) seenUids.add(l.split(' ')[0] as string);
  return lines.map((l) => l.slice(l.indexOf(' ') + 1)).sort();
}

const ready = async (want: string) => new RegExp(`^app\\s+${want}\\s`, 'm').test(ok(await k(['get', 'deployment', 'app'])));
const runtime = () => cp.plane.node?.runtime;
const running = async () => ((await runtime()?.listContainers()) ?? []).filter((c) => c.state === 'running').length;

before(async () => {
  registry = await startRegistry({ tls: true, auth: { htpasswd: { [USER]: PASSWORD } } });
  // PID 1 ignores SIGTERM unless it traps it; the trap makes scale-down and rollouts prompt.
  await publishImage(registry, 'team/app:v1', busyboxImage(['sh', '-c', 'echo app v1; trap "exit 0" TERM; sleep 3600 & wait']));
  await publishImage(registry, 'team/app:v2', busyboxImage(['sh', '-c', 'echo app v2; trap "exit 0" TERM; sleep 3600 & wait']));
  cp = await startTestControlPlane({ node: { initialBackoffMs: 1000, maxBackoffMs: 2000 }, controllers: true });
  mkdirSync(join(cp.dataDir, 'certs.d', registry.host), { recursive: true });
  copyFileSync(registry.caFile as string, join(cp.dataDir, 'certs.d', registry.host, 'ca.crt'));
});

after(async () => {
  await stopAgentsAndContainers([cp?.plane.node]);
  await cp?.close();
  await registry?.stop();
});

test('scale 1 -> 20 -> 0 runs and stops real containers', async () => {
  ok(await k(['create', 'secret', 'docker-registry', 'regcred', `--docker-server=${registry.host}`, `--docker-username=${USER}`, `--docker-password=${PASSWORD}`]));
  assert.match(ok(await k(['apply', '-f', '-'], manifest(1))), /deployment.apps\/app created/);
  await until('READY 1/1', () => ready('1/1'));
  ok(await k(['scale', 'deployment/app', '--replicas=20']));
  await until('READY 20/20', () => ready('20/20'), 240_000);
  assert.equal(await running(), 20, '20 containers run under runc');
  assert.equal((await podImages()).filter((p) => p === `${image('v1')}=Running`).length, 20);
  assert.ok([...seenUids].some((uid) => existsSync(`/sys/fs/cgroup/memory/ferry/pod${uid}`)), 'running pods have their cgroups (checked gone at the end)');
  assert.ok([...seenUids].some((uid) => existsSync(`/run/netns/ferry-${uid}`)), 'and their network namespaces');
  ok(await k(['scale', 'deployment/app', '--replicas=0']));
  await until('no pods', async () => (await podImages()).length === 0, 180_000);
  await until('no containers', async () => ((await runtime()?.listContainers()) ?? []).length === 0);
  assert.match(ok(await k(['get', 'deployment', 'app'])), /^app\s+0\/0\s+0\s+0\s/m);
});

test('rolling update to a new image, rollout undo, rollout restart', async () => {
  ok(await k(['scale', 'deployment/app', '--replicas=2']));
  await until('READY 2/2', () => ready('2/2'));
  ok(await k(['set', 'image', 'deployment/app', `app=${image('v2')}`]));
  assert.match(ok(await k(['rollout', 'status', 'deployment/app', '--timeout=150s'])), /successfully rolled out/);
  await until('two v2 pods only', async () => (await podImages()).join() === [`${image('v2')}=Running`, `${image('v2')}=Running`].join());
  const history = ok(await k(['rollout', 'history', 'deployment/app']));
  assert.match(history, /^1\s/m);
  assert.match(history, /^2\s/m);
  const pod = ok(await k(['get', 'pods', '-l', 'app=app', '-o', 'jsonpath={.items[0].metadata.name}']));
  await until('v2 output', async () => ok(await k(['logs', pod])).includes('app v2'));

  assert.match(ok(await k(['rollout', 'undo', 'deployment/app'])), /rolled back/);
  assert.match(ok(await k(['rollout', 'status', 'deployment/app', '--timeout=150s'])), /successfully rolled out/);
  await until('two v1 pods only', async () => (await podImages()).join() === [`${image('v1')}=Running`, `${image('v1')}=Running`].join());
  assert.equal(ok(await k(['get', 'deployment', 'app', '-o', 'jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}'])), '3');
  const rs = ok(await k(['get', 'rs', '-l', 'app=app', '-o', 'jsonpath={range .items[*]}{.spec.replicas}{"\\n"}{end}'])).split('\n').filter(Boolean).sort();
  assert.deepEqual(rs, ['0', '2'], 'the v1 ReplicaSet was scaled back up, the v2 one down to 0');

  const before = ok(await k(['get', 'pods', '-l', 'app=app', '-o', 'name'])).split('\n').filter(Boolean).sort();
  assert.match(ok(await k(['rollout', 'restart', 'deployment/app'])), /restarted/);
  assert.match(ok(await k(['rollout', 'status', 'deployment/app', '--timeout=150s'])), /successfully rolled out/);
  await until('two new pods', async () => {
    const now = ok(await k(['get', 'pods', '-l', 'app=app', '-o', 'name'])).split('\n').filter(Boolean);
    return now.length === 2 && now.every((p) => !before.includes(p));
  });
});

test('a cascading delete leaves nothing behind', async () => {
  ok(await k(['delete', 'deployment', 'app']));
  await until('no ReplicaSets', async () => ok(await k(['get', 'rs', '-o', 'name'])).trim() === '');
  await until('no pods', async () => ok(await k(['get', 'pods', '-o', 'name'])).trim() === '', 180_000);
  await until('no containers', async () => ((await runtime()?.listContainers()) ?? []).length === 0);
  const dataDir = join(cp.dataDir, 'node');
  const entries = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((n) => !n.startsWith('.')) : []);
  await until('no pod log directories', async () => entries(join(dataDir, 'pods')).length === 0, 30_000);
  assert.deepEqual(entries(join(dataDir, 'containers')), [], 'no bundles');
  assert.deepEqual(entries(join(dataDir, 'runtime')), [], 'no runtime records');
  assert.deepEqual(await mountsUnder(cp.dataDir), [], 'no mounts');
  const monitors = readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(cp.dataDir);
    } catch {
      return false;
    }
  });
  assert.deepEqual(monitors, [], 'no conmon or container processes');
  assert.ok(seenUids.size >= 20, `pod uids were collected (${seenUids.size})`);
  const leftCgroups = ['memory', 'cpu', 'pids'].flatMap((c) => [...seenUids].map((uid) => `/sys/fs/cgroup/${c}/ferry/pod${uid}`)).filter(existsSync);
  assert.deepEqual(leftCgroups, [], 'no pod cgroups');
  const leftNetns = [...seenUids].map((uid) => `/run/netns/ferry-${uid}`).filter(existsSync);
  assert.deepEqual(leftNetns, [], 'no pod network namespaces');
});
