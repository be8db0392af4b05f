// Reads one --auth-file: a docker config.json / .dockerconfigjson, a legacy .dockercfg map, or a
// Kubernetes Secret manifest (JSON or YAML) of type kubernetes.io/dockerconfigjson or
// kubernetes.io/dockercfg, so `kubectl get secret regcred -o yaml > f` works as is.
// The result goes to Keyring.add(). Errors name the file and the problem, never the contents:
// parser messages are not passed on because they may quote the text around the error.

import { Buffer } from 'node:buffer';
import { open } from 'node:fs/promises';
import { ErrorCode, ImageError } from '../image/errors.ts';

/** The API server caps a Secret at 1 MiB; no legitimate auth file is larger. */
export const MAX_AUTH_FILE_BYTES = 1024 * 1024;
// YAML aliases can expand exponentially ("billion laughs"); a credential file needs none.
const MAX_YAML_ALIASES = 0;
const READ_CHUNK_BYTES = 64 * 1024;

const SECRET_KEYS: Record<string, string> = {
  'kubernetes.io/dockerconfigjson': '.dockerconfigjson',
  'kubernetes.io/dockercfg': '.dockercfg',
};

/**
 * Loads an auth file and returns a document for Keyring.add(): a docker config as written, or a
 * Secret's payload as `{"auths": {...}}`. Throws ImageError INVALID_ARGUMENT when the file cannot
 * be read and INVALID_CREDENTIALS when its contents are not a usable credential document.
 */
export async function loadAuthFile(path: string): Promise<Record<string, unknown>> {
  const label = `auth file ${JSON.stringify(path)}`;
  const fail = (problem: string): ImageError => new ImageError(ErrorCode.InvalidCredentials, `${label} ${problem}`);
  const text = (await readLimited(path, label)).replace(/^\uFEFF/, '');
  if (text.trim() === '') throw fail('is empty; expected a docker config.json or a Kubernetes Secret');

  const doc = await parseJsonOrYaml(text, (problem) => fail(`is neither valid JSON nor valid YAML: ${problem}`));
  if (!isObject(doc)) {
    throw fail(`must hold an object (a docker config.json or a Kubernetes Secret), not ${describeType(doc)}`);
  }
  if (doc['kind'] === undefined) return doc;
  if (doc['kind'] !== 'Secret') {
    throw fail(`is a Kubernetes ${JSON.stringify(doc['kind'])}; expected a Secret of type kubernetes.io/dockerconfigjson`);
  }
  return secretPayload(doc, fail);
}

function secretPayload(secret: Record<string, unknown>, fail: (problem: string) => ImageError): Record<string, unknown> {
  const metadata = isObject(secret['metadata']) ? secret['metadata'] : {};
  const name = [metadata['namespace'], metadata['name']].filter((part) => typeof part === 'string').join('/');
  const what = name === '' ? 'holds a Secret that' : `holds Secret ${JSON.stringify(name)}, which`;
  const type = secret['type'] ?? 'Opaque';
  const key = typeof type === 'string' ? SECRET_KEYS[type] : undefined;
  if (key === undefined) {
    throw fail(
      `${what} has type ${JSON.stringify(type)}; image pull secrets have type kubernetes.io/dockerconfigjson ` +
        '(key .dockerconfigjson) or kubernetes.io/dockercfg (key .dockercfg)',
    );
  }

  // Like the API server, stringData overrides data for the same key.
  const stringData = isObject(secret['stringData']) ? secret['stringData'] : {};
  const data = isObject(secret['data']) ? secret['data'] : {};
  let payload: string;
  if (typeof stringData[key] === 'string') {
    payload = stringData[key];
  } else if (typeof data[key] === 'string') {
    const decoded = decodeStrictBase64(data[key]);
    if (decoded === undefined) throw fail(`${what} has data["${key}"] that is not valid base64`);
    payload = decoded;
  } else {
    throw fail(`${what} has no data["${key}"] (nor stringData["${key}"]), which a ${type} Secret needs`);
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    throw fail(`${what} has a ${key} that is not valid JSON`);
  }
  if (!isObject(parsed)) throw fail(`${what} has a ${key} that is ${describeType(parsed)}, not a JSON object`);
  if (key === '.dockercfg') return { auths: parsed };
  if (!isObject(parsed['auths'])) {
    throw fail(
      `${what} has a .dockerconfigjson without an "auths" object; ` +
        'a legacy map of registries belongs in a kubernetes.io/dockercfg Secret',
    );
  }
  return { auths: parsed['auths'] };
}

async function readLimited(path: string, label: string): Promise<string> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw readError(err, label);
  }
  try {
    // Read in chunks rather than trusting stat(): the file may be a pipe, as with `<(kubectl ...)`.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const { bytesRead, buffer } = await handle.read(Buffer.alloc(READ_CHUNK_BYTES), 0, READ_CHUNK_BYTES, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > MAX_AUTH_FILE_BYTES) {
        throw new ImageError(
          ErrorCode.InvalidCredentials,
          `${label} is larger than ${MAX_AUTH_FILE_BYTES} bytes; is it really a docker config or a Secret?`,
        );
      }
      chunks.push(buffer.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks).toString('utf8');
  } catch (err) {
    if (err instanceof ImageError) throw err;
    throw readError(err, label);
  } finally {
    await handle.close();
  }
}

function readError(err: unknown, label: string): ImageError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const reason =
    code === 'ENOENT' ? 'does not exist; check the path'
    : code === 'EACCES' || code === 'EPERM' ? 'is not readable by this user; check its permissions'
    : code === 'EISDIR' ? 'is a directory; give the path of the config.json or Secret file inside it'
    : `cannot be read (${code ?? 'unknown error'})`;
  return new ImageError(ErrorCode.InvalidArgument, `${label} ${reason}`, { cause: err });
}

async function parseJsonOrYaml(text: string, fail: (problem: string) => ImageError): Promise<unknown> {
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON: YAML 1.2 is a superset, so it also gives a position for broken JSON.
  }
  // Loaded only for YAML files: most auth files are JSON, and every command start pays for imports.
  const { parseDocument } = await import('yaml');
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const error = doc.errors[0];
  if (error !== undefined) {
    const [line, column] = lineAndColumn(text, error.pos[0]);
    throw fail(`${error.code} at line ${line}, column ${column}`);
  }
  try {
    return doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch {
    throw fail('it uses YAML aliases, which an auth file does not need');
  }
}

function lineAndColumn(text: string, offset: number): [number, number] {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return [line, offset - before.lastIndexOf('\n')];
}

/** Base64 as Go's encoding/json reads []byte: padded standard alphabet, line breaks ignored. */
function decodeStrictBase64(text: string): string | undefined {
  const clean = text.replace(/[\r\n]/g, '');
  if (clean.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) return undefined;
  return Buffer.from(clean, 'base64').toString('utf8');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}
