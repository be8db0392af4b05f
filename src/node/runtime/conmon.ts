// conmon (Debian's `conmon`: CRI-O's and podman's container monitor) as the per-container
// monitor. It does what monitor.ts does (parent of the container, CRI-format log lines, the exit
// code in a file), in C: ~2 MB and ~1 ms of CPU per container instead of a Node process of ~50 MB
// and ~45 ms, which is what decides how many pods a 2-core node starts per second (issue 4,
// bench:pods). monitor.ts stays the fallback for hosts without conmon.
//
// Protocol (conmon --api-version 1, as libpod/oci_conmon_linux.go drives it): conmon runs
// `runc create`, then writes {"data": <container pid>} (or {"data": -1, "message": ...}) to the
// pipe named by _OCI_SYNCPIPE; the caller then runs `runc start`. When the container exits conmon
// writes its exit status (128+n for signal n) to `<exit-dir>/<id>` atomically and exits.
// https://github.com/containers/conmon/blob/v2.1.6/src/conmon.c

import { spawn } from 'node:child_process';
import { accessSync, closeSync, constants, openSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { ExitRecord, RecordPaths } from './container-record.ts';
import { RuntimeError, RuntimeErrorCode } from './errors.ts';

/** Where Debian's conmon, podman's and CRI-O's copies live, after $PATH. */
export const CONMON_FALLBACK_PATHS = ['/usr/bin/conmon', '/usr/libexec/podman/conmon', '/usr/libexec/crio/conmon'];
export const CONMON_INSTALL_HINT = 'apt-get install conmon';

export function findConmon(options: { path?: string | undefined; searchPath?: string | undefined } = {}): string | undefined {
  const searchPath = options.searchPath ?? process.env.PATH ?? '';
  const candidates = [
    ...(options.path === undefined ? [] : [options.path]),
    ...searchPath.split(delimiter).filter((d) => d.startsWith('/')).map((d) => join(d, 'conmon')),
    ...CONMON_FALLBACK_PATHS,
  ];
  return candidates.find((p) => {
    try {
      accessSync(p, constants.X_OK);
      return statSync(p).isFile();
    } catch {
      return false;
    }
  });
}

export interface ConmonLaunch {
  conmonPath: string;
  runcPath: string;
  runcRoot: string;
  id: string;
  bundleDir: string;
  logPath: string;
  paths: RecordPaths;
  timeoutMs: number;
}

/**
 * Starts conmon for a container and waits until runc has created it. Resolves with the container's
 * pid; rejects with StartFailed carrying runc's message when create fails.
 */
export async function launchConmon(o: ConmonLaunch): Promise<number> {
  const args = [
    '--api-version', '1', '-c', o.id, '-u', o.id, '-n', o.id,
    '-r', o.runcPath, '-b', o.bundleDir, '-p', o.paths.pid, '-P', o.paths.monitorPid,
    '-l', `k8s-file:${o.logPath}`, '--exit-dir', o.paths.exitDir, '--socket-dir-path', o.paths.socketDir,
    '--runtime-arg', `--root=${o.runcRoot}`, '--runtime-arg', `--log=${o.paths.runcLog}`, '--runtime-arg', '--log-format=json',
    '--log-level', 'error',
  ];
  const errFd = openSync(o.paths.monitorErr, 'a', 0o600);
  try {
    const child = spawn(o.conmonPath, args, {
      detached: true, // conmon daemonizes itself; its own session keeps it apart from the agent's terminal
      stdio: ['ignore', 'ignore', errFd, 'pipe'],
      cwd: '/',
      env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', _OCI_SYNCPIPE: '3' },
    });
    child.unref();
    const answer = await readSyncAnswer(child.stdio[3] as NodeJS.ReadableStream & { destroy(): void }, o.timeoutMs, o.id);
    child.on('error', () => {});
    if (answer.data > 0) return answer.data;
    const why = (answer.message ?? '').trim() || (await readFile(o.paths.monitorErr, 'utf8').catch(() => '')).trim() || 'runc create failed';
    throw new RuntimeError(RuntimeErrorCode.StartFailed, `container ${o.id} did not start: ${why.slice(-2000)}`);
  } finally {
    closeSync(errFd);
  }
}

interface SyncAnswer {
  data: number;
  message?: string | undefined;
}

function readSyncAnswer(pipe: NodeJS.ReadableStream & { destroy(): void }, timeoutMs: number, id: string): Promise<SyncAnswer> {
  return new Promise((resolve, reject) => {
    let text = '';
    const finish = (err: Error | undefined, answer?: SyncAnswer) => {
      clearTimeout(timer);
      pipe.removeAllListeners('data');
      // conmon writes the exit status here too when the container ends; nobody needs it then.
      pipe.destroy();
      if (err !== undefined) reject(err);
      else resolve(answer as SyncAnswer);
    };
    const timer = setTimeout(() => finish(new RuntimeError(RuntimeErrorCode.Timeout, `container ${id} was not created within ${timeoutMs} ms`)), timeoutMs);
    pipe.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const end = text.indexOf('}');
      if (end === -1) return;
      try {
        const parsed = JSON.parse(text.slice(0, end + 1)) as { data?: unknown; message?: unknown };
        finish(undefined, { data: Number(parsed.data), message: typeof parsed.message === 'string' ? parsed.message : undefined });
      } catch (err) {
        finish(new RuntimeError(RuntimeErrorCode.StartFailed, `container ${id}: conmon answered ${JSON.stringify(text.slice(0, 200))}`, { cause: err }));
      }
    });
    pipe.on('end', () => finish(new RuntimeError(RuntimeErrorCode.StartFailed, `container ${id} did not start: conmon exited without an answer${text === '' ? '' : `: ${text.slice(0, 200)}`}`)));
    pipe.on('error', (err) => finish(new RuntimeError(RuntimeErrorCode.StartFailed, `container ${id}: reading conmon's answer failed: ${err.message}`)));
  });
}

/** The exit conmon recorded: its status file's content and modification time. */
export async function readConmonExit(paths: RecordPaths, id: string): Promise<ExitRecord | undefined> {
  const file = join(paths.exitDir, id);
  try {
    const [text, st] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
    const code = Number(text.trim());
    if (text.trim() === '' || !Number.isInteger(code)) return undefined;
    return { exitCode: code, finishedAt: st.mtime.toISOString() };
  } catch {
    return undefined;
  }
}
