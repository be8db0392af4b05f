// What a benchmark reads of the host to see that a run cleaned up after itself: processes by
// command line, RSS, mounts under a directory, runc's containers; and the means to clean up.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export const RUNC = existsSync('/usr/sbin/runc') ? '/usr/sbin/runc' : 'runc';

export function exec(cmd: string, args: string[], timeoutMs = 120_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1;
      done({ code, stdout, stderr });
    });
  });
}

export function rssKb(pid: number): { rss: number; hwm: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return { rss: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0), hwm: Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) };
  } catch {
    return { rss: 0, hwm: 0 };
  }
}

/** Pids whose command line matches `test` (argv joined by spaces). */
export function processes(test: (argv: string[]) => boolean): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter((a) => a !== '');
      if (argv.length > 0 && test(argv)) pids.push(Number(entry));
    } catch { /* gone */ }
  }
  return pids;
}

/**
 * Ferry's per-container monitors for this data dir: conmon (`conmon ... -b <dataDir>/...`) or,
 * without conmon, `node .../monitor.ts <dataDir>/node/runtime/<id>`.
 */
export const monitorPids = (dataDir: string): number[] =>
  processes((argv) => (argv.some((a) => a.endsWith('/runtime/monitor.ts')) || (argv[0] ?? '').endsWith('conmon')) && argv.some((a) => a.startsWith(`${dataDir}/`)));

/** podman's conmon processes for containers under its storage dir `dir`. */
export const conmonPids = (dir: string): number[] => processes((argv) => (argv[0] ?? '').endsWith('conmon') && argv.some((a) => a.startsWith(`${dir}/`)));

export function mountsUnder(dir: string): string[] {
  const points: string[] = [];
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const point = (line.split(' ')[4] ?? '').replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
    if (point === dir || point.startsWith(`${dir}/`)) points.push(point);
  }
  return points.sort((a, b) => b.length - a.length);
}

export async function runcList(runcRoot: string): Promise<{ id: string; status: string }[]> {
  // `runc list` fails when a container's state dir goes away while it reads the root: retry.
  for (let attempt = 1; ; attempt++) {
    if (!existsSync(runcRoot)) return [];
    const r = await exec(RUNC, ['--root', runcRoot, 'list', '--format', 'json']);
    if (r.code === 0) return (JSON.parse(r.stdout.trim() === '' ? 'null' : r.stdout) as { id: string; status: string }[] | null) ?? [];
    if (attempt >= 20) throw new Error(`runc list: ${r.stderr}`);
    await sleep(10);
  }
}

export const dirEntries = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir).filter((e) => !e.startsWith('.')) : []);

export async function unmountAll(dir: string): Promise<void> {
  for (const point of mountsUnder(dir)) {
    if ((await exec('umount', [point])).code !== 0) await exec('umount', ['-l', point]);
  }
}

export function killPids(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch { /* gone */ }
  }
}
