// The seeds' journey end to end on one machine (issue 4, acceptance 1 and 3): a password-protected
// registry with a self-signed CA, `kubectl create secret docker-registry`, the seeds' Deployment
// with a third-party image, a pull that fails on the unknown CA and names the fix, the CA dropped
// into the node's certs.d, and READY 1/1 with the container's output in `kubectl logs`.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { busyboxImage, publishImage, startRegistry } from './fixtures/index.ts';
import type { RunningRegistry } from './fixtures/index.ts';
import { startTestControlPlane } from './fixtures/control-plane.ts';
import type { KubectlResult, TestControlPlane } from './fixtures/control-plane.ts';
import { stopAgentsAndContainers } from './node-agent-support.ts';

const USER = 'janedoe';
const PASSWORD = 's3cret-pass';
let registry: RunningRegistry;
let cp: TestControlPlane;

function ok(result: KubectlResult): string {
  assert.equal(result.code, 0, `kubectl failed (${result.code}): ${result.stderr}`);
  return result.stdout;
}

const k = (args: string[], stdin?: string) => cp.kubectl(32, args, stdin === undefined ? {} : { stdin });

async function until(what: string, check: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(500);
  }
  throw new Error(`timed out waiting for ${what}`);
}

before(async () => {
  registry = await startRegistry({ tls: true, auth: { htpasswd: { [USER]: PASSWORD } } });
  await publishImage(registry, 'janedoe/awesomeapp:v1', busyboxImage(['sh', '-c', 'echo awesome app up; sleep 3600']));
  cp = await startTestControlPlane({ node: { initialBackoffMs: 1000, maxBackoffMs: 2000 }, controllers: true });
});

after(async () => {
  await k(['delete', 'deployment', 'foo', '--wait=true', '--timeout=60s']).catch(() => undefined);
  await stopAgentsAndContainers([cp?.plane.node]);
  await cp?.close();
  await registry?.stop();
});

test('secret, seeds Deployment, unknown CA named with its fix, CA dropped in, READY 1/1, logs', async () => {
  ok(await k(['create', 'secret', 'docker-registry', 'test', '-n', 'default', `--docker-server=${registry.host}`, `--docker-username=${USER}`, `--docker-password=${PASSWORD}`, '--docker-email=example@123.com']));
  const manifest = readFileSync(join(import.meta.dirname, 'manifests', 'seed-deployment.yaml'), 'utf8').replace('www.example.com/janedoe/awesomeapp:v1', `${registry.host}/janedoe/awesomeapp:v1`);
  assert.equal(ok(await k(['create', '-f', '-'], manifest)).trim(), 'deployment.apps/foo created');

  // The node does not trust the registry's CA yet: the pull fails and the event says how to fix it.
  let failure = '';
  await until('a Failed event about the certificate', async () => {
    const events = ok(await k(['get', 'events', '-o', 'jsonpath={range .items[*]}{.reason}|{.message}{"\\n"}{end}']));
    failure = events.split('\n').find((l) => l.startsWith('Failed|') && /certificate/i.test(l)) ?? '';
    return failure !== '';
  });
  const caPath = join(cp.dataDir, 'certs.d', registry.host, 'ca.crt');
  assert.ok(failure.includes(caPath), `the event names ${caPath}: ${failure}`);
  assert.ok(!failure.includes(PASSWORD));

  // Dropping the CA where the event said fixes the next retry, with no restart.
  mkdirSync(join(cp.dataDir, 'certs.d', registry.host), { recursive: true });
  copyFileSync(registry.caFile as string, caPath);
  await until('READY 1/1', async () => /foo\s+1\/1\s+1\s+1/.test(ok(await k(['get', 'deployment']))), 90_000);
  assert.match(ok(await k(['get', 'pods'])), /foo-[a-z0-9]+-[a-z0-9]+\s+1\/1\s+Running/);
  await until('the container output', async () => ok(await k(['logs', 'deployment/foo'])).includes('awesome app up'));

  // Deleting the Deployment deletes its ReplicaSet and pod, and the container with them.
  ok(await k(['delete', '-f', '-'], manifest));
  await until('no pods left', async () => ok(await k(['get', 'pods', '-o', 'name'])).trim() === '');
  await until('no containers left', async () => ((await cp.plane.node?.runtime?.listContainers()) ?? []).length === 0);
});
