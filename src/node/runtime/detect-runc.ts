// Finds runc and reads its version, for the node's Ready condition. Never throws: a node without
// runc must still register and say what to install (issue 4, "Node agent").

import { execFile } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export const RUNC_INSTALL_HINT = 'apt-get install runc';
/** Where Debian's package and upstream release binaries put runc, after $PATH. */
export const RUNC_FALLBACK_PATHS = ['/usr/sbin/runc', '/usr/bin/runc'];

export type RuncStatus =
  | {
    available: true;
    path: string;
    /** e.g. "1.1.5+ds1" */
    version: string;
    commit?: string | undefined;
    /** OCI runtime-spec version runc implements, e.g. "1.0.2-dev". */
    specVersion?: string | undefined;
  }
  | {
    available: false;
    reason: 'NotInstalled' | 'NotRunnable';
    /** Says what to do; the node agent puts it in the NotReady condition. */
    message: string;
    path?: string | undefined;
  };

export interface DetectRuncOptions {
  /** Explicit runc binary (config flag); searched before $PATH. */
  path?: string | undefined;
  /** $PATH to search; default process.env.PATH. */
  searchPath?: string | undefined;
  /** Paths tried after $PATH; default RUNC_FALLBACK_PATHS. */
  fallbacks?: string[] | undefined;
  timeoutMs?: number | undefined;
}

export async function detectRunc(options: DetectRuncOptions = {}): Promise<RuncStatus> {
  const path = findRunc(options);
  if (path === undefined) {
    return {
      available: false,
      reason: 'NotInstalled',
      message: `runc is not installed; install it with: ${RUNC_INSTALL_HINT}`,
    };
  }
  try {
    const out = await new Promise<string>((resolve, reject) => {
      execFile(path, ['--version'], { timeout: options.timeoutMs ?? 10_000 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
    });
    const version = /^runc version (\S+)/m.exec(out)?.[1];
    if (version === undefined) throw new Error(`unexpected output of ${path} --version: ${out.trim().slice(0, 200)}`);
    return {
      available: true,
      path,
      version,
      commit: /^commit: (\S+)/m.exec(out)?.[1],
      specVersion: /^spec: (\S+)/m.exec(out)?.[1],
    };
  } catch (err) {
    return {
      available: false,
      reason: 'NotRunnable',
      path,
      message: `runc at ${path} does not run (${(err as Error).message.split('\n')[0]}); ` +
        `reinstall it with: apt-get install --reinstall runc`,
    };
  }
}

/** First executable runc: the explicit path, then $PATH, then the usual install locations. */
export function findRunc(options: DetectRuncOptions = {}): string | undefined {
  const searchPath = options.searchPath ?? process.env.PATH ?? '';
  const candidates = [
    ...(options.path === undefined ? [] : [options.path]),
    ...searchPath.split(delimiter).filter((d) => d.startsWith('/')).map((d) => join(d, 'runc')),
    ...(options.fallbacks ?? RUNC_FALLBACK_PATHS),
  ];
  return candidates.find(isExecutableFile);
}

function isExecutableFile(p: string): boolean {
  try {
    if (!statSync(p).isFile()) return false;
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
