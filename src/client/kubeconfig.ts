// Connection settings from a kubeconfig file (the context's cluster and user) or from a pod's
// service account, as client-go's clientcmd and rest.InClusterConfig read them. Relative file paths
// in a kubeconfig are relative to the file. Exec and auth-provider plugins are not supported.
// https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ClientError, ClientErrorCode } from './errors.ts';
import type { ClientOptions } from './transport.ts';

type Entry = Record<string, unknown>;

function invalid(message: string, cause?: unknown): ClientError {
  return new ClientError(ClientErrorCode.InvalidKubeconfig, message, cause === undefined ? undefined : { cause });
}

function named(config: Entry, list: string, field: string, name: string, path: string): Entry {
  const entries = Array.isArray(config[list]) ? (config[list] as Entry[]) : [];
  const entry = entries.find((e) => typeof e === 'object' && e !== null && e['name'] === name);
  const body = entry?.[field];
  if (typeof body !== 'object' || body === null) throw invalid(`${path}: no ${field} named ${JSON.stringify(name)}`);
  return body as Entry;
}

function str(entry: Entry, key: string): string | undefined {
  const value = entry[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Inline `*-data` (base64) wins over the file it names, as in clientcmd. */
function material(entry: Entry, key: string, base: string): Buffer | undefined {
  const data = str(entry, `${key}-data`);
  if (data !== undefined) return Buffer.from(data, 'base64');
  const file = str(entry, key);
  if (file === undefined) return undefined;
  return readFileSync(isAbsolute(file) ? file : join(base, file));
}

/** `$KUBECONFIG`'s first existing file, else `~/.kube/config`. */
export function defaultKubeconfigPath(): string {
  const fromEnv = (process.env['KUBECONFIG'] ?? '').split(':').filter((p) => p !== '');
  return fromEnv.find((p) => existsSync(p)) ?? join(homedir(), '.kube', 'config');
}

export function loadKubeconfig(path: string = defaultKubeconfigPath(), context?: string): ClientOptions {
  let config: Entry;
  try {
    const parsed: unknown = parseYaml(readFileSync(path, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null) throw invalid(`${path}: not a kubeconfig`);
    config = parsed as Entry;
  } catch (error) {
    if (error instanceof ClientError) throw error;
    throw invalid(`${path}: cannot read the kubeconfig: ${(error as Error).message}`, error);
  }
  const contextName = context ?? str(config, 'current-context');
  if (contextName === undefined) throw invalid(`${path}: no context given and no current-context`);
  const ctx = named(config, 'contexts', 'context', contextName, path);
  const clusterName = str(ctx, 'cluster');
  if (clusterName === undefined) throw invalid(`${path}: context ${JSON.stringify(contextName)} names no cluster`);
  const cluster = named(config, 'clusters', 'cluster', clusterName, path);
  const userName = str(ctx, 'user');
  const user = userName === undefined ? {} : named(config, 'users', 'user', userName, path);
  const server = str(cluster, 'server');
  if (server === undefined) throw invalid(`${path}: cluster ${JSON.stringify(clusterName)} has no server`);
  if (user['exec'] !== undefined || user['auth-provider'] !== undefined) {
    throw invalid(`${path}: user ${JSON.stringify(userName)} uses a credential plugin, which this client does not run`);
  }
  const base = dirname(path);
  const options: ClientOptions = { server, namespace: str(ctx, 'namespace') ?? 'default' };
  const ca = material(cluster, 'certificate-authority', base);
  if (ca !== undefined) options.ca = ca;
  if (cluster['insecure-skip-tls-verify'] === true) options.insecureSkipTlsVerify = true;
  const serverName = str(cluster, 'tls-server-name');
  if (serverName !== undefined) options.tlsServerName = serverName;
  const cert = material(user, 'client-certificate', base);
  const key = material(user, 'client-key', base);
  if (cert !== undefined) options.clientCert = cert;
  if (key !== undefined) options.clientKey = key;
  const token = str(user, 'token');
  const tokenFile = str(user, 'tokenFile');
  if (token !== undefined) options.token = token;
  else if (tokenFile !== undefined) options.tokenFile = isAbsolute(tokenFile) ? tokenFile : join(base, tokenFile);
  const username = str(user, 'username');
  if (username !== undefined) {
    options.username = username;
    options.password = str(user, 'password') ?? '';
  }
  return options;
}

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** rest.InClusterConfig: the API server's service address and the pod's service-account token. */
export function loadInClusterConfig(dir: string = SERVICE_ACCOUNT_DIR): ClientOptions {
  const host = process.env['KUBERNETES_SERVICE_HOST'];
  const port = process.env['KUBERNETES_SERVICE_PORT'];
  if (host === undefined || port === undefined) throw invalid('not running in a pod: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are unset');
  const namespaceFile = join(dir, 'namespace');
  return {
    server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    tokenFile: join(dir, 'token'),
    ca: readFileSync(join(dir, 'ca.crt')),
    namespace: existsSync(namespaceFile) ? readFileSync(namespaceFile, 'utf8').trim() : 'default',
  };
}
