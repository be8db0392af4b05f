// What the runtime keeps on disk per container, in `<stateDir>/<id>/`, so that a restarted node
// agent can adopt running containers and still learn exit codes:
//   container.json  what was asked (bundle, log path, rootfs), written before the monitor starts
//   monitor.json    the monitor's pid and kernel start time (pid reuse is detected with it)
//   pid             the container's init pid, written by runc once the process is started
//   runc.log        runc's own log (JSON lines); start errors are read from it
//   exit.json       written by the monitor when runc returns: exit code, finish time, start error
//   monitor.err     the monitor's stderr (it only writes there when it cannot work at all)
// With conmon as the monitor (conmon.ts), also:
//   conmon.pid      conmon's own pid, written by conmon (monitor.json is made from it)
//   started         the container's pid, written after `runc start`, modified at the start time
//   exit/<id>       the exit status, written by conmon; exit.json is only written for start errors
//   sock/           conmon's attach-socket directory

import { readFileSync } from 'node:fs';
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ContainerRecord {
  id: string;
  bundleDir: string;
  logPath: string;
  rootfs: string;
  createdAt: string;
  runcPath: string;
  runcRoot: string;
  /** Which monitor runs the container; absent in records written before conmon was supported. */
  monitor?: 'conmon' | 'node' | undefined;
}

export interface MonitorRecord {
  pid: number;
  /** Field 22 of /proc/<pid>/stat: start time in clock ticks since boot. */
  startTime: string;
}

export interface ExitRecord {
  exitCode: number;
  finishedAt: string;
  /** runc failed before the container's process ran; the message is runc's. */
  startError?: string | undefined;
}

export function recordPaths(stateDir: string, id: string) {
  const dir = join(stateDir, id);
  return {
    dir,
    container: join(dir, 'container.json'),
    monitor: join(dir, 'monitor.json'),
    pid: join(dir, 'pid'),
    runcLog: join(dir, 'runc.log'),
    exit: join(dir, 'exit.json'),
    monitorErr: join(dir, 'monitor.err'),
    monitorPid: join(dir, 'conmon.pid'),
    exitDir: join(dir, 'exit'),
    started: join(dir, 'started'),
    socketDir: join(dir, 'sock'),
  };
}

export type RecordPaths = ReturnType<typeof recordPaths>;

export async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || err instanceof SyntaxError) return undefined;
    throw err;
  }
}

/** Write-then-rename, so a reader never sees half a file. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, `${JSON.stringify(value)}\n`, { mode: 0o600 });
  await rename(tmp, path);
}

/** The container's init pid from runc's pid file and when it was written (the start time). */
export async function readPidFile(path: string): Promise<{ pid: number; startedAt: string } | undefined> {
  try {
    const [text, st] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    const pid = Number(text.trim());
    return Number.isInteger(pid) && pid > 0 ? { pid, startedAt: st.mtime.toISOString() } : undefined;
  } catch {
    return undefined;
  }
}

/** Kernel start time of a process, or undefined if there is no such process. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const state = fields[0];
    if (state === 'Z' || state === 'X') return undefined; // exited, not yet reaped
    return fields[19];
  } catch {
    return undefined;
  }
}

export function monitorAlive(m: MonitorRecord | undefined): boolean {
  return m !== undefined && processStartTime(m.pid) === m.startTime;
}
