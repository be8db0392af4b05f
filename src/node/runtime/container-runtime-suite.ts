// Real containers with runc, run once per monitor (container-runtime.test.ts: conmon;
// container-runtime-node-monitor.test.ts: monitor.ts). This machine has runc, conmon and root, so
// nothing here is skipped; without runc every test fails with the install hint.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { removeCgroup } from './cgroups.ts';
import { ContainerRuntime } from './container-runtime.ts';
import { isRuntimeError } from './errors.ts';
import { clampRlimits } from './host-limits.ts';
import { readLogs } from './log-reader.ts';
import { buildOciSpec } from './oci-spec.ts';
import type { ContainerSpec, ImageRuntimeConfig } from './spec-inputs.ts';
import { rootfsUserDb } from './rootfs-users.ts';
import { assertNoMounts, assertNoRuncState, busyboxRootfs, requireRunc, tempDir, unique } from './test-support.ts';

export function runtimeSuite(monitor: 'conmon' | 'node'): void {
const base = tempDir(`runtime-${monitor}`);
const stateDir = join(base, 'state');
const cgroupParent = `/ferry-test-${unique()}`;
let runtime: ContainerRuntime;

before(async () => {
  await requireRunc();
  runtime = new ContainerRuntime({ stateDir, monitor });
  assert.equal(runtime.monitor, monitor);
});

after(async () => {
  // Whatever a failed test left running: kill and remove it, then the cgroup parent and the files.
  if (runtime !== undefined) {
    for (const c of await runtime.listContainers().catch(() => [])) await runtime.removeContainer(c.id, { force: true }).catch(() => {});
  }
  await removeCgroup(cgroupParent).catch(() => {});
  rmSync(base, { recursive: true, force: true });
});

let n = 0;
/** A bundle with a busybox rootfs and the spec for `container` over `image`. */
function bundle(image: ImageRuntimeConfig, container: Partial<ContainerSpec> = {}, setup?: (rootfs: string) => void) {
  const id = `c${++n}-${unique()}`;
  const bundleDir = join(base, 'bundles', id);
  const rootfs = busyboxRootfs(join(bundleDir, 'rootfs'));
  setup?.(rootfs);
  const spec = buildOciSpec({
    image, container: { name: 'main', ...container }, pod: { hostname: 'pod-a', cgroupsPath: `${cgroupParent}/${id}` }, users: rootfsUserDb(rootfs),
  });
  return { id, bundleDir, spec, rootfs, logPath: join(base, 'logs', id, '0.log') };
}

function logLines(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').filter(Boolean);
}

test('echo hello: a CRI stdout line and exit code 0', async () => {
  const req = bundle({ Cmd: ['echo', 'hello'] });
  const started = await runtime.runContainer(req);
  assert.ok(started.pid !== undefined && started.startedAt !== undefined);
  const st = await runtime.waitForExit(req.id, { timeoutMs: 20_000 });
  assert.equal(st.exitCode, 0);
  assert.equal(st.reason, 'Completed');
  assert.ok(st.finishedAt !== undefined && st.finishedAt >= (st.startedAt ?? ''));
  const lines = logLines(req.logPath);
  assert.equal(lines.length, 1);
  assert.match(lines[0] ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}(Z|\+00:00) stdout F hello$/);
  const read = [];
  for await (const l of readLogs(req.logPath)) read.push(`${l.stream} ${l.content.toString()}`);
  assert.deepEqual(read, ['stdout hello']);
  await runtime.removeContainer(req.id);
  await assertNoMounts(req.bundleDir);
  assert.throws(() => readFileSync(join(req.bundleDir, 'config.json')), 'the bundle is gone');
  assert.equal(readFileSync(req.logPath, 'utf8').length > 0, true, 'the log stays for --previous');
});

test("sh -c 'echo err >&2; exit 3': a stderr line and exit code 3", async () => {
  const req = bundle({ Entrypoint: ['sh', '-c'], Cmd: ['true'] }, { args: ['echo out; echo err >&2; exit 3'] });
  await runtime.runContainer(req);
  const st = await runtime.waitForExit(req.id, { timeoutMs: 20_000 });
  assert.equal(st.exitCode, 3);
  assert.equal(st.reason, 'Error');
  const lines = logLines(req.logPath).map((l) => l.slice(l.indexOf(' ') + 1)).sort();
  assert.deepEqual(lines, ['stderr F err', 'stdout F out']);
  await runtime.removeContainer(req.id);
});

test('env, workingDir, user from the image /etc/passwd and the memory limit reach the process', async () => {
  const req = bundle(
    { Cmd: ['sh', '-c', 'echo "$GREETING $PWD $(id -u):$(id -g) $(cat /sys/fs/cgroup/memory/memory.limit_in_bytes)"'], User: 'app', WorkingDir: '/tmp' },
    { env: [{ name: 'GREETING', value: 'hi-$(WHO)' }, { name: 'WHO', value: 'x' }], resources: { limits: { memory: '64Mi' } } },
    (rootfs) => {
      mkdirSync(join(rootfs, 'etc'));
      mkdirSync(join(rootfs, 'tmp'), { mode: 0o1777 });
      writeFileSync(join(rootfs, 'etc', 'passwd'), 'root:x:0:0::/root:/bin/sh\napp:x:1234:4321::/:/bin/sh\n');
      writeFileSync(join(rootfs, 'etc', 'group'), 'root:x:0:\n');
    },
  );
  await runtime.runContainer(req);
  assert.equal((await runtime.waitForExit(req.id, { timeoutMs: 20_000 })).exitCode, 0);
  assert.match(logLines(req.logPath)[0] ?? '', / stdout F hi-\$\(WHO\) \/tmp 1234:4321 67108864$/);
  await runtime.removeContainer(req.id);
});

