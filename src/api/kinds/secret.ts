// core/v1 Secret. Image pull secrets (kubernetes.io/dockerconfigjson) are the reason Ferry
// exists, so their content is checked as kube-apiserver checks it, plus an `auths` object.
// https://github.com/kubernetes/kubernetes/blob/master/pkg/apis/core/validation/validation.go (ValidateSecret)
import type { FieldError, KindDefinition } from '../kind.ts';
import type { KubeObject } from '../object.ts';
import { forbidden, invalid, keyPath, required, tooLong } from '../validation/field-errors.ts';
import { isConfigMapKey } from '../validation/formats.ts';
import { encodeBase64Utf8 } from '../validation/base64.ts';
import { decodeGoBase64, unmarshalGoMap } from '../validation/go-json.ts';
import { semanticEqual, validateImmutableField } from '../validation/object-meta.ts';
import { AGE_COLUMN, NAME_COLUMN, STANDARD_VERBS, ageOf, column, nameOf, validateMeta } from './common.ts';
import { asObject, asString, ensureObject, setDefaultString } from './json-access.ts';

export const MAX_SECRET_SIZE = 1024 * 1024;
const REDACTED = '<secret contents redacted>';

/** Required keys per type; any one of `anyOf` is enough. */
const TYPE_KEYS: Record<string, { all?: string[]; anyOf?: string[] }> = {
  'kubernetes.io/dockercfg': { all: ['.dockercfg'] },
  'kubernetes.io/dockerconfigjson': { all: ['.dockerconfigjson'] },
  'kubernetes.io/basic-auth': { anyOf: ['username', 'password'] },
  'kubernetes.io/ssh-auth': { all: ['ssh-privatekey'] },
  'kubernetes.io/tls': { all: ['tls.crt', 'tls.key'] },
};

/** `stringData` is write-only: merged into `data` (base64), overriding it, then dropped. */
export function defaultSecret(secret: KubeObject): void {
  setDefaultString(secret, 'type', 'Opaque');
  const stringData = asObject(secret.stringData);
  if (stringData !== undefined) {
    const data = ensureObject(secret, 'data');
    for (const [k, v] of Object.entries(stringData)) {
      if (typeof v === 'string') data[k] = encodeBase64Utf8(v);
    }
  }
  delete secret.stringData;
}

export function validateSecretData(secret: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const data = asObject(secret.data) ?? {};
  const decoded = new Map<string, Uint8Array>();
  let total = 0;
  for (const [key, value] of Object.entries(data)) {
    const path = keyPath('data', key);
    for (const msg of isConfigMapKey(key)) errs.push(invalid(path, key, msg));
    const bytes = decodeGoBase64(typeof value === 'string' ? value : '');
    if (!bytes.ok) {
      errs.push(invalid(path, REDACTED, bytes.error));
      continue;
    }
    decoded.set(key, bytes.bytes);
    total += bytes.bytes.length;
  }
  if (total > MAX_SECRET_SIZE) errs.push(tooLong('data', MAX_SECRET_SIZE));

  const type = asString(secret.type) ?? '';
  const rule = TYPE_KEYS[type];
  if (rule?.all !== undefined) {
    const missing = rule.all.filter((k) => !Object.hasOwn(data, k));
    errs.push(...missing.map((k) => required(keyPath('data', k))));
    if (missing.length > 0) return errs;
  }
  if (rule?.anyOf !== undefined && !rule.anyOf.some((k) => Object.hasOwn(data, k))) {
    errs.push(...rule.anyOf.map((k) => required(keyPath('data', k))));
  }
  if (type === 'kubernetes.io/dockerconfigjson' || type === 'kubernetes.io/dockercfg') {
    const key = type === 'kubernetes.io/dockercfg' ? '.dockercfg' : '.dockerconfigjson';
    const bytes = decoded.get(key);
    if (bytes !== undefined) errs.push(...validateDockerConfig(bytes, key, type === 'kubernetes.io/dockerconfigjson'));
  }
  return errs;
}

function validateDockerConfig(bytes: Uint8Array, key: string, needsAuths: boolean): FieldError[] {
  const path = keyPath('data', key);
  const parsed = unmarshalGoMap(bytes);
  if (!parsed.ok) return [invalid(path, REDACTED, parsed.error)];
  // Kubernetes accepts any JSON object; without `auths` the kubelet silently finds no credentials.
  if (needsAuths && asObject(asObject(parsed.value)?.auths) === undefined) {
    return [invalid(path, REDACTED, 'a docker config must have an "auths" object')];
  }
  return [];
}

/**
 * A Secret or ConfigMap stored with `immutable: true` keeps that flag and its `fields` (the
 * contents) for good.
 */
export function validateImmutableContents(object: KubeObject, old: KubeObject, fields: string[]): FieldError[] {
  if (old.immutable !== true) return [];
  const detail = 'field is immutable when `immutable` is set';
  const errs: FieldError[] = [];
  if (object.immutable !== true) errs.push(forbidden('immutable', detail));
  for (const field of fields) if (!semanticEqual(object[field], old[field])) errs.push(forbidden(field, detail));
  return errs;
}

function validateSecretUpdate(secret: KubeObject, old: KubeObject): FieldError[] {
  const type = validateImmutableField(asString(secret.type) ?? '', asString(old.type) ?? '', 'type');
  return [...type, ...validateImmutableContents(secret, old, ['data'])];
}

function dataCount(object: KubeObject): number {
  return Object.keys(asObject(object.data) ?? {}).length;
}

export const secretKind: KindDefinition = {
  group: '',
  version: 'v1',
  kind: 'Secret',
  listKind: 'SecretList',
  resource: 'secrets',
  singular: 'secret',
  namespaced: true,
  shortNames: [],
  categories: [],
  verbs: STANDARD_VERBS,
  subresources: [],
  schema: 'io.k8s.api.core.v1.Secret',
  hasStatus: false,
  defaults: defaultSecret,
  validate(object, old) {
    const errs = validateMeta(object, old, { namespaced: true });
    if (old !== undefined) errs.push(...validateSecretUpdate(object, old));
    errs.push(...validateSecretData(object));
    return errs;
  },
  table: {
    columns: [
      NAME_COLUMN,
      column('Type', 'string', 'Used to facilitate programmatic handling of secret data.'),
      column('Data', 'string', 'Data contains the secret data.'),
      AGE_COLUMN,
    ],
    cells(object, now) {
      return [nameOf(object), asString(object.type) ?? '', dataCount(object), ageOf(object, now)];
    },
  },
  fieldSelectors: {
    type: (o) => asString(o.type) ?? '',
  },
};
