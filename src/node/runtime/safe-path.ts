// Resolving a path inside a container rootfs as the container would see it: symlinks are followed
// with the rootfs as `/`, so an image's `/etc/passwd -> /host/secret` or `../../..` can never reach
// a host file (the same idea as github.com/cyphar/filepath-securejoin, used by runc).

import { lstatSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { RuntimeError, RuntimeErrorCode } from './errors.ts';

const MAX_LINKS = 40; // Linux's MAXSYMLINKS

/** Host path of `containerPath` in `root`, symlinks resolved inside `root`; missing tails are kept. */
export function resolveInRoot(root: string, containerPath: string): string {
  const done: string[] = [];
  let todo = containerPath.split('/').filter((c) => c !== '' && c !== '.');
  let links = 0;
  while (todo.length > 0) {
    const c = todo.shift() as string;
    if (c === '..') {
      done.pop(); // `..` at the root stays at the root
      continue;
    }
    const host = join(root, ...done, c);
    let isLink = false;
    try {
      isLink = lstatSync(host).isSymbolicLink();
    } catch {
      // Missing: nothing below it can be a link either.
      return join(root, ...done, c, ...todo);
    }
    if (!isLink) {
      done.push(c);
      continue;
    }
    if (++links > MAX_LINKS) throw new RuntimeError(RuntimeErrorCode.UnsafePath, `too many levels of symbolic links at /${[...done, c].join('/')}`);
    const target = readlinkSync(host);
    if (target.startsWith('/')) done.length = 0;
    todo = [...target.split('/').filter((x) => x !== '' && x !== '.'), ...todo];
  }
  return join(root, ...done);
}

/** Contents of a regular file of the rootfs, or undefined if it is missing or not a regular file. */
export function readFileInRoot(root: string, containerPath: string): string | undefined {
  const p = resolveInRoot(root, containerPath);
  try {
    if (!lstatSync(p).isFile()) return undefined;
    return readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
}
