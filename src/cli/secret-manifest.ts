// The Secret `ferry secret generate` writes: the same kubernetes.io/dockerconfigjson payload as
// `kubectl create secret docker-registry`, byte for byte, so the kubelet, kubectl and Ferry's
// --auth-file all read it the same way.
// https://github.com/kubernetes/kubectl/blob/master/pkg/cmd/create/create_secret_docker.go

import { Buffer } from 'node:buffer';
import { isDNS1123Label, isDNS1123Subdomain } from '../api/validation/names.ts';
import { UsageError } from './usage.ts';

export interface RegistryLogin {
  server: string;
  username: string;
  password: string;
  /** Omitted from the payload when empty, as kubectl's `json:",omitempty"` does. */
  email: string;
}

export interface SecretSpec extends RegistryLogin {
  name: string;
  namespace: string;
}

export type OutputFormat = 'yaml' | 'json';

// Go's encoding/json escapes these (HTML safety, JS line separators); JSON.stringify does not.
const GO_EXTRA_ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/** JSON as Go's json.Marshal writes it, so the payload bytes equal kubectl's. */
function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => GO_EXTRA_ESCAPES[c] ?? c);
}

/** The `.dockerconfigjson` document (not yet base64-encoded). */
export function dockerConfigJson(login: RegistryLogin): string {
  const entry: Record<string, string> = { username: login.username, password: login.password };
  if (login.email !== '') entry['email'] = login.email;
  entry['auth'] = Buffer.from(`${login.username}:${login.password}`, 'utf8').toString('base64');
  return goJson({ auths: { [login.server]: entry } });
}

export function secretManifest(spec: SecretSpec): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: spec.name, namespace: spec.namespace },
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': Buffer.from(dockerConfigJson(spec), 'utf8').toString('base64') },
  };
}

export async function renderManifest(manifest: Record<string, unknown>, format: OutputFormat): Promise<string> {
  if (format === 'json') return `${JSON.stringify(manifest, null, 2)}\n`;
  // Loaded only when needed: every command start pays for its imports.
  const { stringify } = await import('yaml');
  // No line folding: a folded base64 value is still valid YAML, but it is harder to copy and grep.
  return stringify(manifest, { lineWidth: 0 });
}

export function validateName(name: string): void {
  const errs = isDNS1123Subdomain(name);
  if (errs.length > 0) {
    throw new UsageError(`--name ${JSON.stringify(name)} is not a valid Secret name: ${errs.join('; ')}; e.g. --name regcred`);
  }
}

export function validateNamespace(namespace: string): void {
  const errs = isDNS1123Label(namespace);
  if (errs.length > 0) {
    throw new UsageError(`--namespace ${JSON.stringify(namespace)} is not a valid namespace: ${errs.join('; ')}; e.g. --namespace default`);
  }
}

const HOST = /^(?:[A-Za-z0-9](?:[-A-Za-z0-9]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[-A-Za-z0-9]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?$/;
// Paths the kubelet and docker treat as the bare host (docker's legacy index URL ends in /v1/).
const HOST_EQUIVALENT_PATH = /^\/(?:v[12]\/?)?$/;

/**
 * `--server` as the key of the auths map: host[:port]. A scheme and a /v1/ or /v2/ suffix are
 * dropped (with a note), because the kubelet and Ferry ignore them when matching images; any
 * other path is refused, because it would silently limit the credential to one repository prefix.
 */
export function normalizeServer(input: string): { server: string; note?: string } {
  let rest = input.trim();
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(rest);
  if (scheme !== null) {
    if (!/^https?$/i.test(scheme[1] ?? '')) {
      throw new UsageError(`--server ${JSON.stringify(input)}: a registry is reached over https (or http), not ${scheme[1]}://; give host[:port]`);
    }
    rest = rest.slice(scheme[0].length);
  }
  const slash = rest.indexOf('/');
  const host = slash === -1 ? rest : rest.slice(0, slash);
  const path = slash === -1 ? '' : rest.slice(slash);
  if (path !== '' && !HOST_EQUIVALENT_PATH.test(path)) {
    throw new UsageError(
      `--server ${JSON.stringify(input)} has a path (${path}); give the registry as host[:port], e.g. --server ${host || 'registry.example.com'}`,
    );
  }
  const match = HOST.exec(host);
  const port = match?.[1] === undefined ? undefined : Number(match[1]);
  if (match === null || (port !== undefined && (port < 1 || port > 65535))) {
    throw new UsageError(`--server ${JSON.stringify(input)} is not a registry address; give host[:port], e.g. --server registry.example.com:5000`);
  }
  if (host === input) return { server: host };
  return { server: host, note: `--server: writing ${JSON.stringify(host)} (the scheme and /v1/ or /v2/ do not change which images the credential matches)` };
}
