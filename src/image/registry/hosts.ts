// Which endpoints to ask for a registry, and how to reach each: containerd's certs.d layout,
// read at every pull so that a CA dropped into the directory works without a restart
// (https://github.com/containerd/containerd/blob/main/docs/hosts.md).
//
//   <certsDir>/<host[:port]>/hosts.toml   server, [host."<url>"] mirrors, capabilities, ca, client,
//                                         skip_verify, override_path, [header]
//   <certsDir>/<host[:port]>/*.crt        extra CAs (Docker style; also honoured beside a hosts.toml)
//   <certsDir>/<host[:port]>/*.cert+*.key client certificate pairs (Docker style)
//   <certsDir>/_default/...               used when the host has no directory of its own
import { readdir, readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { ErrorCode, ImageError } from '../errors.ts';
import { hostListMatches } from './host-list.ts';

export interface RegistrySettings {
  /** Registries reached over plain HTTP (annotation syntax: host, host:port, *.domain). */
  plainHttp?: readonly string[];
  /** Registries reached over HTTPS without certificate verification (and HTTP if they only speak that). */
  insecure?: readonly string[];
  /** containerd-style certs.d directory. */
  certsDir?: string;
}

export interface TlsOptions {
  /** Extra CA certificates (PEM), trusted in addition to the system and Node's bundled roots. */
  ca: string[];
  cert?: string;
  key?: string;
  verify: boolean;
}

export interface Capabilities {
  pull: boolean;
  resolve: boolean;
  push: boolean;
}

export interface RegistryEndpoint {
  scheme: 'http' | 'https';
  /** host[:port] to connect to. */
  host: string;
  /** Path of the API root, `/v2` unless hosts.toml says `override_path`. */
  apiRoot: string;
  capabilities: Capabilities;
  tls: TlsOptions;
  headers: Record<string, string>;
  /** A mirror (not the registry named in the image): requests carry `?ns=<registry>`. */
  mirror: boolean;
  /** When HTTPS meets a plain-HTTP server, try HTTP (insecure registries only). */
  httpFallback: boolean;
  /** Where these settings came from, for error messages. */
  source: string;
}

// Docker Hub's API is not served at the name people write in references.
const DOCKER_HUB_API_HOST = 'registry-1.docker.io';
const ALL_CAPABILITIES: Capabilities = { pull: true, resolve: true, push: true };

interface HostFile {
  server?: string;
  capabilities?: string[];
  ca?: string | string[];
  client?: string | (string | string[])[];
  skip_verify?: boolean;
  override_path?: boolean;
  header?: Record<string, string | string[]>;
  host?: Record<string, Omit<HostFile, 'host' | 'server'>>;
}

export async function resolveEndpoints(registry: string, settings: RegistrySettings = {}): Promise<RegistryEndpoint[]> {
  const plain = hostListMatches(settings.plainHttp ?? [], registry);
  const insecure = hostListMatches(settings.insecure ?? [], registry);
  const dir = settings.certsDir === undefined ? undefined : await hostDirectory(settings.certsDir, registry);
  const files = dir === undefined ? { cas: [], clients: [] } : await dockerStyleFiles(dir);
  const hostFile = dir === undefined ? undefined : await readHostFile(dir);

  const defaultHost = registry === 'docker.io' ? DOCKER_HUB_API_HOST : registry;
  const base = (scheme: 'http' | 'https', host: string, source: string): RegistryEndpoint => ({
    scheme: plain ? 'http' : scheme,
    host,
    apiRoot: '/v2',
    capabilities: { ...ALL_CAPABILITIES },
    tls: { ca: [...files.cas], ...files.clients[0], verify: !insecure },
    headers: {},
    mirror: false,
    httpFallback: insecure && !plain,
    source,
  });

  if (hostFile === undefined || dir === undefined) {
    return [base('https', defaultHost, dir ?? 'defaults')];
  }
  const source = join(dir, 'hosts.toml');
  const endpoints: RegistryEndpoint[] = [];
  for (const [url, entry] of Object.entries(hostFile.host ?? {})) {
    endpoints.push(await fromEntry(url, entry, base, dir, registry, source));
  }
  const server = hostFile.server ?? `https://${defaultHost}`;
  endpoints.push(await fromEntry(server, hostFile, base, dir, registry, source));
  return endpoints;
}

async function fromEntry(
  url: string,
  entry: Omit<HostFile, 'host' | 'server'>,
  base: (scheme: 'http' | 'https', host: string, source: string) => RegistryEndpoint,
  dir: string,
  registry: string,
  source: string,
): Promise<RegistryEndpoint> {
  const parsed = parseEndpointUrl(url, source);
  const ep = base(parsed.scheme, parsed.host, source);
  if (parsed.scheme === 'http') ep.scheme = 'http';
  ep.apiRoot = entry.override_path === true ? parsed.path || '/' : `${parsed.path}/v2`;
  // URL parsing lowercases the host; a reference may spell the registry with capitals.
  const name = registry.toLowerCase();
  ep.mirror = parsed.host !== name && !(name === 'docker.io' && parsed.host === DOCKER_HUB_API_HOST);
  if (entry.capabilities !== undefined) {
    const caps = entry.capabilities.map((c) => c.toLowerCase());
    ep.capabilities = { pull: caps.includes('pull'), resolve: caps.includes('resolve'), push: caps.includes('push') };
  }
  if (entry.skip_verify === true) {
    ep.tls.verify = false;
  }
  for (const ca of toList(entry.ca)) ep.tls.ca.push(await readPem(resolvePath(dir, ca), source));
  const [cert, key = cert] = clientPair(entry.client) ?? [];
  if (cert !== undefined && key !== undefined) {
    ep.tls.cert = await readPem(resolvePath(dir, cert), source);
    ep.tls.key = await readPem(resolvePath(dir, key), source);
  }
  for (const [name, value] of Object.entries(entry.header ?? {})) {
    ep.headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return ep;
}

function parseEndpointUrl(url: string, source: string): { scheme: 'http' | 'https'; host: string; path: string } {
  const withScheme = /^[a-z]+:\/\//i.test(url) ? url : `https://${url}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    throw new ImageError(ErrorCode.InvalidArgument, `${source}: invalid host URL "${url}"`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new ImageError(ErrorCode.InvalidArgument, `${source}: host URL "${url}" must use http or https`);
  }
  return { scheme: u.protocol === 'http:' ? 'http' : 'https', host: u.host, path: u.pathname.replace(/\/+$/, '') };
}

function clientPair(client: HostFile['client']): string[] | undefined {
  if (client === undefined) return undefined;
  if (typeof client === 'string') return [client];
  const first = client[0];
  if (first === undefined) return undefined;
  return typeof first === 'string' ? [first] : first;
}

function toList(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : typeof v === 'string' ? [v] : v;
}

function resolvePath(dir: string, p: string): string {
  return isAbsolute(p) ? p : join(dir, p);
}

async function readPem(path: string, source: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new ImageError(ErrorCode.InvalidArgument, `${source}: cannot read "${path}": ${(err as Error).message}`, { cause: err });
  }
}

