// A command in a running container, as the CRI's ExecSync does it for exec probes: `runc exec`
// with the container's own process spec (user, env, cwd, capabilities) and other args, stdout and
// stderr captured together and bounded, a timeout that kills the command.
// https://github.com/opencontainers/runc/blob/v1.1.5/exec.go
// https://github.com/kubernetes/kubernetes/blob/v1.32.4/staging/src/k8s.io/cri-client/pkg/remote_runtime.go (ExecSync)
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RuntimeError, RuntimeErrorCode } from './errors.ts';
import type { OciProcess } from './oci-spec-types.ts';

/** The kubelet reads at most 10 KiB of a probe's output (pkg/probe/exec maxReadLength). */
export const MAX_EXEC_OUTPUT_BYTES = 10 * 1024;

export interface ExecRequest {
  runcPath: string;
  runcRoot: string;
  id: string;
  /** The container's config.json, whose process the command inherits. */
  bundleDir: string;
  /** Where the process spec and pid file are written for the call (the container's record dir). */
  workDir: string;
  command: string[];
  timeoutMs: number;
  maxOutputBytes?: number | undefined;
}

export interface ExecResult {
  /** undefined when the command timed out (and was killed). */
  exitCode: number | undefined;
  timedOut: boolean;
  /** stdout and stderr as they came, cut at maxOutputBytes. */
  output: string;
}

export async function execInContainer(req: ExecRequest): Promise<ExecResult> {
  if (req.command.length === 0) throw new RuntimeError(RuntimeErrorCode.InvalidSpec, 'exec: the command is empty');
  const config = JSON.parse(await readFile(join(req.bundleDir, 'config.json'), 'utf8')) as { process?: OciProcess };
  if (config.process === undefined) throw new RuntimeError(RuntimeErrorCode.InvalidSpec, `exec: ${req.id} has no process spec`);
  const tag = randomBytes(6).toString('hex');
  const processFile = join(req.workDir, `exec-${tag}.json`);
  const pidFile = join(req.workDir, `exec-${tag}.pid`);
  const logFile = join(req.workDir, `exec-${tag}.log`);
  await writeFile(processFile, JSON.stringify({ ...config.process, terminal: false, args: req.command }), { mode: 0o600 });
  try {
    const result = await run(req, processFile, pidFile, logFile);
    // runc's own failure (no such container, a stopped one) is in its log; the command's is not.
    const failure = result.exitCode !== 0 && !result.timedOut ? runcError(await readFile(logFile, 'utf8').catch(() => '')) : undefined;
    if (failure !== undefined) throw new RuntimeError(RuntimeErrorCode.RuncFailed, `runc exec ${req.id}: ${failure}`);
    return result;
  } finally {
    await Promise.all([processFile, pidFile, logFile].map((f) => rm(f, { force: true })));
  }
}

function run(req: ExecRequest, processFile: string, pidFile: string, logFile: string): Promise<ExecResult> {
  const max = req.maxOutputBytes ?? MAX_EXEC_OUTPUT_BYTES;
  const args = ['--root', req.runcRoot, '--log', logFile, '--log-format', 'json', 'exec', '--process', processFile, '--pid-file', pidFile, req.id];
  return new Promise((resolve, reject) => {
    const child = spawn(req.runcPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let size = 0;
    const collect = (chunk: Buffer) => {
      if (size >= max) return;
      const part = chunk.subarray(0, max - size);
      chunks.push(part);
      size += part.length;
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      void killExec(pidFile).finally(() => child.kill('SIGKILL'));
    }, req.timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new RuntimeError(RuntimeErrorCode.RuncNotFound, `runc is not runnable at ${req.runcPath}: ${err.message}`, { cause: err }));
    });
    // 'exit', not 'close': a background process of the command may hold the pipes open.
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      child.stdout.destroy();
      child.stderr.destroy();
      const output = Buffer.concat(chunks).toString('utf8');
      if (timedOut) return resolve({ exitCode: undefined, timedOut: true, output });
      resolve({ exitCode: code ?? 128 + signalNumber(signal), timedOut: false, output });
    });
  });
}

/** Killing runc exec leaves the command running in the container: kill the command itself. */
async function killExec(pidFile: string): Promise<void> {
  const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
  if (Number.isInteger(pid) && pid > 0) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch { /* already gone */ }
  }
}

/** The last error-level message of runc's JSON log, if any. */
export function runcError(log: string): string | undefined {
  let last: string | undefined;
  for (const line of log.split('\n')) {
    try {
      const entry = JSON.parse(line) as { level?: string; msg?: string };
      if ((entry.level === 'error' || entry.level === 'fatal') && typeof entry.msg === 'string') last = entry.msg;
    } catch { /* not a log line */ }
  }
  return last;
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return signal === 'SIGKILL' ? 9 : signal === 'SIGTERM' ? 15 : signal === 'SIGINT' ? 2 : 1;
}
