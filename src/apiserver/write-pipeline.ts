// What every write does to an object before it is stored, in kube-apiserver's order:
// system metadata, status kept apart from spec, defaulting, validation, generation, managed fields.
// https://github.com/kubernetes/apiserver/blob/master/pkg/registry/rest/create.go (BeforeCreate)
// https://github.com/kubernetes/apiserver/blob/master/pkg/registry/rest/update.go (BeforeUpdate)
import { randomUUID, randomInt } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { FieldError, KindDefinition } from '../api/kind.ts';
import type { KubeObject } from '../api/object.ts';
import { formatTime } from '../api/time.ts';
import { errors } from './status.ts';

// Kinds whose metadata.generation counts spec changes (their status carries observedGeneration).
const GENERATION_KINDS = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'ImageCache']);
// Kinds whose status a client may set on create (a kubelet registers its Node with status).
const STATUS_ON_CREATE = new Set(['Node', 'Event', 'Lease']);
// names.SimpleNameGenerator: 5 characters without vowels or look-alikes.
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export { formatTime as timestamp };

export function generateName(prefix: string): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += NAME_ALPHABET[randomInt(NAME_ALPHABET.length)];
  return `${prefix.slice(0, 58)}${suffix}`;
}

function qualifiedKind(kind: KindDefinition): { group: string; kind: string } {
  return { group: kind.group, kind: kind.kind };
}

export function assertValid(kind: KindDefinition, object: KubeObject, causes: FieldError[]): void {
  if (causes.length === 0) return;
  const { group, kind: k } = qualifiedKind(kind);
  throw errors.invalid(group, k, object.metadata.name ?? object.metadata.generateName ?? '', causes);
}

/** Fills system metadata, defaults and validates an object about to be created. */
export function prepareCreate(kind: KindDefinition, object: KubeObject, now: Date): KubeObject {
  const meta = object.metadata;
  if (meta.resourceVersion !== undefined && meta.resourceVersion !== '') {
    throw errors.badRequest('resourceVersion should not be set on objects to be created');
  }
  if ((meta.name === undefined || meta.name === '') && meta.generateName !== undefined && meta.generateName !== '') {
    meta.name = generateName(meta.generateName);
  }
  meta.uid = randomUUID();
  meta.creationTimestamp = formatTime(now);
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  delete meta.resourceVersion;
  delete meta['selfLink'];
  if (GENERATION_KINDS.has(kind.kind)) meta.generation = 1;
  else delete meta.generation;
  if (kind.hasStatus && !STATUS_ON_CREATE.has(kind.kind)) delete object['status'];
  kind.defaults(object);
  // Each kind validates its metadata too: name rules differ between kinds.
  assertValid(kind, object, kind.validate(object));
  return object;
}

function withoutStatusAndMeta(object: KubeObject): unknown {
  const { metadata: _m, status: _s, ...rest } = object;
  return rest;
}

/**
 * Merges an update into the stored object. `subresource` 'status' takes only the status;
 * the main resource keeps the stored status for kinds that have a status subresource.
 */
export function prepareUpdate(kind: KindDefinition, incoming: KubeObject, old: KubeObject, subresource: string | undefined): KubeObject {
  let object: KubeObject;
  if (subresource === 'status') {
    // A status write keeps the stored spec; like kube-apiserver's status strategies it keeps the
    // writer's annotations (the deployment controller records its revision there), not its labels.
    object = { ...structuredClone(old), status: incoming['status'] };
    const annotations = incoming.metadata.annotations;
    if (annotations === undefined) delete object.metadata.annotations;
    else object.metadata.annotations = annotations;
  } else if (subresource === 'finalize') {
    // Only spec.finalizers changes through /finalize (the namespace registry's FinalizeREST).
    object = structuredClone(old);
    const finalizers = (incoming['spec'] as { finalizers?: unknown } | undefined)?.finalizers;
    object['spec'] = { ...(old['spec'] as object | undefined), finalizers: Array.isArray(finalizers) ? finalizers : [] };
  } else {
    object = incoming;
    // spec.finalizers of a namespace change only through /finalize, as in kube-apiserver.
    if (kind.kind === 'Namespace' && kind.group === '') {
      object['spec'] = { ...(incoming['spec'] as object | undefined), finalizers: (old['spec'] as { finalizers?: unknown } | undefined)?.finalizers ?? [] };
    }
    if (kind.hasStatus) {
      if (old['status'] === undefined) delete object['status'];
      else object['status'] = structuredClone(old['status']);
    }
  }
  const meta = object.metadata;
  const oldMeta = old.metadata;
  meta.uid = oldMeta.uid;
  meta.creationTimestamp = oldMeta.creationTimestamp;
  if (oldMeta.deletionTimestamp !== undefined) meta.deletionTimestamp = oldMeta.deletionTimestamp;
  else delete meta.deletionTimestamp;
  if (oldMeta.deletionGracePeriodSeconds !== undefined) meta.deletionGracePeriodSeconds = oldMeta.deletionGracePeriodSeconds;
  else delete meta.deletionGracePeriodSeconds;
  if (meta.managedFields === undefined && oldMeta.managedFields !== undefined) meta.managedFields = oldMeta.managedFields;
  delete meta['selfLink'];
  kind.defaults(object);
  if (GENERATION_KINDS.has(kind.kind)) {
    const changed = !isDeepStrictEqual(withoutStatusAndMeta(object), withoutStatusAndMeta(old));
    meta.generation = (oldMeta.generation ?? 1) + (changed ? 1 : 0);
  } else {
    delete meta.generation;
  }
  assertValid(kind, object, kind.validate(object, old));
  return object;
}
