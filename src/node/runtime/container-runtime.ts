// The node agent's view of containers: run, stop, remove, status, list (for adoption after an
// agent restart), on top of runc and one monitor process per container (see monitor.ts for why).
// Containers and their monitors live in their own sessions, so they keep running while the agent
// restarts; everything needed to find them again is on disk under `stateDir` (container-record.ts).
// Under systemd the agent's unit needs KillMode=process, as containerd's has, or a restart kills them.

import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  monitorAlive, readJson, readPidFile, recordPaths, writeJsonAtomic,
} from './container-record.ts';
import type { ContainerRecord, ExitRecord, MonitorRecord, RecordPaths } from './container-record.ts';
import { CONMON_INSTALL_HINT, findConmon, readConmonExit } from './conmon.ts';
import { startWithConmon } from './conmon-start.ts';
import { execInContainer } from './exec.ts';
import type { ExecResult } from './exec.ts';
import { launchNodeMonitor } from './node-monitor.ts';
import { findRunc, RUNC_INSTALL_HINT } from './detect-runc.ts';
import { RuntimeError, RuntimeErrorCode } from './errors.ts';
import { readLogs } from './log-reader.ts';
import type { LogLine, ReadLogsOptions } from './log-reader.ts';
import type { OciSpec } from './oci-spec-types.ts';
import { clampRlimits } from './host-limits.ts';
import { removeBundle } from './rootfs.ts';
import type { PreparedRootfs } from './rootfs.ts';
import { checkContainerId, Runc } from './runc.ts';

/** exit.json (start errors, the Node monitor), else conmon's exit file. */
async function readExit(paths: RecordPaths, id: string): Promise<ExitRecord | undefined> {
  return (await readJson<ExitRecord>(paths.exit)) ?? readConmonExit(paths, id);
}

export type ContainerState = 'created' | 'running' | 'exited';

export interface ContainerStatus {
  id: string;
  state: ContainerState;
  pid?: number | undefined;
  exitCode?: number | undefined;
  startedAt?: string | undefined;
  finishedAt?: string | undefined;
  /** For exited containers, as the kubelet shows them: Completed, Error, StartError, Unknown (monitor lost). */
  reason?: 'Completed' | 'Error' | 'StartError' | 'Unknown' | undefined;
  message?: string | undefined;
}

export interface ContainerInfo extends ContainerStatus {
  /** False for a container runc knows but this runtime has no record of (e.g. left by a crash mid-start). */
  managed: boolean;
  bundleDir?: string | undefined;
  logPath?: string | undefined;
  createdAt?: string | undefined;
}

export interface ContainerRuntimeOptions {
  /** Per-container records (exit codes, pids); must survive agent restarts. */
  stateDir: string;
  /** runc --root; default `<stateDir>/.runc` (ids cannot start with a dot). */
  runcRoot?: string | undefined;
  /** Default: found like detectRunc does. */
  runcPath?: string | undefined;
  /** How long runContainer waits for runc to start the process (default 60 s). */
  startTimeoutMs?: number | undefined;
  /**
   * The per-container monitor: conmon (default when installed; see conmon.ts) or Ferry's own
   * Node monitor (monitor.ts). Containers started by either are found and adopted by both.
   */
  monitor?: 'conmon' | 'node' | undefined;
  /** Default: found on $PATH or where Debian and podman install it. */
  conmonPath?: string | undefined;
}

export interface RunContainerRequest {
  id: string;
  /** Directory for config.json; the runtime owns it from now on and deletes it in removeContainer. */
  bundleDir: string;
  spec: OciSpec;
  /** The prepared rootfs (or its path); spec.root.path is set to it. */
  rootfs: PreparedRootfs | string;
  /** CRI-format log file the monitor appends to. */
  logPath: string;
}

export class ContainerRuntime {
  readonly stateDir: string;
  readonly runc: Runc;
  readonly #startTimeoutMs: number;
  readonly monitor: 'conmon' | 'node';
  readonly #conmonPath: string | undefined;

