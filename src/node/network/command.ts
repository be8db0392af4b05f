// The host tools pod networking drives (ip, iptables, tc): where they are, and one call of one,
// through the agent's spawn helper, failing with the tool's own words.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execFile } from '../spawn/spawner.ts';
import { NetworkError, NetworkErrorCode } from './errors.ts';

const TOOL_DIRS = ['/usr/sbin', '/sbin', '/usr/bin', '/bin'];

export function tool(name: string): string | undefined {
  return TOOL_DIRS.map((d) => join(d, name)).find((p) => existsSync(p));
}

export function run(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: 30_000 }, (err, stdout, stderr) => {
      if (err === null) resolve(stdout);
      else reject(new NetworkError(NetworkErrorCode.NetnsFailed, `${file} ${args.join(' ')}: ${(stderr || err.message).trim()}`));
    });
  });
}
