// The Create Secret dialog's logic: the seed's fields (Name, Secret Type, Image Repository
// Address, Username, Password), checked by the server's own rules, and the Secret it creates.
import { secretKind } from '../../api/kinds/secret.ts';
import type { KubeObject as ApiObject } from '../../api/object.ts';
import { encodeBase64Utf8 } from '../../api/validation/base64.ts';
import { isDNS1123Subdomain } from '../../api/validation/names.ts';
import type { KubeObject } from '../api/client.ts';
import { fromFieldErrors, mapFieldErrors } from './field-errors.ts';
import type { FormErrors, PathRule } from './field-errors.ts';

export const DOCKER_CONFIG_JSON = 'kubernetes.io/dockerconfigjson';
export const OPAQUE = 'Opaque';
export type SecretType = typeof DOCKER_CONFIG_JSON | typeof OPAQUE;

export interface KeyValue {
  key: string;
  value: string;
}

export interface SecretFormValues {
  name: string;
  namespace: string;
  type: SecretType;
  server: string;
  username: string;
  password: string;
  email: string;
  /** Opaque secrets: the data entries. */
  entries: KeyValue[];
}

export function emptySecretForm(namespace: string): SecretFormValues {
  return { name: '', namespace, type: DOCKER_CONFIG_JSON, server: '', username: '', password: '', email: '', entries: [{ key: '', value: '' }] };
}

/** The name rule the server applies (DNS-1123 subdomain), worded for the field. */
export function nameProblem(name: string): string | undefined {
  if (name === '') return 'Enter a name.';
  const problems = isDNS1123Subdomain(name);
  return problems.length === 0 ? undefined : `Invalid name: ${problems.join('; ')}`;
}

/**
 * `.dockerconfigjson` byte for byte as `kubectl create secret docker-registry` writes it: keys in
 * the order username, password, email (left out when empty), auth = base64("user:password").
 */
export function dockerConfigJson(server: string, username: string, password: string, email: string): string {
  const entry: Record<string, string> = { username, password };
  if (email !== '') entry['email'] = email;
  entry['auth'] = encodeBase64Utf8(`${username}:${password}`);
  return goJson({ auths: { [server]: entry } });
}

// Go's json.Marshal also escapes these, so the bytes equal kubectl's.
const GO_ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => GO_ESCAPES[c] ?? c);
}

export function buildSecret(v: SecretFormValues): KubeObject {
  const data: Record<string, string> = {};
  if (v.type === DOCKER_CONFIG_JSON) {
    data['.dockerconfigjson'] = encodeBase64Utf8(dockerConfigJson(v.server.trim(), v.username, v.password, v.email.trim()));
  } else {
    for (const { key, value } of v.entries) if (key.trim() !== '') data[key.trim()] = encodeBase64Utf8(value);
  }
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name: v.name, namespace: v.namespace }, type: v.type, data };
}

const RULES: PathRule[] = [
  { path: 'metadata.name', field: 'name' },
  { path: 'metadata.namespace', field: 'namespace' },
  { path: 'type', field: 'type' },
  { path: 'data[.dockerconfigjson]', field: 'server' },
  { path: 'data', field: 'entries' },
  { path: 'data[', field: 'entries' },
];

/** Errors keyed by field: the fields the seed requires, then the server's whole Secret validation. */
export function validateSecretForm(v: SecretFormValues): FormErrors {
  const errors: FormErrors = {};
  const name = nameProblem(v.name);
  if (name !== undefined) errors['name'] = name;
  if (v.type === DOCKER_CONFIG_JSON) {
    if (v.server.trim() === '') errors['server'] = 'Enter the image repository address, e.g. registry.example.com:5000.';
    else if (/\s/.test(v.server.trim())) errors['server'] = 'The address has no spaces: host or host:port, e.g. registry.example.com:5000.';
    if (v.username === '') errors['username'] = 'Enter the username for the image repository.';
    if (v.password === '') errors['password'] = 'Enter the password for the image repository.';
  } else {
    const keys = v.entries.map((e) => e.key.trim()).filter((k) => k !== '');
    if (keys.length === 0) errors['entries'] = 'Add at least one key.';
    else if (new Set(keys).size !== keys.length) errors['entries'] = 'Each key may appear once.';
  }
  const object = buildSecret(v) as unknown as ApiObject;
  secretKind.defaults(object);
  const server = fromFieldErrors(secretKind.validate(object), RULES);
  for (const [k, msg] of Object.entries(server)) if (errors[k] === undefined) errors[k] = msg;
  return errors;
}

/** A 422's causes, on the dialog's fields. */
export function secretServerErrors(causes: readonly { field?: string; message: string }[]): FormErrors {
  return mapFieldErrors(causes, RULES);
}
