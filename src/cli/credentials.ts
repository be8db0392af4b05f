// Credentials for `ferry pull`: every --auth-file (docker config, dockerconfigjson or a
// Kubernetes Secret manifest), else the user's docker config.json, including its credential
// helpers (credHelpers / credsStore), as `docker pull` would use it.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { loadAuthFile } from './auth-file.ts';
import type { Credential } from '../image/credential.ts';
import { dockerConfigCredentials } from '../image/credential-helpers.ts';
import { Keyring } from '../image/keyring.ts';
import type { Reference } from '../image/reference.ts';

export async function credentialsFor(ref: Reference, authFiles: string[], env: NodeJS.ProcessEnv = process.env): Promise<Credential[]> {
  if (authFiles.length > 0) {
    const keyring = new Keyring();
    for (const f of authFiles) keyring.add(await loadAuthFile(f));
    return keyring.lookup(ref);
  }
  const path = join(env.DOCKER_CONFIG ?? join(homedir(), '.docker'), 'config.json');
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return [];
  }
  const fromHelper = await dockerConfigCredentials(config, ref.registry);
  if (fromHelper !== undefined) return [fromHelper];
  return Keyring.fromDockerConfigs([config]).lookup(ref);
}
