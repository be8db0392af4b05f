// A container started under conmon (see conmon.ts): conmon runs `runc create` and reports the
// pid, the runtime records conmon as the monitor, then `runc start` runs the process. A failure at
// either step leaves exit.json with the start error, so the container's status says why.
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { launchConmon } from './conmon.ts';
import { processStartTime, readJson, readPidFile, writeJsonAtomic } from './container-record.ts';
import type { ContainerRecord, ExitRecord, MonitorRecord, RecordPaths } from './container-record.ts';
import { RuntimeError, RuntimeErrorCode } from './errors.ts';
import type { Runc } from './runc.ts';

export interface ConmonStart {
  conmonPath: string;
  runc: Runc;
  id: string;
  /** The record (container.json) is written already. */
  paths: RecordPaths;
  timeoutMs: number;
}

export async function startWithConmon(o: ConmonStart): Promise<void> {
  const { id, paths } = o;
  const record = await readJson<ContainerRecord>(paths.container) as ContainerRecord;
  await Promise.all([mkdir(paths.exitDir, { mode: 0o700 }), mkdir(paths.socketDir, { mode: 0o700 })]);
  const startError = (message: string) =>
    writeJsonAtomic(paths.exit, { exitCode: 128, finishedAt: new Date().toISOString(), startError: message } satisfies ExitRecord);
  let pid: number;
  try {
    pid = await launchConmon({
      conmonPath: o.conmonPath, runcPath: o.runc.path, runcRoot: o.runc.root, id, bundleDir: record.bundleDir, logPath: record.logPath, paths, timeoutMs: o.timeoutMs,
    });
  } catch (err) {
    await startError(err instanceof RuntimeError ? err.message : String(err));
    throw err;
  }
  const monitorPid = await readPidFile(paths.monitorPid);
  const startTime = monitorPid === undefined ? undefined : processStartTime(monitorPid.pid);
  if (monitorPid !== undefined && startTime !== undefined) await writeJsonAtomic(paths.monitor, { pid: monitorPid.pid, startTime } satisfies MonitorRecord);
  const startAt = new Date();
  try {
    await o.runc.start(id);
  } catch (err) {
    const message = `container ${id} did not start: ${(err as Error).message}`;
    await startError(message);
    await o.runc.kill(id, 'SIGKILL').catch(() => {});
    throw new RuntimeError(RuntimeErrorCode.StartFailed, message, { cause: err });
  }
  // The process runs from `runc start` on (the kubelet's startedAt): `started` holds its pid and that time.
  await writeFile(paths.started, `${pid}\n`, { mode: 0o600 });
  await utimes(paths.started, startAt, startAt);
}
