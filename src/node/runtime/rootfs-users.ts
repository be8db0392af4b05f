// The UserDb of a prepared rootfs: its /etc/passwd and /etc/group, read without ever leaving the
// rootfs through a symlink. Images without these files (scratch, distroless static) resolve only
// numeric users.

import { readFileInRoot } from './safe-path.ts';
import { parseGroup, parsePasswd, userDbFrom } from './user-spec.ts';
import type { UserDb } from './user-spec.ts';

export function rootfsUserDb(rootfs: string): UserDb {
  return userDbFrom(parsePasswd(readFileInRoot(rootfs, '/etc/passwd') ?? ''), parseGroup(readFileInRoot(rootfs, '/etc/group') ?? ''));
}
