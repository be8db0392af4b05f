// Host mounts of container rootfs dirs. Node has no mount(2) binding, so util-linux's mount and
// umount do the work; /proc/self/mountinfo says what is mounted
// (https://www.kernel.org/doc/html/latest/filesystems/proc.html, section 3.5).

import { readFile } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { execFile } from '../spawn/spawner.ts';
import { RuntimeError, RuntimeErrorCode } from './errors.ts';

export interface MountInfo {
  mountPoint: string;
  fsType: string;
  source: string;
  superOptions: string;
}

/** Mount points in this process's mount namespace. */
export async function readMountInfo(path = '/proc/self/mountinfo'): Promise<MountInfo[]> {
  const text = await readFile(path, 'utf8');
  const out: MountInfo[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const [left, right] = line.split(' - ');
    const f = (left ?? '').split(' ');
    const r = (right ?? '').split(' ');
    out.push({ mountPoint: unescape(f[4] ?? ''), fsType: r[0] ?? '', source: unescape(r[1] ?? ''), superOptions: r[2] ?? '' });
  }
  return out;
}

/** mountinfo escapes space, tab, newline and backslash as \ooo. */
function unescape(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** Mount points at `dir` or below it, deepest first (the order to unmount them in). */
export async function mountsUnder(dir: string): Promise<string[]> {
  const root = resolve(dir);
  const prefix = root.endsWith(sep) ? root : root + sep;
  const points = (await readMountInfo()).map((m) => m.mountPoint).filter((p) => p === root || p.startsWith(prefix));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

/** Unmounts everything at or under `dir`; a busy mount is detached lazily (MNT_DETACH). */
export async function unmountAll(dir: string): Promise<void> {
  for (let round = 0; round < 8; round++) {
    const points = await mountsUnder(dir);
    if (points.length === 0) return;
    for (const p of points) {
      try {
        await run('umount', [p]);
      } catch {
        await run('umount', ['-l', p]).catch(() => {});
      }
    }
  }
  const left = await mountsUnder(dir);
  if (left.length > 0) throw new RuntimeError(RuntimeErrorCode.RootfsFailed, `cannot unmount ${left.join(', ')}`);
}

/**
 * mount -t overlay with lowerdir=top:...:bottom. The options must fit in one page (4096 bytes);
 * when absolute lower paths are too long they are passed relative to their common parent, with
 * mount run in that directory, as containerd does for images with many layers.
 */
export async function mountOverlay(options: { lowerTopFirst: string[]; upper: string; work: string; target: string }): Promise<void> {
  for (const p of [...options.lowerTopFirst, options.upper, options.work]) {
    if (/[,:\\\n]/.test(p)) throw new RuntimeError(RuntimeErrorCode.RootfsFailed, `overlay paths must not contain ',', ':' or '\\': ${p}`);
  }
  let lowers = options.lowerTopFirst;
  let cwd: string | undefined;
  const data = (l: string[]) => `lowerdir=${l.join(':')},upperdir=${options.upper},workdir=${options.work}`;
  if (data(lowers).length > 3800) {
    cwd = commonParent(lowers);
    const base = cwd.endsWith(sep) ? cwd : cwd + sep;
    lowers = lowers.map((l) => l.slice(base.length));
  }
  if (data(lowers).length > 4000) {
    throw new RuntimeError(RuntimeErrorCode.RootfsFailed, `too many layers (${lowers.length}) for one overlay mount`);
  }
  await run('mount', ['-t', 'overlay', 'overlay', '-o', data(lowers), options.target], cwd);
}

function commonParent(paths: string[]): string {
  let parts = (paths[0] ?? '/').split(sep).slice(0, -1);
  for (const p of paths.slice(1)) {
    const q = p.split(sep);
    let i = 0;
    while (i < parts.length && parts[i] === q[i] && i < q.length - 1) i++;
    parts = parts.slice(0, i);
  }
  return parts.join(sep) || sep;
}

function run(cmd: string, args: string[], cwd?: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    execFile(cmd, args, { cwd, timeout: 60_000 }, (err, _stdout, stderr) => {
      if (err === null) resolvePromise();
      else reject(new RuntimeError(RuntimeErrorCode.RootfsFailed, `${cmd} ${args.join(' ')} failed: ${String(stderr).trim() || err.message}`, { cause: err }));
    });
  });
}
