// The per-container monitor: a small detached process (own session, started by ContainerRuntime
// with process.execPath) that runs `runc run` in the foreground and outlives the node agent.
//
// Why a monitor: runc keeps no exit status for a detached container, and the kubelet needs one.
// containerd and CRI-O keep a shim (containerd-shim-runc-v2, conmon) per container as the parent
// of runc / the container for exactly this: it reaps the process, records the exit code and owns
// the stdio pipes that it turns into CRI log lines. This is the same design, in TypeScript, with
// no binary to ship: foreground `runc run` returns the container's exit status (128+n for signal
// n) and forwards signals; the container writes to our pipes; we timestamp its output into CRI
// log records and write exit.json when runc returns. runc deletes its state itself on return.
// Without a parent like this there is no exit code: after `runc run --detach` the container is
// reparented to init (or a subreaper, which Node cannot become: no prctl), and only its parent
// can wait(2) for it; polling `runc state` only shows "stopped". crun's detached mode has the
// same limit, which is why podman runs conmon even with crun.
//
// Usage: node monitor.ts <record dir>   (container.json there says what to run)

import { spawn } from 'node:child_process';
import { closeSync, existsSync, ftruncateSync, fstatSync, openSync, readFileSync, renameSync, writeSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { recordPaths } from './container-record.ts';
import type { ContainerRecord, ExitRecord } from './container-record.ts';
import { CriLogEncoder, createClock, formatTimestamp } from './cri-log.ts';
import type { LogStream } from './cri-log.ts';

function main(): void {
  const dir = process.argv[2];
  if (dir === undefined) {
    process.stderr.write('usage: monitor.ts <container record dir>\n');
    process.exit(2);
  }
  const stateDir = dir.slice(0, dir.lastIndexOf('/'));
  const id = dir.slice(dir.lastIndexOf('/') + 1);
  const paths = recordPaths(stateDir, id);
  const rec = JSON.parse(readFileSync(paths.container, 'utf8')) as ContainerRecord;
  const clock = createClock();
  const encoder = new CriLogEncoder(clock);
  const logFd = openSync(rec.logPath, 'a', 0o640);
  const logStart = fstatSync(logFd).size;

  const writeExit = (exit: ExitRecord) => {
    const tmp = `${paths.exit}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(exit)}\n`, { mode: 0o600 });
    renameSync(tmp, paths.exit);
  };

  const args = ['--root', rec.runcRoot, '--log', paths.runcLog, '--log-format', 'json', 'run', '--bundle', rec.bundleDir, '--pid-file', paths.pid, id];
  const child = spawn(rec.runcPath, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: rec.bundleDir });

  // A signal sent to the monitor is meant for the container: runc forwards it to the init process.
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => child.kill(sig));
  process.on('SIGHUP', () => {});

  const write = (buf: Buffer) => {
    // Logs are best effort: a full disk must not stop the container or lose the exit code.
    try {
      if (buf.length > 0) writeSync(logFd, buf);
    } catch { /* dropped */ }
  };
  const pipe = (stream: LogStream) => {
    const s = stream === 'stdout' ? child.stdout : child.stderr;
    s?.on('data', (chunk: Buffer) => write(encoder.push(stream, chunk)));
  };
  pipe('stdout');
  pipe('stderr');

  let spawnError: Error | undefined;
  child.on('error', (err) => {
    spawnError = err;
  });
  child.on('close', (code, signal) => {
    write(encoder.flush('stdout'));
    write(encoder.flush('stderr'));
    const finishedAt = formatTimestamp(clock());
    const started = existsSync(paths.pid);
    let exit: ExitRecord;
    if (started && spawnError === undefined) {
      exit = { exitCode: code ?? 128 + (signal === null ? 0 : (constants.signals[signal] ?? 0)), finishedAt };
    } else {
      // runc failed before the process ran: what reached the log is runc's error, not the container's.
      try {
        ftruncateSync(logFd, logStart);
      } catch { /* keep it */ }
      exit = { exitCode: 128, finishedAt, startError: spawnError?.message ?? runcError(paths.runcLog) ?? `runc exited with ${code ?? signal}` };
    }
    closeSync(logFd);
    writeExit(exit);
    process.exit(0);
  });
}

/** The last error-level message of runc's JSON log. */
function runcError(logFile: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(logFile, 'utf8');
  } catch {
    return undefined;
  }
  let last: string | undefined;
  for (const line of text.split('\n')) {
    try {
      const entry = JSON.parse(line) as { level?: string; msg?: string };
      if ((entry.level === 'error' || entry.level === 'fatal') && entry.msg !== undefined) last = entry.msg;
    } catch { /* not JSON */ }
  }
  return last;
}

main();
