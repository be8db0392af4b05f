// ObjectMeta rules shared by every kind, on create and on update.
// https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/apimachinery/pkg/api/validation/objectmeta.go
import type { FieldError } from '../kind.ts';
import type { ObjectMeta } from '../object.ts';
import type { BadValue } from './field-errors.ts';
import { forbidden, goLiteral, goQuote, invalid, required } from './field-errors.ts';
import { NEGATIVE_ERROR_MSG } from './formats.ts';
import { isQualifiedName, validateAnnotations, validateLabels } from './labels.ts';
import type { NameValidator } from './names.ts';
import { isDNS1123Label, nameIsDNSSubdomain } from './names.ts';

export const FIELD_IMMUTABLE_ERROR_MSG = 'field is immutable';

export interface ObjectMetaOptions {
  namespaced: boolean;
  /** How `metadata.name` must look; a DNS-1123 subdomain unless the kind says otherwise. */
  nameValidator?: NameValidator;
}

const ORPHAN_FINALIZER = 'orphan';
const FOREGROUND_FINALIZER = 'foregroundDeletion';

export function validateObjectMeta(meta: ObjectMeta | undefined, options: ObjectMetaOptions, path = 'metadata'): FieldError[] {
  const m: ObjectMeta = meta ?? {};
  const nameValidator = options.nameValidator ?? nameIsDNSSubdomain;
  const errs: FieldError[] = [];
  const generateName = stringOr(m.generateName);
  if (generateName !== '') {
    for (const msg of nameValidator(generateName, true)) errs.push(invalid(`${path}.generateName`, generateName, msg));
  }
  const name = stringOr(m.name);
  if (name === '') errs.push(required(`${path}.name`, 'name or generateName is required'));
  else for (const msg of nameValidator(name, false)) errs.push(invalid(`${path}.name`, name, msg));

  const namespace = stringOr(m.namespace);
  if (options.namespaced) {
    if (namespace === '') errs.push(required(`${path}.namespace`));
    else for (const msg of isDNS1123Label(namespace)) errs.push(invalid(`${path}.namespace`, namespace, msg));
  } else if (namespace !== '') {
    errs.push(forbidden(`${path}.namespace`, 'not allowed on this type'));
  }
  if (typeof m.generation === 'number' && m.generation < 0) {
    errs.push(invalid(`${path}.generation`, m.generation, NEGATIVE_ERROR_MSG));
  }
  errs.push(...validateCommon(m, path));
  return errs;
}

/**
 * The update rules. Unlike Kubernetes it does not demand `resourceVersion`: the apiserver fills
 * it in for unconditional updates before it validates. Fields the new object leaves out
 * (uid, creationTimestamp) count as unchanged, since the apiserver carries them over.
 */
export function validateObjectMetaUpdate(newMeta: ObjectMeta | undefined, oldMeta: ObjectMeta | undefined, path = 'metadata'): FieldError[] {
  const n: ObjectMeta = newMeta ?? {};
  const o: ObjectMeta = oldMeta ?? {};
  const errs: FieldError[] = [];
  if (o.deletionTimestamp !== undefined) {
    const added = (n.finalizers ?? []).filter((f) => !(o.finalizers ?? []).includes(f));
    if (added.length > 0) {
      const list = `[]string{${[...new Set(added)].sort().map(goQuote).join(', ')}}`;
      errs.push(forbidden(`${path}.finalizers`, `no new finalizers can be added if the object is being deleted, found new finalizers ${list}`));
    }
  }
  if (typeof n.generation === 'number' && typeof o.generation === 'number' && n.generation < o.generation) {
    errs.push(invalid(`${path}.generation`, n.generation, 'must not be decremented'));
  }
  errs.push(...validateImmutableField(n.name ?? '', o.name ?? '', `${path}.name`));
  errs.push(...validateImmutableField(n.namespace ?? '', o.namespace ?? '', `${path}.namespace`));
  if (n.uid !== undefined) errs.push(...validateImmutableField(n.uid, o.uid ?? '', `${path}.uid`));
  if (n.creationTimestamp !== undefined && o.creationTimestamp !== undefined && n.creationTimestamp !== o.creationTimestamp) {
    errs.push(invalid(`${path}.creationTimestamp`, goLiteral(goTimeString(n.creationTimestamp)), FIELD_IMMUTABLE_ERROR_MSG));
  }
  if (n.deletionTimestamp !== undefined && n.deletionTimestamp !== o.deletionTimestamp) {
    errs.push(invalid(`${path}.deletionTimestamp`, goLiteral(goTimeString(n.deletionTimestamp)), FIELD_IMMUTABLE_ERROR_MSG));
  }
  errs.push(...validateCommon(n, path));
  return errs;
}

