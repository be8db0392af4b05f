// Docker credential helpers named by ~/.docker/config.json: "credHelpers" per registry, else
// "credsStore" for all. Each is a program `docker-credential-<name>` that reads the server URL on
// stdin for `get` and prints {"ServerURL","Username","Secret"}.
// Protocol: https://github.com/docker/docker-credential-helpers (client/client.go, credentials/error.go)

import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import type { Credential } from './credential.ts';
import { ErrorCode, ImageError } from './errors.ts';

/** A keychain may wait on an unlock prompt; past this a pull fails instead of hanging. */
export const DEFAULT_HELPER_TIMEOUT_MS = 30_000;
// A helper prints one small JSON object; more than this is not a helper answering.
const MAX_HELPER_OUTPUT_BYTES = 1024 * 1024;
// Shown from a failing helper's output, so the user sees its reason but not pages of it.
const MAX_SHOWN_OUTPUT = 200;

/** Docker stores Hub credentials under the v1 index URL, and passes that URL to helpers. */
const DOCKER_HUB_SERVER_URL = 'https://index.docker.io/v1/';
const DOCKER_HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);
const NOT_FOUND_MESSAGE = 'credentials not found in native keychain';
/** A helper answers with this user name when the Secret is an identity (refresh) token. */
const TOKEN_USERNAME = '<token>';
const HELPER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export interface HelperResult {
  /** Exit code, or null when killed by a signal. */
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/**
 * Runs `program args` with `input` on stdin. Rejects with the spawn error (code ENOENT) when the
 * program does not exist; a non-zero exit or a timeout resolves.
 */
export type HelperRunner = (
  program: string,
  args: readonly string[],
  input: string,
  options: { timeoutMs: number },
) => Promise<HelperResult>;

export interface CredentialHelperOptions {
  runner?: HelperRunner;
  timeoutMs?: number;
}

export interface ConfiguredHelper {
  /** Program name, e.g. `docker-credential-desktop`. */
  program: string;
  setting: 'credHelpers' | 'credsStore';
  /** What the helper is asked for on stdin. */
  serverUrl: string;
}

/**
 * The helper a docker config names for `registryHost`, or undefined when it names none. Throws
 * ImageError INVALID_CREDENTIALS when the name is not a plain program-name suffix.
 */
export function configuredHelper(config: unknown, registryHost: string): ConfiguredHelper | undefined {
  if (typeof config !== 'object' || config === null) return undefined;
  const { credHelpers, credsStore } = config as { credHelpers?: unknown; credsStore?: unknown };
  const hub = DOCKER_HUB_HOSTS.has(registryHost);
  const serverUrl = hub ? DOCKER_HUB_SERVER_URL : registryHost;
  const keys = hub ? [registryHost, DOCKER_HUB_SERVER_URL, ...DOCKER_HUB_HOSTS] : [registryHost];
  if (typeof credHelpers === 'object' && credHelpers !== null) {
    for (const key of keys) {
      const name = Object.hasOwn(credHelpers, key) ? (credHelpers as Record<string, unknown>)[key] : undefined;
      if (typeof name === 'string' && name !== '') {
        return { program: programFor(name, `credHelpers[${JSON.stringify(key)}]`), setting: 'credHelpers', serverUrl };
      }
    }
  }
  if (typeof credsStore === 'string' && credsStore !== '') {
    return { program: programFor(credsStore, 'credsStore'), setting: 'credsStore', serverUrl };
  }
  return undefined;
}

/**
 * Credentials for `registryHost` from the helper `config` names for it. Undefined when the config
 * names no helper (use its "auths" through the Keyring instead) or the helper has nothing stored
 * for the registry. Throws ImageError INVALID_CREDENTIALS when the helper is missing, fails,
 * times out or answers nonsense.
 */
export async function dockerConfigCredentials(
  config: unknown,
  registryHost: string,
  options: CredentialHelperOptions = {},
): Promise<Credential | undefined> {
  const helper = configuredHelper(config, registryHost);
  if (helper === undefined) return undefined;
  const { program, setting, serverUrl } = helper;
  const timeoutMs = options.timeoutMs ?? DEFAULT_HELPER_TIMEOUT_MS;
  const fail = (problem: string, cause?: unknown): ImageError =>
    new ImageError(ErrorCode.InvalidCredentials, `credential helper "${program}" (${setting} in the docker config) ${problem}`, {
      registry: registryHost,
      cause,
    });

  let result: HelperResult;
  try {
    result = await (options.runner ?? runHelper)(program, ['get'], serverUrl, { timeoutMs });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw fail(`is not installed or not on PATH; install it, or remove "${setting}" from the docker config`, err);
    }
    throw fail(`could not be started: ${(err as Error).message}`, err);
  }
  if (result.timedOut) {
    throw fail(`gave no answer for ${registryHost} within ${timeoutMs} ms; check that it is not waiting for an unlock or a prompt`);
  }
  if (result.code !== 0) {
    if (result.stdout.trim() === NOT_FOUND_MESSAGE) return undefined;
    const said = shownOutput(result.stderr) ?? shownOutput(result.stdout);
    throw fail(
      `failed for ${registryHost} (${result.code === null ? 'killed' : `exit code ${result.code}`})` +
        `${said === undefined ? '' : `: ${said}`}; log in again with "docker login ${registryHost}"`,
    );
  }

  let answer: unknown;
  try {
    answer = JSON.parse(result.stdout);
  } catch {
    throw fail(`printed something other than JSON for ${registryHost}`);
  }
  const { Username: username, Secret: secret } = (answer ?? {}) as { Username?: unknown; Secret?: unknown };
  if (typeof answer !== 'object' || answer === null || typeof secret !== 'string' || (username !== undefined && typeof username !== 'string')) {
    throw fail(`did not answer with {"Username": "...", "Secret": "..."} for ${registryHost}`);
  }
  if (username === TOKEN_USERNAME) return secret === '' ? undefined : { identityToken: secret };
  const credential: Credential = {};
  if (username) credential.username = username;
  if (secret) credential.password = secret;
  return Object.keys(credential).length === 0 ? undefined : credential;
}

