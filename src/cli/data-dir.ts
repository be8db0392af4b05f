import { homedir } from 'node:os';
import { join } from 'node:path';

/** `--data-dir`, else $FERRY_DATA_DIR, else the per-user data directory (XDG base directory spec). */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FERRY_DATA_DIR) return env.FERRY_DATA_DIR;
  const base = env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(base, 'ferry');
}
