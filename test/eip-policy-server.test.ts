// Issue 5 section 5, "ranges configurable by the admin": `ferry server --eip-network-types
// --eip-bandwidth-range` changes what admission accepts, and the real kubectl shows the 422; a bad
// flag is a usage error that names it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { kubectlPath } from './fixtures/control-plane.ts';
import { makeTempDir, removeTempDir, spawnGuarded } from './fixtures/cleanup.ts';
import type { GuardedProcess } from './fixtures/cleanup.ts';

const ROOT = join(import.meta.dirname, '..');
const NODE = join(ROOT, 'node_modules/.bin/node');
const dataDir = makeTempDir('ferry-eip-policy-');
let proc: GuardedProcess | undefined;

after(async () => {
  if (proc?.isRunning()) {
    process.kill(proc.pid, 'SIGTERM');
    await proc.exited;
  }
  removeTempDir(dataDir);
});

function kubectl(args: string[], stdin: string): { code: number; out: string } {
  try {
    const out = execFileSync(kubectlPath(32), ['--kubeconfig', join(dataDir, 'd', 'admin.kubeconfig'), '--cache-dir', join(dataDir, 'cache'), ...args], { input: stdin, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: process.env['PATH'] ?? '', HOME: dataDir } });
    return { code: 0, out };
  } catch (err) {
    const e = err as { status?: number; stderr?: string };
    return { code: e.status ?? 1, out: e.stderr ?? '' };
  }
}

const pod = (type: string, size: string) => JSON.stringify({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: `p-${type.replace('_', '')}-${size}`, annotations: { 'yangtse.io/pod-with-eip': 'true', 'yangtse.io/eip-network-type': type, 'yangtse.io/eip-bandwidth-size': size, 'yangtse.io/eip-charge-mode': 'bandwidth' } },
  spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] },
});

test('a bad range is a usage error naming the flag', () => {
  let code = 0;
  let stderr = '';
  try {
    execFileSync(NODE, [join(ROOT, 'bin/ferry.js'), 'server', '--data-dir', join(dataDir, 'bad'), '--eip-bandwidth-range', 'bandwidth=9-1'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    code = (err as { status: number }).status;
    stderr = (err as { stderr: string }).stderr;
  }
  assert.equal(code, 2);
  assert.match(stderr, /--eip-network-types \/ --eip-bandwidth-range: "bandwidth=9-1": expected MODE=MIN-MAX/);
});

test('the server admits EIP annotations by the admin\'s ranges', async () => {
  const log = join(dataDir, 'server.log');
  proc = spawnGuarded(NODE, [join(ROOT, 'bin/ferry.js'), 'server', '--data-dir', join(dataDir, 'd'), '--listen', '127.0.0.1:0', '--no-node-agent', '--no-controllers',
    '--eip-network-types', '5_bgp', '--eip-bandwidth-range', 'bandwidth=1-100'], { logFile: log, cwd: ROOT });
  for (let i = 0; i < 300 && !/listening on https/.test(readFileSync(log, 'utf8')); i++) await new Promise((r) => setTimeout(r, 100));
  assert.match(readFileSync(log, 'utf8'), /listening on https/);
  const refused = kubectl(['create', '-f', '-'], pod('5_sbgp', '150'));
  assert.notEqual(refused.code, 0);
  assert.match(refused.out, /metadata\.annotations\[yangtse\.io\/eip-bandwidth-size\]: Invalid value: "150": must be from 1 to 100 Mbit\/s when yangtse\.io\/eip-charge-mode is "bandwidth"/);
  assert.match(refused.out, /metadata\.annotations\[yangtse\.io\/eip-network-type\]: Unsupported value: "5_sbgp": supported values: "5_bgp"/);
  const admitted = kubectl(['create', '-f', '-'], pod('5_bgp', '100'));
  assert.equal(admitted.code, 0, admitted.out);
});
