// runc creates and deletes a container's own cgroup (linux.cgroupsPath) but leaves the parents it
// created (e.g. the pod's /ferry/pod<uid>); the node agent removes those when the pod is gone.
// With cgroupfs the same relative path exists under every mounted hierarchy (cgroup v1 has one per
// controller, v2 one in all): https://docs.kernel.org/admin-guide/cgroup-v1/cgroups.html

import { readdir, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { RuntimeError, RuntimeErrorCode } from './errors.ts';
import { readMountInfo } from './mounts.ts';

/** Removes the cgroup `path` (and its empty children) from every hierarchy; missing is fine. */
export async function removeCgroup(path: string): Promise<void> {
  const rel = path.split('/').filter((c) => c !== '' && c !== '.');
  if (rel.length === 0 || rel.includes('..')) throw new RuntimeError(RuntimeErrorCode.UnsafePath, `refusing to remove cgroup ${JSON.stringify(path)}`);
  const mounts = (await readMountInfo()).filter((m) => m.fsType === 'cgroup' || m.fsType === 'cgroup2');
  const roots = [...new Set(mounts.map((m) => m.mountPoint))];
  for (const root of roots) await removeDirs(join(root, ...rel));
}

/** cgroupfs dirs hold only control files, which go with rmdir; children must go first. */
async function removeDirs(dir: string): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  for (const e of entries) if (e.isDirectory()) await removeDirs(join(dir, e.name));
  try {
    await rmdir(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    throw new RuntimeError(RuntimeErrorCode.RuncFailed, `cannot remove cgroup ${dir}: ${code === 'EBUSY' ? 'processes still run in it' : (err as Error).message}`, { cause: err });
  }
}