test('stopContainer: SIGTERM, then SIGKILL after the grace period', async () => {
  const req = bundle({ Cmd: ['sleep', '1000'] });
  const started = await runtime.runContainer(req);
  assert.equal(started.state, 'running');
  assert.equal((await runtime.containerStatus(req.id)).state, 'running');
  const t0 = Date.now();
  // sleep as PID 1 has no SIGTERM handler and the kernel ignores the signal for it: killed at 1 s.
  const st = await runtime.stopContainer(req.id, 1);
  assert.ok(Date.now() - t0 >= 900, 'waited for the grace period');
  assert.equal(st.state, 'exited');
  assert.equal(st.exitCode, 137);
  await runtime.removeContainer(`${req.id}-nope`); // a missing container is not an error
  await runtime.removeContainer(req.id);
});

test('stopContainer: a process that handles SIGTERM exits on its own', async () => {
  const req = bundle({ Cmd: ['sh', '-c', 'trap "echo bye; exit 0" TERM; echo ready; while true; do sleep 0.1; done'] });
  await runtime.runContainer(req);
  for (let i = 0; i < 100 && !readFileSync(req.logPath, 'utf8').includes('ready'); i++) await new Promise((r) => setTimeout(r, 20));
  const t0 = Date.now();
  const st = await runtime.stopContainer(req.id, 10);
  assert.ok(Date.now() - t0 < 5000);
  assert.equal(st.exitCode, 0);
  assert.match(readFileSync(req.logPath, 'utf8'), /stdout F bye/);
  await runtime.removeContainer(req.id);
});

test('a missing executable is START_FAILED with runc\'s reason, and an empty log', async () => {
  const req = bundle({ Cmd: ['/no/such/binary'] });
  await assert.rejects(runtime.runContainer(req), (e) => isRuntimeError(e, 'START_FAILED') && /no\/such\/binary/.test(e.message));
  const st = await runtime.containerStatus(req.id);
  assert.equal(st.state, 'exited');
  assert.equal(st.reason, 'StartError');
  assert.equal(st.exitCode, 128);
  assert.equal(readFileSync(req.logPath, 'utf8'), '');
  await assert.rejects(runtime.runContainer(req), (e) => isRuntimeError(e, 'ALREADY_EXISTS'));
  await runtime.removeContainer(req.id);
});

test('adoption: containers started by an agent process that has exited are found, stopped, and their exit code kept', async () => {
  const req = bundle({ Cmd: ['sh', '-c', 'echo up; exec sleep 1000'] });
  // The "old agent": another process that starts the container and exits.
  const script = join(base, `agent-${req.id}.ts`);
  writeFileSync(script, `import { ContainerRuntime } from ${JSON.stringify(new URL('./container-runtime.ts', import.meta.url).href)};
const req = JSON.parse(process.argv[2]);
await new ContainerRuntime({ stateDir: ${JSON.stringify(stateDir)}, monitor: ${JSON.stringify(monitor)} }).runContainer(req);
`);
  execFileSync(process.execPath, [script, JSON.stringify(req)], { stdio: 'inherit', timeout: 30_000 });

  const restarted = new ContainerRuntime({ stateDir, monitor });
  const found = (await restarted.listContainers()).find((c) => c.id === req.id);
  assert.ok(found, 'listed');
  assert.equal(found.state, 'running');
  assert.equal(found.managed, true);
  assert.equal(found.logPath, req.logPath);
  assert.equal(found.bundleDir, req.bundleDir);
  assert.ok(found.pid !== undefined && found.pid > 0);
  assert.match(readFileSync(req.logPath, 'utf8'), /stdout F up/);
  const st = await restarted.stopContainer(req.id, 0);
  assert.equal(st.exitCode, 137, 'the monitor outlived its agent and recorded the exit');
  await restarted.removeContainer(req.id);
  assert.equal((await restarted.listContainers()).some((c) => c.id === req.id), false);
});

test('a running container is not removed without force', async () => {
  const req = bundle({ Cmd: ['sleep', '1000'] });
  await runtime.runContainer(req);
  await assert.rejects(runtime.removeContainer(req.id), (e) => isRuntimeError(e, 'STILL_RUNNING'));
  await runtime.removeContainer(req.id, { force: true });
  await assert.rejects(runtime.containerStatus(req.id), (e) => isRuntimeError(e, 'NOT_FOUND'));
});

test('a container runc knows but no record does (a crash mid-start) is listed unmanaged and removed', async () => {
  const req = bundle({ Cmd: ['sleep', '1000'] });
  mkdirSync(join(base, 'logs', req.id), { recursive: true });
  writeFileSync(join(req.bundleDir, 'config.json'), JSON.stringify(clampRlimits({ ...req.spec, root: { path: req.rootfs } })));
  await runtime.runc.create(req.id, req.bundleDir, { stdoutPath: req.logPath, stderrPath: req.logPath });
  const found = (await runtime.listContainers()).find((c) => c.id === req.id);
  assert.equal(found?.managed, false);
  assert.equal(found?.state, 'running');
  await runtime.removeContainer(req.id, { force: true });
  assert.equal(await runtime.runc.state(req.id), undefined, 'runc forgot it');
  rmSync(req.bundleDir, { recursive: true, force: true });
});

test('afterwards: no runc state, no records, no mounts', async () => {
  assertNoRuncState(runtime.runc.root);
  assert.deepEqual(await runtime.listContainers(), []);
  await assertNoMounts(base);
});
}
