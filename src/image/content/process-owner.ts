// Who holds a lock, and whether that process still exists. A lock file records the pid plus the
// boot id and the process start time from /proc, so that a pid reused after a crash or a reboot is
// not mistaken for the original holder. Liveness is judged on this host only: the store must not
// be shared between machines (a pid means nothing on another host).

import { readFileSync } from 'node:fs';
import { errorCode } from './fs-atomic.ts';

export interface ProcessOwner {
  pid: number;
  /** /proc/sys/kernel/random/boot_id, when available (Linux). */
  boot?: string;
  /** Start time in clock ticks since boot, field 22 of /proc/<pid>/stat (Linux). */
  start?: string;
}

interface ProcStat {
  state: string;
  start: string;
}

function readProcStat(pid: number): ProcStat | undefined | 'gone' {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (err) {
    // ENOENT on Linux means the process is gone; anywhere else /proc is simply not there.
    return errorCode(err) === 'ENOENT' && process.platform === 'linux' ? 'gone' : undefined;
  }
  // The command name (field 2) may contain spaces and parentheses: fields resume after the last ")".
  // https://man7.org/linux/man-pages/man5/proc_pid_stat.5.html
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  const start = fields[19];
  return state === undefined || start === undefined ? undefined : { state, start };
}

function readBootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

let self: ProcessOwner | undefined;

export function currentOwner(): ProcessOwner {
  if (self === undefined || self.pid !== process.pid) {
    const stat = readProcStat(process.pid);
    const boot = readBootId();
    self = { pid: process.pid };
    if (boot !== undefined) self.boot = boot;
    if (typeof stat === 'object') self.start = stat.start;
  }
  return { ...self };
}

export function isPidAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    return errorCode(err) !== 'ESRCH';
  }
  const stat = readProcStat(pid);
  if (stat === 'gone') return false;
  // A zombie has exited and only waits for its parent to reap it: it holds nothing any more.
  return stat === undefined || (stat.state !== 'Z' && stat.state !== 'X');
}

export function isOwnerAlive(owner: ProcessOwner): boolean {
  const boot = currentOwner().boot;
  if (owner.boot !== undefined && boot !== undefined && owner.boot !== boot) return false;
  if (!isPidAlive(owner.pid)) return false;
  if (owner.start === undefined) return true;
  const stat = readProcStat(owner.pid);
  return typeof stat !== 'object' || stat.start === owner.start;
}

export function parseOwner(value: unknown): ProcessOwner | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record.pid !== 'number' || !Number.isSafeInteger(record.pid)) return undefined;
  const owner: ProcessOwner = { pid: record.pid };
  if (typeof record.boot === 'string') owner.boot = record.boot;
  if (typeof record.start === 'string') owner.start = record.start;
  return owner;
}