  constructor(options: ContainerRuntimeOptions) {
    this.stateDir = resolve(options.stateDir);
    const path = options.runcPath ?? findRunc();
    if (path === undefined) throw new RuntimeError(RuntimeErrorCode.RuncNotFound, `runc is not installed; install it with: ${RUNC_INSTALL_HINT}`);
    this.runc = new Runc({ path, root: resolve(options.runcRoot ?? join(this.stateDir, '.runc')) });
    this.#startTimeoutMs = options.startTimeoutMs ?? 60_000;
    this.#conmonPath = options.monitor === 'node' ? undefined : findConmon({ path: options.conmonPath });
    if (options.monitor === 'conmon' && this.#conmonPath === undefined) {
      throw new RuntimeError(RuntimeErrorCode.RuncNotFound, `conmon is not installed; install it with: ${CONMON_INSTALL_HINT}`);
    }
    this.monitor = this.#conmonPath === undefined ? 'node' : 'conmon';
  }

  /** Starts the container under a new monitor; resolves once its process runs (or has already exited). */
  async runContainer(req: RunContainerRequest): Promise<ContainerStatus> {
    const id = checkContainerId(req.id);
    const paths = recordPaths(this.stateDir, id);
    await mkdir(this.stateDir, { recursive: true, mode: 0o700 });
    try {
      await mkdir(paths.dir, { mode: 0o700 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new RuntimeError(RuntimeErrorCode.AlreadyExists, `container ${id} exists already`);
      throw err;
    }
    // The record dir is made before runc is ever called for an id, so EEXIST above is the
    // already-exists check; runc's own refusal covers a container made by someone else.
    try {
      await this.#writeBundle(id, req);
    } catch (err) {
      await rm(paths.dir, { recursive: true, force: true });
      throw err;
    }
    if (this.monitor === 'conmon') {
      await startWithConmon({ conmonPath: this.#conmonPath as string, runc: this.runc, id, paths, timeoutMs: this.#startTimeoutMs });
      return this.containerStatus(id);
    }
    await launchNodeMonitor(paths, this.stateDir);
    return this.#awaitStart(id);
  }

  async #writeBundle(id: string, req: RunContainerRequest): Promise<void> {
    const bundleDir = resolve(req.bundleDir);
    const rootfs = resolve(bundleDir, typeof req.rootfs === 'string' ? req.rootfs : req.rootfs.path);
    const logPath = resolve(req.logPath);
    await mkdir(bundleDir, { recursive: true, mode: 0o711 });
    await mkdir(dirname(logPath), { recursive: true, mode: 0o755 });
    const spec = clampRlimits({ ...req.spec, root: { ...req.spec.root, path: rootfs } });
    await writeFile(join(bundleDir, 'config.json'), JSON.stringify(spec, null, 1), { mode: 0o600 });
    const record: ContainerRecord = {
      id, bundleDir, logPath, rootfs, createdAt: new Date().toISOString(), runcPath: this.runc.path, runcRoot: this.runc.root, monitor: this.monitor,
    };
    await writeJsonAtomic(recordPaths(this.stateDir, id).container, record);
  }

  async #awaitStart(id: string): Promise<ContainerStatus> {
    const paths = recordPaths(this.stateDir, id);
    const deadline = Date.now() + this.#startTimeoutMs;
    for (let delay = 5; ; delay = Math.min(delay * 2, 50)) {
      const exit = await readJson<ExitRecord>(paths.exit);
      if (exit?.startError !== undefined) throw new RuntimeError(RuntimeErrorCode.StartFailed, `container ${id} did not start: ${exit.startError}`);
      if (exit !== undefined || (await readPidFile(paths.pid)) !== undefined) return this.containerStatus(id);
      if (!monitorAlive(await readJson<MonitorRecord>(paths.monitor))) {
        // The monitor may have written exit.json just before it exited.
        if ((await readJson<ExitRecord>(paths.exit)) !== undefined) continue;
        const err = (await readFile(paths.monitorErr, 'utf8').catch(() => '')).trim();
        throw new RuntimeError(RuntimeErrorCode.StartFailed, `container ${id} did not start: its monitor exited${err === '' ? '' : `: ${err.slice(-2000)}`}`);
      }
      if (Date.now() > deadline) throw new RuntimeError(RuntimeErrorCode.Timeout, `container ${id} did not start within ${this.#startTimeoutMs} ms`);
      await sleep(delay);
    }
  }

  /**
   * From the records alone while the monitor lives (it is the container's parent, so the container
   * has not been reaped); runc is asked only when the monitor is gone. Status is read for every pod
   * sync and exit watch: a `runc state` each time made status the agent's main cost (bench:pods).
   */
  async containerStatus(id: string): Promise<ContainerStatus> {
    const paths = recordPaths(this.stateDir, checkContainerId(id));
    const [record, exit, started, pidFile, monitor] = await Promise.all([
      readJson<ContainerRecord>(paths.container), readExit(paths, id), readPidFile(paths.started), readPidFile(paths.pid), readJson<MonitorRecord>(paths.monitor),
    ]);
    // conmon's runc writes the pid file at create; `started` is written after `runc start`.
    const pidInfo = started ?? (record?.monitor === 'conmon' ? undefined : pidFile);
    const base = { id, pid: pidInfo?.pid, startedAt: pidInfo?.startedAt };
    if (exit !== undefined) return exitedStatus(base, exit);
    if (monitorAlive(monitor)) return { ...base, state: pidInfo === undefined ? 'created' : 'running' };
    if (record === undefined && !existsSync(paths.dir)) throw new RuntimeError(RuntimeErrorCode.NotFound, `container ${id} does not exist`);
    const runcState = await this.runc.state(id);
    if (record === undefined && runcState === undefined) throw new RuntimeError(RuntimeErrorCode.NotFound, `container ${id} does not exist`);
    // The monitor may have written the exit and exited since the first read.
    const late = await readExit(paths, id);
    if (late !== undefined) return exitedStatus(base, late);
    if (runcState !== undefined && runcState.status !== 'stopped') {
      // Not yet monitored (starting), or the monitor was killed: runc still knows the process.
      return { ...base, pid: runcState.pid || base.pid, state: runcState.status === 'created' ? 'created' : 'running' };
    }
    if (record !== undefined && monitor === undefined && Date.parse(record.createdAt) > Date.now() - this.#startTimeoutMs) return { ...base, state: 'created' };
    return { ...base, state: 'exited', reason: 'Unknown', message: 'the container monitor exited without recording an exit code' };
  }

  /**
   * Polls until the container has exited: quickly at first (short-lived containers, stops), then
   * once a second, the kubelet's PLEG relist period, so a node of many pods stays cheap.
   */
  async waitForExit(id: string, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<ContainerStatus> {
    const deadline = Date.now() + (options.timeoutMs ?? Infinity);
    for (let delay = 10; ; delay = Math.min(delay * 1.5, 1000)) {
      const st = await this.containerStatus(id);
      if (st.state === 'exited') return st;
      if (Date.now() >= deadline) throw new RuntimeError(RuntimeErrorCode.Timeout, `container ${id} is still ${st.state}`);
      try {
        await sleep(Math.min(delay, Math.max(1, deadline - Date.now())), undefined, { signal: options.signal });
      } catch (err) {
        throw new RuntimeError(RuntimeErrorCode.Aborted, `waiting for container ${id} was aborted`, { cause: err });
      }
    }
  }

  /**
   * Graceful stop as the kubelet does it: `signal` (default SIGTERM; pass the image's StopSignal),
   * then SIGKILL once graceSeconds have passed. Resolves with the exited status.
   */
  async stopContainer(id: string, graceSeconds: number, options: { signal?: string } = {}): Promise<ContainerStatus> {
    const st = await this.containerStatus(id);
    if (st.state === 'exited') return st;
    if (graceSeconds > 0) {
      await this.runc.kill(id, options.signal ?? 'SIGTERM');
      try {
        return await this.waitForExit(id, { timeoutMs: graceSeconds * 1000 });
      } catch (err) {
        if (!(err instanceof RuntimeError && err.code === RuntimeErrorCode.Timeout)) throw err;
      }
    }
    // Killing init of a PID namespace kills every process in it.
    await this.runc.kill(id, 'SIGKILL');
    return this.waitForExit(id, { timeoutMs: 30_000 });
  }

  /**
   * Deletes runc's state, the record and (unless keepBundle) the bundle with its rootfs mounts.
   * The log file stays: it belongs to the caller (`kubectl logs --previous`). A running container
   * is refused unless `force`, which kills it first. A missing container is not an error.
   */
  async removeContainer(id: string, options: { force?: boolean; keepBundle?: boolean } = {}): Promise<void> {
    const paths = recordPaths(this.stateDir, checkContainerId(id));
    let st: ContainerStatus | undefined;
    try {
      st = await this.containerStatus(id);
    } catch (err) {
      if (!(err instanceof RuntimeError && err.code === RuntimeErrorCode.NotFound)) throw err;
      // No record: only a container runc knows (left by a crash mid-start) has anything to remove.
      // runc keeps each container's state in <root>/<id>, so a look there spares a spawn.
      if (existsSync(join(this.runc.root, id))) await this.runc.delete(id, { force: true });
      return;
    }
    if (st.state !== 'exited') {
      if (options.force !== true) throw new RuntimeError(RuntimeErrorCode.StillRunning, `container ${id} is ${st.state}; stop it first`);
      await this.stopContainer(id, 0);
    }
    await this.runc.delete(id, { force: true });
    const record = await readJson<ContainerRecord>(paths.container);
    // The monitor exits right after writing exit.json; wait so no process holds the bundle.
    for (let i = 0; i < 100 && monitorAlive(await readJson<MonitorRecord>(paths.monitor)); i++) await sleep(20);
    if (record !== undefined && options.keepBundle !== true) await removeBundle(record.bundleDir);
    await rm(paths.dir, { recursive: true, force: true });
  }

  /**
   * Runs `command` in the running container with its process settings (exec probes); the output
   * is bounded, a timeout kills the command. Fails with NotFound / RuncFailed when it cannot run.
   */
  async exec(id: string, command: string[], options: { timeoutMs: number; maxOutputBytes?: number }): Promise<ExecResult> {
    const paths = recordPaths(this.stateDir, checkContainerId(id));
    const record = await readJson<ContainerRecord>(paths.container);
    if (record === undefined) throw new RuntimeError(RuntimeErrorCode.NotFound, `container ${id} does not exist`);
    return execInContainer({
      runcPath: this.runc.path, runcRoot: this.runc.root, id, bundleDir: record.bundleDir, workDir: paths.dir, command,
      timeoutMs: options.timeoutMs, maxOutputBytes: options.maxOutputBytes,
    });
  }

  /** The container's log for `kubectl logs` (see readLogs: tailLines, follow, sinceTime). */
  readLogs(logPath: string, options: ReadLogsOptions = {}): AsyncGenerator<LogLine> {
    return readLogs(logPath, options);
  }

  /** Every container this runtime's records or runc's state dir know, for adoption after a restart. */
  async listContainers(): Promise<ContainerInfo[]> {
    const out: ContainerInfo[] = [];
    const names = await readdir(this.stateDir).catch(() => [] as string[]);
    for (const name of names) {
      if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(name)) continue;
      const record = await readJson<ContainerRecord>(recordPaths(this.stateDir, name).container);
      if (record === undefined) continue;
      const st = await this.containerStatus(name).catch(() => undefined);
      if (st === undefined) continue;
      out.push({ ...st, managed: true, bundleDir: record.bundleDir, logPath: record.logPath, createdAt: record.createdAt });
    }
    const known = new Set(out.map((c) => c.id));
    for (const s of await this.runc.list()) {
      if (known.has(s.id)) continue;
      const state = s.status === 'stopped' ? 'exited' : s.status === 'created' ? 'created' : 'running';
      out.push({ id: s.id, state, pid: s.pid || undefined, managed: false, bundleDir: s.bundle, createdAt: s.created });
    }
    return out;
  }
}

function exitedStatus(base: { id: string; pid: number | undefined; startedAt: string | undefined }, exit: ExitRecord): ContainerStatus {
  if (exit.startError !== undefined) {
    return { id: base.id, state: 'exited', exitCode: exit.exitCode, finishedAt: exit.finishedAt, reason: 'StartError', message: exit.startError };
  }
  return { ...base, state: 'exited', exitCode: exit.exitCode, finishedAt: exit.finishedAt, reason: exit.exitCode === 0 ? 'Completed' : 'Error' };
}