async function hostDirectory(certsDir: string, registry: string): Promise<string | undefined> {
  for (const name of [registry, '_default']) {
    const dir = join(certsDir, name);
    try {
      await readdir(dir);
      return dir;
    } catch {
      // Not configured: fall through to the next candidate.
    }
  }
  return undefined;
}

async function readHostFile(dir: string): Promise<HostFile | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, 'hosts.toml'), 'utf8');
  } catch (err) {
    // Only absence means "Docker-style directory"; an unreadable file must not be skipped silently.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ImageError(ErrorCode.InvalidArgument, `cannot read ${join(dir, 'hosts.toml')}: ${(err as Error).message}`, { cause: err });
  }
  // Loaded only here: most pulls have no hosts.toml, and the parser is ~5-15 ms of a CLI start.
  const { parse: parseToml } = await import('smol-toml');
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text);
  } catch (err) {
    throw new ImageError(ErrorCode.InvalidArgument, `${join(dir, 'hosts.toml')}: ${(err as Error).message}`, { cause: err });
  }
  return checkHostFile(doc, join(dir, 'hosts.toml'));
}

// TOML gives any shape: a value of the wrong type must fail here, naming the file and the key,
// rather than as a TypeError (or a silently wrong endpoint) later.
function checkHostFile(doc: Record<string, unknown>, file: string): HostFile {
  const bad = (key: string, want: string): never => {
    throw new ImageError(ErrorCode.InvalidArgument, `${file}: "${key}" ${want}`);
  };
  const check = (e: Record<string, unknown>, at: string): void => {
    const caps = e.capabilities;
    if (caps !== undefined && !isStringList(caps)) bad(`${at}capabilities`, 'must be a list of strings');
    for (const c of isStringList(caps) ? caps : []) {
      if (!['pull', 'resolve', 'push'].includes(c.toLowerCase())) bad(`${at}capabilities`, `has unknown value "${c}": expected pull, resolve or push`);
    }
    if (e.ca !== undefined && typeof e.ca !== 'string' && !isStringList(e.ca)) bad(`${at}ca`, 'must be a path or a list of paths');
    const client = e.client;
    const pairOk = (c: unknown): boolean => typeof c === 'string' || (isStringList(c) && c.length >= 1 && c.length <= 2);
    if (client !== undefined && typeof client !== 'string' && !(Array.isArray(client) && client.every(pairOk))) {
      bad(`${at}client`, 'must be a path, or a list of paths and [cert, key] pairs');
    }
    for (const key of ['skip_verify', 'override_path']) {
      if (e[key] !== undefined && typeof e[key] !== 'boolean') bad(`${at}${key}`, 'must be true or false');
    }
    const header = e.header;
    if (header !== undefined && !(isTable(header) && Object.values(header).every((v) => typeof v === 'string' || isStringList(v)))) {
      bad(`${at}header`, 'must be a table of strings or lists of strings');
    }
  };
  if (doc.server !== undefined && typeof doc.server !== 'string') bad('server', 'must be a URL string');
  check(doc, '');
  if (doc.host !== undefined && !isTable(doc.host)) bad('host', 'must be [host."<url>"] tables');
  for (const [url, entry] of Object.entries(isTable(doc.host) ? doc.host : {})) {
    if (!isTable(entry)) bad(`host."${url}"`, 'must be a table');
    else check(entry, `host."${url}".`);
  }
  return doc as HostFile;
}

function isTable(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

function isStringList(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

async function dockerStyleFiles(dir: string): Promise<{ cas: string[]; clients: { cert: string; key: string }[] }> {
  const names = (await readdir(dir)).sort();
  const cas: string[] = [];
  const clients: { cert: string; key: string }[] = [];
  for (const name of names) {
    if (name.endsWith('.crt')) cas.push(await readPem(join(dir, name), dir));
    if (name.endsWith('.cert')) {
      const keyName = `${name.slice(0, -'.cert'.length)}.key`;
      if (!names.includes(keyName)) {
        throw new ImageError(ErrorCode.InvalidArgument, `${join(dir, name)} has no matching key file ${keyName}`);
      }
      clients.push({ cert: await readPem(join(dir, name), dir), key: await readPem(join(dir, keyName), dir) });
    }
  }
  return { cas, clients };
}
