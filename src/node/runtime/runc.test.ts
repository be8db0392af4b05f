import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { removeCgroup } from './cgroups.ts';
import { isRuntimeError } from './errors.ts';
import { clampRlimits } from './host-limits.ts';
import { buildOciSpec } from './oci-spec.ts';
import { checkContainerId, Runc, runcMessage } from './runc.ts';
import { userDbFrom } from './user-spec.ts';
import { assertNoRuncState, busyboxRootfs, requireRunc, tempDir, unique } from './test-support.ts';

const base = tempDir('runc');
const cgroupParent = `/ferry-test-${unique()}`;
after(async () => {
  await removeCgroup(cgroupParent).catch(() => {});
  rmSync(base, { recursive: true, force: true });
});

function bundle(id: string, args: string[]): string {
  const dir = join(base, id);
  busyboxRootfs(join(dir, 'rootfs'));
  const spec = buildOciSpec({ image: { Cmd: args }, container: { name: 'c' }, pod: { hostname: 'h', cgroupsPath: `${cgroupParent}/${id}` }, users: userDbFrom([], []) });
  writeFileSync(join(dir, 'config.json'), JSON.stringify(clampRlimits(spec)));
  return dir;
}

test('runc run --detach writes the container output straight to files; state, list, kill, delete', async () => {
  const runc = new Runc({ path: await requireRunc(), root: join(base, 'state') });
  const id = `d-${unique()}`;
  const dir = bundle(id, ['sh', '-c', 'echo hello; echo oops >&2; exec sleep 1000']);
  try {
    await runc.create(id, dir, { stdoutPath: join(base, 'out'), stderrPath: join(base, 'err'), pidFile: join(base, 'pid') });
    const st = await runc.state(id);
    assert.equal(st?.status, 'running');
    assert.equal(String(st?.pid), readFileSync(join(base, 'pid'), 'utf8').trim());
    assert.deepEqual((await runc.list()).map((c) => c.id), [id]);
    await assert.rejects(runc.create(id, dir, { stdoutPath: join(base, 'out'), stderrPath: join(base, 'err') }), (e) => isRuntimeError(e, 'START_FAILED'));
    await runc.kill(id, 'SIGKILL');
    assert.equal((await runc.waitForExit(id, { timeoutMs: 10_000, intervalMs: 20 }))?.status, 'stopped');
    await runc.kill(id, 'SIGKILL'); // stopped: not an error
    assert.equal(readFileSync(join(base, 'out'), 'utf8'), 'hello\n');
    assert.match(readFileSync(join(base, 'err'), 'utf8'), /^oops\n/);
  } finally {
    await runc.delete(id, { force: true });
  }
  assert.equal(await runc.state(id), undefined);
  await runc.delete(id); // gone: not an error
  assertNoRuncState(runc.root);
});

test('container ids are checked; runc error lines are reduced to their message', () => {
  assert.equal(checkContainerId('web-0.abc_1'), 'web-0.abc_1');
  for (const bad of ['', '../x', '.hidden', 'a/b', 'x'.repeat(129)]) assert.throws(() => checkContainerId(bad), (e) => isRuntimeError(e, 'INVALID_SPEC'));
  assert.equal(runcMessage('time="2026-01-01T00:00:00Z" level=error msg="container \\"x\\" does not exist"\n'), 'container "x" does not exist');
  assert.equal(runcMessage('plain error\n'), 'plain error');
});