function programFor(name: string, setting: string): string {
  // A name with "/" would make spawn run a path of the config's choosing.
  if (!HELPER_NAME.test(name)) {
    throw new ImageError(
      ErrorCode.InvalidCredentials,
      `docker config ${setting} names credential helper ${JSON.stringify(name)}, which is not a valid helper name ` +
        '(letters, digits, ".", "_" and "-"; the program run is docker-credential-<name>)',
    );
  }
  return `docker-credential-${name}`;
}

/** The first line of a helper's output, if it is short text and not a JSON answer. */
function shownOutput(output: string): string | undefined {
  const line = output.trim().split('\n', 1)[0]?.trim() ?? '';
  if (line === '' || line.startsWith('{')) return undefined;
  return line.length > MAX_SHOWN_OUTPUT ? `${line.slice(0, MAX_SHOWN_OUTPUT)}...` : line;
}

/** The default HelperRunner: spawns without a shell, resolving as soon as the helper exits. */
export const runHelper: HelperRunner = (program, args, input, { timeoutMs }) =>
  new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: HelperResult | Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_HELPER_OUTPUT_BYTES) child.kill('SIGKILL');
      else into.push(chunk);
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      child.stdout.destroy();
      child.stderr.destroy();
      settle({ code: null, stdout: '', stderr: '', timedOut: true });
    }, timeoutMs);
    child.stdout.on('data', collect(out));
    child.stderr.on('data', collect(err));
    child.on('error', settle);
    // A helper that exits without reading stdin makes the write fail with EPIPE; its exit status says more.
    child.stdin.on('error', () => {});
    child.on('close', (code) => {
      settle({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), timedOut: false });
    });
    child.stdin.end(input);
  });
