// A thin wrapper over the runc CLI (https://github.com/opencontainers/runc/blob/v1.1.5/docs/terminals.md
// and `runc --help`), every call with the node's own `--root` state dir so Ferry's containers are
// apart from any other runc user's.

import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { execFile } from '../spawn/spawner.ts';
import { RuntimeError, RuntimeErrorCode } from './errors.ts';
import { RUNC_INSTALL_HINT } from './detect-runc.ts';

export type RuncStatusName = 'created' | 'running' | 'paused' | 'stopped';

/** `runc state` / `runc list --format json` entry. */
export interface RuncState {
  id: string;
  pid: number;
  status: RuncStatusName;
  bundle: string;
  rootfs: string;
  created: string;
}

export interface RuncOptions {
  /** The runc binary (see detectRunc). */
  path: string;
  /** runc --root: where runc keeps container state. */
  root: string;
  timeoutMs?: number | undefined;
}

/** runc accepts [\w+-.]; Ferry keeps ids to names that are also safe as file names. */
const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

export function checkContainerId(id: string): string {
  if (!ID.test(id)) {
    throw new RuntimeError(RuntimeErrorCode.InvalidSpec, `container id ${JSON.stringify(id)} must be 1-128 letters, digits, '_', '.' or '-', starting with a letter or digit`);
  }
  return id;
}

export class Runc {
  readonly path: string;
  readonly root: string;
  readonly #timeoutMs: number;

  constructor(options: RuncOptions) {
    this.path = options.path;
    this.root = options.root;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** Arguments of a foreground `runc run` (the container monitor runs it; see monitor.ts). */
  runArgs(id: string, bundleDir: string, options: { pidFile: string; logFile: string }): string[] {
    return ['--root', this.root, '--log', options.logFile, '--log-format', 'json', 'run', '--bundle', bundleDir, '--pid-file', options.pidFile, checkContainerId(id)];
  }

  /**
   * `runc run --detach` with the container's stdout and stderr opened on the given files, so the
   * container writes to them itself and outlives this process. runc keeps no exit code for such a
   * container: use ContainerRuntime (monitor processes) when the exit code matters.
   */
  async create(id: string, bundleDir: string, io: { stdoutPath: string; stderrPath: string; pidFile?: string | undefined }): Promise<void> {
    checkContainerId(id);
    const out = openSync(io.stdoutPath, 'a', 0o640);
    const err = io.stderrPath === io.stdoutPath ? out : openSync(io.stderrPath, 'a', 0o640);
    try {
      const args = ['--root', this.root, 'run', '--detach', '--bundle', bundleDir, ...(io.pidFile === undefined ? [] : ['--pid-file', io.pidFile]), id];
      const child = spawn(this.path, args, { stdio: ['ignore', out, err] });
      const code = await new Promise<number | null>((resolve, reject) => {
        child.once('error', reject);
        child.once('exit', resolve);
      }).catch((e: unknown) => { throw this.#spawnError(e); });
      if (code !== 0) {
        // runc's error went to the container's stderr file; `runc state` tells whether anything exists.
        throw new RuntimeError(RuntimeErrorCode.StartFailed, `runc run --detach ${id} exited with ${code}; see ${io.stderrPath}`);
      }
    } finally {
      closeSync(out);
      if (err !== out) closeSync(err);
    }
  }

  /** Runs the process of a container made by `runc create` (conmon creates them; see conmon.ts). */
  async start(id: string): Promise<void> {
    await this.#exec(['start', checkContainerId(id)]);
  }

  /** The container's state, or undefined when runc does not know it. */
  async state(id: string): Promise<RuncState | undefined> {
    try {
      return JSON.parse(await this.#exec(['state', checkContainerId(id)])) as RuncState;
    } catch (err) {
      if (isNotExist(err)) return undefined;
      throw err;
    }
  }

  async list(): Promise<RuncState[]> {
    const out = await this.#exec(['list', '--format', 'json']);
    return (JSON.parse(out.trim() === '' ? 'null' : out) as RuncState[] | null) ?? [];
  }

  /** Sends a signal to the container's init (all its processes with `all`); a gone or stopped container is not an error. */
  async kill(id: string, signal: string | number = 'SIGTERM', options: { all?: boolean } = {}): Promise<void> {
    try {
      await this.#exec(['kill', ...(options.all === true ? ['--all'] : []), checkContainerId(id), String(signal)]);
    } catch (err) {
      if (isNotExist(err) || /not running|process already finished/i.test((err as Error).message)) return;
      throw err;
    }
  }

  /** Deletes runc's state (and with force, kills a running container first). A missing container is not an error. */
  async delete(id: string, options: { force?: boolean } = {}): Promise<void> {
    try {
      await this.#exec(['delete', ...(options.force === true ? ['--force'] : []), checkContainerId(id)]);
    } catch (err) {
      if (isNotExist(err)) return;
      throw err;
    }
  }

  /** Polls `runc state` until the container is stopped or gone. */
  async waitForExit(id: string, options: { intervalMs?: number; timeoutMs?: number; signal?: AbortSignal } = {}): Promise<RuncState | undefined> {
    const deadline = Date.now() + (options.timeoutMs ?? Infinity);
    for (;;) {
      const st = await this.state(id);
      if (st === undefined || st.status === 'stopped') return st;
      if (Date.now() >= deadline) throw new RuntimeError(RuntimeErrorCode.Timeout, `container ${id} still ${st.status}`);
      try {
        await sleep(options.intervalMs ?? 100, undefined, { signal: options.signal });
      } catch (err) {
        throw new RuntimeError(RuntimeErrorCode.Aborted, `waiting for container ${id} was aborted`, { cause: err });
      }
    }
  }

  #exec(args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(this.path, ['--root', this.root, ...args], { timeout: this.#timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
        if (err === null) return resolve(String(stdout));
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return reject(this.#spawnError(err));
        const msg = runcMessage(String(stderr)) || err.message;
        reject(new RuntimeError(RuntimeErrorCode.RuncFailed, `runc ${args.join(' ')}: ${msg}`, { cause: err }));
      });
    });
  }

  #spawnError(err: unknown): RuntimeError {
    return new RuntimeError(RuntimeErrorCode.RuncNotFound, `runc is not installed at ${this.path}; install it with: ${RUNC_INSTALL_HINT}`, { cause: err });
  }
}

/** runc prints logrus lines (time="..." level=error msg="...") or a bare message. */
export function runcMessage(stderr: string): string {
  const lines = stderr.trim().split('\n').filter(Boolean);
  const msgs = lines.map((l) => /msg="((?:[^"\\]|\\.)*)"/.exec(l)?.[1]?.replace(/\\(.)/g, '$1') ?? l);
  return msgs.at(-1) ?? '';
}

function isNotExist(err: unknown): boolean {
  return err instanceof RuntimeError && err.code === RuntimeErrorCode.RuncFailed && /does not exist|not exist/i.test(err.message);
}
