// A container's rootfs from the image's snapshots (src/image/unpack layout: `<snapshot>/fs` and
// `<snapshot>/meta.json`). Two ways, as containerd's overlayfs and native snapshotters:
//   - overlay: `<dir>/rootfs` mounted with the snapshots as read-only lowers and a per-container
//     `<dir>/upper` and `<dir>/work` (https://docs.kernel.org/filesystems/overlayfs.html). Needs
//     root, overlayfs, and snapshots whose whiteouts are on disk in overlay form (meta overlayReady).
//   - copy: `<dir>/rootfs` is a merged copy made by the image engine's materializer, which applies
//     each layer's whiteouts and opaque dirs from meta.json and keeps symlinks, hard links, owners,
//     modes, times, devices and xattrs (cp -a semantics). Runs in a worker thread.
// Release unmounts and deletes with lstat-based removal that never follows a symlink.

import { existsSync, readFileSync } from 'node:fs';
import { lstat, mkdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { WorkerPool } from '../../image/unpack/index.ts';
import type { MaterializeLayer } from '../../image/unpack/index.ts';
import { RuntimeError, RuntimeErrorCode } from './errors.ts';
import { mountOverlay, mountsUnder, unmountAll } from './mounts.ts';

export type RootfsMode = 'overlay' | 'copy';

export interface PrepareRootfsOptions {
  /** Snapshot directories, lowest (base) layer first. A dir without meta.json is used as a plain layer dir. */
  layers: string[];
  /** Container directory (usually the bundle) that receives rootfs/, upper/ and work/. */
  dir: string;
  /** Default 'auto': overlay when possible, else copy. 'overlay' fails instead of falling back. */
  mode?: RootfsMode | 'auto' | undefined;
  /** Worker pool for copies; default: a shared pool of one worker. */
  pool?: WorkerPool | undefined;
}

export interface PreparedRootfs {
  /** The container's root: `<dir>/rootfs`. */
  path: string;
  mode: RootfsMode;
  dir: string;
  /** Unmounts and deletes rootfs/, upper/ and work/. Idempotent. */
  release(): Promise<void>;
}

interface LayerInput extends MaterializeLayer {
  overlayReady: boolean;
}

let sharedPool: WorkerPool | undefined;

export async function prepareRootfs(options: PrepareRootfsOptions): Promise<PreparedRootfs> {
  const dir = resolve(options.dir);
  if (options.layers.length === 0) throw new RuntimeError(RuntimeErrorCode.RootfsFailed, 'an image needs at least one layer');
  const layers = await Promise.all(options.layers.map((l) => readLayer(resolve(l))));
  const target = join(dir, 'rootfs');
  await mkdir(dir, { recursive: true, mode: 0o711 });
  if (existsSync(target)) throw new RuntimeError(RuntimeErrorCode.AlreadyExists, `${target} exists already; release it first`);
  const prepared = (mode: RootfsMode): PreparedRootfs => ({ path: target, mode, dir, release: () => releaseRootfs(dir) });

  const mode = options.mode ?? 'auto';
  const overlayBlocker = whyNoOverlay(layers);
  if (mode === 'overlay' && overlayBlocker !== undefined) throw new RuntimeError(RuntimeErrorCode.RootfsFailed, `cannot use overlayfs: ${overlayBlocker}`);
  if (mode !== 'copy' && overlayBlocker === undefined) {
    try {
      for (const d of ['rootfs', 'upper', 'work']) await mkdir(join(dir, d), { mode: 0o755 });
      await mountOverlay({ lowerTopFirst: layers.map((l) => l.fsDir).reverse(), upper: join(dir, 'upper'), work: join(dir, 'work'), target });
      return prepared('overlay');
    } catch (err) {
      await releaseRootfs(dir);
      if (mode === 'overlay') throw err;
      // e.g. snapshots on a filesystem overlayfs cannot use as a lower, or nested overlay: copy instead.
    }
  }
  await mkdir(target, { mode: 0o755 });
  try {
    sharedPool ??= new WorkerPool({ size: 1 });
    await (options.pool ?? sharedPool).materialize({
      layers: layers.map(({ overlayReady: _o, ...l }) => l),
      target,
      scratchFile: join(dir, '.rootfs-special.tar'),
    });
  } catch (err) {
    await releaseRootfs(dir);
    throw new RuntimeError(RuntimeErrorCode.RootfsFailed, `copying the image layers to ${target} failed: ${(err as Error).message}`, { cause: err });
  } finally {
    await rm(join(dir, '.rootfs-special.tar'), { force: true });
  }
  return prepared('copy');
}

/** Unmounts `<dir>/rootfs` (and anything below it) and deletes rootfs/, upper/ and work/. */
export async function releaseRootfs(dir: string): Promise<void> {
  dir = resolve(dir);
  await unmountAll(join(dir, 'rootfs'));
  for (const d of ['rootfs', 'upper', 'work']) await removeTree(join(dir, d));
}

/** Unmounts everything under `dir` and deletes it: a container's whole bundle. */
export async function removeBundle(dir: string): Promise<void> {
  dir = resolve(dir);
  await unmountAll(dir);
  await removeTree(dir);
}

/**
 * fs.rm removes a symlink itself and never what it points to; refusing to run while something is
 * mounted below keeps it from deleting through an overlay or a bind mount into host files.
 */
async function removeTree(path: string): Promise<void> {
  const st = await lstat(path).catch(() => null);
  if (st === null) return;
  if (st.isDirectory() && (await mountsUnder(path)).length > 0) {
    throw new RuntimeError(RuntimeErrorCode.RootfsFailed, `${path} still has mounts below it; not deleting`);
  }
  await rm(path, { recursive: true, force: true, maxRetries: 2 });
}

function whyNoOverlay(layers: LayerInput[]): string | undefined {
  if (process.geteuid?.() !== 0) return 'mounting needs root';
  if (!overlaySupported()) return 'the kernel has no overlay filesystem (modprobe overlay)';
  const notReady = layers.find((l) => !l.overlayReady && (l.whiteouts.length > 0 || l.opaqueDirs.length > 0));
  if (notReady !== undefined) return `${notReady.fsDir} has whiteouts that are not in overlay form (unpacked without root)`;
  return undefined;
}

let overlayKnown: boolean | undefined;
function overlaySupported(): boolean {
  if (overlayKnown === undefined) {
    try {
      overlayKnown = /\toverlay$/m.test(readFileSync('/proc/filesystems', 'utf8'));
    } catch {
      overlayKnown = false;
    }
  }
  return overlayKnown;
}

async function readLayer(dir: string): Promise<LayerInput> {
  let text: string;
  try {
    text = await readFile(join(dir, 'meta.json'), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    if (!(await lstat(dir).catch(() => null))?.isDirectory()) {
      throw new RuntimeError(RuntimeErrorCode.RootfsFailed, `layer directory ${dir} does not exist`);
    }
    return { fsDir: dir, whiteouts: [], opaqueDirs: [], xattrs: {}, overlayReady: true };
  }
  const meta = JSON.parse(text) as { whiteouts?: string[]; opaqueDirs?: string[]; xattrs?: Record<string, Record<string, string>>; overlayReady?: boolean };
  return {
    fsDir: join(dir, 'fs'),
    whiteouts: meta.whiteouts ?? [],
    opaqueDirs: meta.opaqueDirs ?? [],
    xattrs: meta.xattrs ?? {},
    overlayReady: meta.overlayReady ?? false,
  };
}
