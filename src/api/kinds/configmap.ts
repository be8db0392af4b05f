// core/v1 ConfigMap.
// https://github.com/kubernetes/kubernetes/blob/master/pkg/apis/core/validation/validation.go (ValidateConfigMap)
import type { FieldError, KindDefinition } from '../kind.ts';
import type { KubeObject } from '../object.ts';
import { byteLength, invalid, keyPath, tooLong } from '../validation/field-errors.ts';
import { isConfigMapKey } from '../validation/formats.ts';
import { AGE_COLUMN, NAME_COLUMN, STANDARD_VERBS, ageOf, column, nameOf, validateMeta } from './common.ts';
import { asObject } from './json-access.ts';
import { MAX_SECRET_SIZE, validateImmutableContents } from './secret.ts';

function validateConfigMapData(object: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const data = asObject(object.data) ?? {};
  const binary = asObject(object.binaryData) ?? {};
  let total = 0;
  for (const [key, value] of Object.entries(data)) {
    for (const msg of isConfigMapKey(key)) errs.push(invalid(keyPath('data', key), key, msg));
    if (Object.hasOwn(binary, key)) errs.push(invalid(keyPath('data', key), key, 'duplicate of key present in binaryData'));
    total += typeof value === 'string' ? byteLength(value) : 0;
  }
  for (const [key, value] of Object.entries(binary)) {
    for (const msg of isConfigMapKey(key)) errs.push(invalid(keyPath('binaryData', key), key, msg));
    if (Object.hasOwn(data, key)) errs.push(invalid(keyPath('binaryData', key), key, 'duplicate of key present in data'));
    total += typeof value === 'string' ? Math.floor((value.length * 3) / 4) : 0;
  }
  // Kubernetes names the whole object here: an empty field path.
  if (total > MAX_SECRET_SIZE) errs.push(tooLong('', MAX_SECRET_SIZE));
  return errs;
}

export const configMapKind: KindDefinition = {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  listKind: 'ConfigMapList',
  resource: 'configmaps',
  singular: 'configmap',
  namespaced: true,
  shortNames: ['cm'],
  categories: [],
  verbs: STANDARD_VERBS,
  subresources: [],
  schema: 'io.k8s.api.core.v1.ConfigMap',
  hasStatus: false,
  defaults() {},
  validate(object, old) {
    const update = old === undefined ? [] : validateImmutableContents(object, old, ['data', 'binaryData']);
    return [...validateMeta(object, old, { namespaced: true }), ...update, ...validateConfigMapData(object)];
  },
  table: {
    columns: [NAME_COLUMN, column('Data', 'string', 'Data contains the configuration data.'), AGE_COLUMN],
    cells(object, now) {
      const count = Object.keys(asObject(object.data) ?? {}).length + Object.keys(asObject(object.binaryData) ?? {}).length;
      return [nameOf(object), count, ageOf(object, now)];
    },
  },
  fieldSelectors: {},
};
