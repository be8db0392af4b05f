// `exec` in a running container (exec probes): exit codes, combined bounded output, the
// container's own process settings, a timeout that kills the command, and refusals.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { removeCgroup } from './cgroups.ts';
import { ContainerRuntime } from './container-runtime.ts';
import { isRuntimeError, RuntimeErrorCode } from './errors.ts';
import { buildOciSpec } from './oci-spec.ts';
import { rootfsUserDb } from './rootfs-users.ts';
import { busyboxRootfs, requireRunc, tempDir, unique } from './test-support.ts';

const base = tempDir('exec');
const cgroupParent = `/ferry-test-${unique()}`;
let runtime: ContainerRuntime;
let id: string;

before(async () => {
  await requireRunc();
  runtime = new ContainerRuntime({ stateDir: join(base, 'state') });
  id = `exec-${unique()}`;
  const bundleDir = join(base, 'bundles', id);
  const rootfs = busyboxRootfs(join(bundleDir, 'rootfs'));
  const spec = buildOciSpec({
    image: { Cmd: ['sleep', '600'], Env: ['GREETING=hi from env'] },
    container: { name: 'main', workingDir: '/bin' },
    pod: { hostname: 'exec-pod', cgroupsPath: `${cgroupParent}/${id}` },
    users: rootfsUserDb(rootfs),
  });
  await runtime.runContainer({ id, bundleDir, spec, rootfs, logPath: join(base, 'logs', '0.log') });
});

after(async () => {
  for (const c of await runtime?.listContainers().catch(() => []) ?? []) await runtime.removeContainer(c.id, { force: true }).catch(() => {});
  await removeCgroup(cgroupParent).catch(() => {});
  rmSync(base, { recursive: true, force: true });
});

test('exit codes and stdout+stderr, with the container env and working dir', async () => {
  const r = await runtime.exec(id, ['sh', '-c', 'echo "$GREETING in $(pwd)"; echo oops >&2; exit 3'], { timeoutMs: 10_000 });
  assert.equal(r.exitCode, 3);
  assert.equal(r.timedOut, false);
  // stdout and stderr are two pipes: their order in the output is not defined.
  assert.deepEqual(r.output.split('\n').filter(Boolean).sort(), ['hi from env in /bin', 'oops']);
  assert.equal((await runtime.exec(id, ['true'], { timeoutMs: 10_000 })).exitCode, 0);
});

test('output is bounded', async () => {
  const r = await runtime.exec(id, ['sh', '-c', 'i=0; while [ $i -lt 3000 ]; do echo 0123456789; i=$((i+1)); done'], { timeoutMs: 20_000, maxOutputBytes: 1000 });
  assert.equal(r.exitCode, 0);
  assert.equal(r.output.length, 1000);
});

test('a timeout kills the command in the container', async () => {
  const began = Date.now();
  const r = await runtime.exec(id, ['sleep', '30'], { timeoutMs: 500 });
  assert.equal(r.timedOut, true);
  assert.equal(r.exitCode, undefined);
  assert.ok(Date.now() - began < 10_000, 'returned soon after the timeout');
  const ps = await runtime.exec(id, ['sh', '-c', 'for p in /proc/[0-9]*; do cat $p/cmdline; echo; done'], { timeoutMs: 10_000 });
  assert.ok(!ps.output.split('\n').some((l) => l.startsWith('sleep\u000030')), `the timed-out sleep is gone: ${JSON.stringify(ps.output)}`);
});

test('an unknown container is NotFound; a command that does not exist fails in runc', async () => {
  await assert.rejects(runtime.exec('no-such-container', ['true'], { timeoutMs: 5000 }), (e: unknown) => isRuntimeError(e, RuntimeErrorCode.NotFound));
  await assert.rejects(runtime.exec(id, ['/no/such/binary'], { timeoutMs: 5000 }), (e: unknown) => isRuntimeError(e, RuntimeErrorCode.RuncFailed));
});
