// Small fs helpers shared by the snapshot store and materialize.

import { randomBytes } from 'node:crypto';
import { chmod, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** Suffix for temporary siblings: `<target>.tmp-<random>`. */
export function tempSuffix(): string {
  return randomBytes(6).toString('hex');
}

/**
 * Deletes a tree. Layers may contain directories without owner write permission (0555); as non-root
 * those cannot be emptied, so on EACCES/EPERM the tree is made writable and the removal retried.
 */
export async function removeTree(path: string): Promise<void> {
  try {
    await rm(path, { recursive: true, force: true, maxRetries: 2 });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM') throw err;
    await makeWritable(path);
    await rm(path, { recursive: true, force: true, maxRetries: 2 });
  }
}

async function makeWritable(dir: string): Promise<void> {
  await chmod(dir, 0o700).catch(() => {});
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) if (e.isDirectory()) await makeWritable(join(dir, e.name));
}
