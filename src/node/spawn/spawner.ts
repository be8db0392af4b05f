// Running the node's commands (runc, mount, ip, iptables, CNI plugins) through a small helper
// process instead of forking the agent itself. Forking copies the parent's page tables: with the
// embedded API server the agent holds ~250 MB, and bench:pods measured ~6 ms of main-thread time
// per spawn, about half the agent's work when 100 pods start at once. The helper (spawn-server.ts)
// is a bare Node process, cheap to fork. `execFile` here has child_process.execFile's callback
// shape for the options Ferry uses, and falls back to a direct execFile if the helper is gone.
import { execFile as nodeExecFile, spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SERVER = fileURLToPath(new URL('./spawn-server.ts', import.meta.url));

export interface ExecOptions {
  env?: Record<string, string> | undefined;
  cwd?: string | undefined;
  timeout?: number | undefined;
  maxBuffer?: number | undefined;
  /** Written to the command's stdin, then closed. */
  input?: string | undefined;
}

/** As child_process.execFile's error: `code` is the exit status (or an errno string), `signal` what killed it. */
export interface ExecError extends Error {
  code?: number | string | null;
  signal?: string | null;
  killed?: boolean;
}

export type ExecCallback = (err: ExecError | null, stdout: string, stderr: string) => void;

interface Answer {
  id: number;
  stdout: string;
  stderr: string;
  error?: { message: string; code: number | string | null; signal: string | null; killed: boolean };
}

class Spawner {
  #child: ChildProcessWithoutNullStreams | undefined;
  #pending = new Map<number, ExecCallback>();
  #next = 1;
  #buffer = '';

  #server(): ChildProcessWithoutNullStreams | undefined {
    if (this.#child !== undefined) return this.#child;
    let child: ChildProcessWithoutNullStreams;
    try {
      child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', SERVER], { stdio: ['pipe', 'pipe', 'pipe'] });
    } catch {
      return undefined;
    }
    this.#child = child;
    // Neither the helper nor its pipes keep the agent's process alive; ref'd only while calls run.
    child.unref();
    child.stdin.on('error', () => {});
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => this.#read(chunk));
    child.stderr.resume();
    child.on('exit', () => this.#gone(child));
    child.on('error', () => this.#gone(child));
    this.#refs(false);
    return child;
  }

  #refs(on: boolean): void {
    const c = this.#child as (ChildProcessWithoutNullStreams & { stdout: { ref?: () => void; unref?: () => void } }) | undefined;
    if (c === undefined) return;
    for (const s of [c.stdout, c.stdin, c.stderr] as unknown as { ref?: () => void; unref?: () => void }[]) {
      if (on) s.ref?.();
      else s.unref?.();
    }
  }

  #read(chunk: string): void {
    this.#buffer += chunk;
    for (let nl = this.#buffer.indexOf('\n'); nl !== -1; nl = this.#buffer.indexOf('\n')) {
      const line = this.#buffer.slice(0, nl);
      this.#buffer = this.#buffer.slice(nl + 1);
      let answer: Answer;
      try {
        answer = JSON.parse(line) as Answer;
      } catch {
        continue;
      }
      const cb = this.#pending.get(answer.id);
      if (cb === undefined) continue;
      this.#pending.delete(answer.id);
      if (this.#pending.size === 0) this.#refs(false);
      if (answer.error === undefined) cb(null, answer.stdout, answer.stderr);
      else cb(Object.assign(new Error(answer.error.message), { code: answer.error.code, signal: answer.error.signal, killed: answer.error.killed }), answer.stdout, answer.stderr);
    }
  }

  /** The helper died: calls in flight fail (their commands may have run), the next call starts a new one. */
  #gone(child: ChildProcessWithoutNullStreams): void {
    if (this.#child !== child) return;
    this.#child = undefined;
    this.#buffer = '';
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const cb of pending) cb(Object.assign(new Error('the spawn helper exited'), { code: null }), '', '');
  }

  execFile(file: string, args: string[], options: ExecOptions, cb: ExecCallback): void {
    const child = this.#server();
    if (child === undefined || !child.stdin.writable) {
      direct(file, args, options, cb);
      return;
    }
    const id = this.#next++;
    this.#pending.set(id, cb);
    this.#refs(true);
    child.stdin.write(`${JSON.stringify({
      id, file, args, env: options.env, cwd: options.cwd, timeoutMs: options.timeout, maxBuffer: options.maxBuffer, stdin: options.input,
    })}\n`);
  }
}

function direct(file: string, args: string[], options: ExecOptions, cb: ExecCallback): void {
  const child = nodeExecFile(file, args, {
    ...(options.env === undefined ? {} : { env: options.env }), ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    timeout: options.timeout ?? 60_000, maxBuffer: options.maxBuffer ?? 16 * 1024 * 1024, encoding: 'utf8',
  }, (err, stdout, stderr) => cb(err as ExecError | null, stdout, stderr));
  child.stdin?.end(options.input ?? '');
}

const shared = new Spawner();

/** child_process.execFile through the spawn helper. */
export function execFile(file: string, args: string[], options: ExecOptions, cb: ExecCallback): void {
  shared.execFile(file, args, options, cb);
}