/** `<field>: Invalid value: <new>: field is immutable` when the two differ. */
export function validateImmutableField(newValue: unknown, oldValue: unknown, field: string, shown?: BadValue): FieldError[] {
  if (semanticEqual(newValue, oldValue)) return [];
  return [invalid(field, shown ?? toBadValue(newValue), FIELD_IMMUTABLE_ERROR_MSG)];
}

/**
 * apimachinery's Semantic.DeepEqual on decoded JSON: an absent field, null, [] and {} are the
 * same (Go decodes them all to nil or empty), otherwise structural equality.
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  if (isEmpty(a) && isEmpty(b)) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => semanticEqual(item, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (!semanticEqual(a[k], b[k])) return false;
    return true;
  }
  return a === b;
}

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && Object.keys(v).length === 0;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function toBadValue(v: unknown): BadValue {
  if (v === undefined || v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return goLiteral(JSON.stringify(v));
}

/** metav1.Time's String(): Go's time.Time format, e.g. `2024-05-01 10:00:00 +0000 UTC`. */
export function goTimeString(rfc3339: string): string {
  const t = Date.parse(rfc3339);
  if (Number.isNaN(t)) return rfc3339;
  const iso = new Date(t).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} +0000 UTC`;
}

function validateCommon(m: ObjectMeta, path: string): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateLabels(m.labels, `${path}.labels`));
  errs.push(...validateAnnotations(m.annotations, `${path}.annotations`));
  errs.push(...validateOwnerReferences(m.ownerReferences, `${path}.ownerReferences`));
  errs.push(...validateFinalizers(m.finalizers, `${path}.finalizers`));
  return errs;
}

function validateOwnerReferences(refs: ObjectMeta['ownerReferences'], path: string): FieldError[] {
  const errs: FieldError[] = [];
  let firstController = '';
  for (const ref of refs ?? []) {
    const apiVersion = stringOr(ref.apiVersion);
    const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
    if (version === '') errs.push(invalid(`${path}.apiVersion`, apiVersion, 'version must not be empty'));
    if (stringOr(ref.kind) === '') errs.push(invalid(`${path}.kind`, stringOr(ref.kind), 'must not be empty'));
    if (stringOr(ref.name) === '') errs.push(invalid(`${path}.name`, stringOr(ref.name), 'must not be empty'));
    if (stringOr(ref.uid) === '') errs.push(invalid(`${path}.uid`, stringOr(ref.uid), 'must not be empty'));
    if (apiVersion === 'v1' && ref.kind === 'Event') {
      errs.push(invalid(path, goLiteral(JSON.stringify(ref)), '/v1, Kind=Event is disallowed from being an owner'));
    }
    if (ref.controller === true) {
      const current = `${ref.kind}/${ref.name}`;
      if (firstController !== '') {
        errs.push(
          invalid(path, goLiteral(JSON.stringify(refs)), `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`),
        );
      } else {
        firstController = current;
      }
    }
  }
  return errs;
}

function validateFinalizers(finalizers: ObjectMeta['finalizers'], path: string): FieldError[] {
  const errs: FieldError[] = [];
  const list = finalizers ?? [];
  for (const f of list) errs.push(...isQualifiedName(f).map((msg) => invalid(path, f, msg)));
  if (list.includes(ORPHAN_FINALIZER) && list.includes(FOREGROUND_FINALIZER)) {
    errs.push(
      invalid(path, goLiteral(`[]string{${list.map(goQuote).join(', ')}}`), `finalizer ${ORPHAN_FINALIZER} and ${FOREGROUND_FINALIZER} cannot be both set`),
    );
  }
  return errs;
}

function stringOr(v: unknown): string {
  return typeof v === 'string' ? v : '';
}
