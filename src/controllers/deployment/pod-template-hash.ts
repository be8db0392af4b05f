// The pod-template-hash that names a Deployment's ReplicaSets and labels their pods, the new
// ReplicaSet itself, and which existing ReplicaSet is "new" (same template, hash label aside).
//
// Kubernetes hashes the Go struct printed by go-spew (hashutil.DeepHashObject over
// v1.PodTemplateSpec, every field in declaration order, nil pointers included). Matching that
// byte for byte would mean mirroring the Go types field by field for every API version, so the
// input here is the template's canonical JSON (keys sorted) instead. The rest is as Kubernetes
// does it: FNV-32a, then the collision count as 4 little-endian bytes plus 4 zero bytes, then
// the decimal digits of the sum through rand.SafeEncodeString (same alphabet, 1-10 characters).
// Hash values therefore differ from a real cluster's for the same template; nothing depends on
// that, because finding the new ReplicaSet compares templates, not hashes.
// https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/controller_utils.go (ComputeHash)
// https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/deployment/sync.go (getNewReplicaSet)
import { semanticEqual } from '../../api/validation/object-meta.ts';
import { DEPLOYMENT_KIND, newControllerRef } from '../common/controller-ref.ts';
import { canonicalJson, encodeHash, fnv32a, utf8 } from '../common/hash.ts';
import type { Deployment, LabelSelector, PodTemplateSpec, ReplicaSet } from '../common/types.ts';
import { newReplicaSetAnnotations } from './annotations.ts';
import { byCreationTimestamp, specReplicas } from './replica-sets.ts';

export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

export function computeHash(template: PodTemplateSpec, collisionCount?: number): string {
  let h = fnv32a(utf8(canonicalJson(template)));
  if (collisionCount !== undefined && collisionCount !== null) {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(bytes, h);
  }
  return encodeHash(h);
}

function withoutHashLabel(template: PodTemplateSpec | undefined): PodTemplateSpec {
  const copy = structuredClone(template ?? {});
  if (copy.metadata?.labels) delete copy.metadata.labels[POD_TEMPLATE_HASH_LABEL];
  return copy;
}

/** EqualIgnoreHash: templates semantically equal once pod-template-hash labels are dropped. */
export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return semanticEqual(withoutHashLabel(a), withoutHashLabel(b));
}

/** The oldest ReplicaSet whose template is the deployment's (there can be more after upgrades). */
export function findNewReplicaSet(d: Deployment, rss: readonly ReplicaSet[]): ReplicaSet | undefined {
  return [...rss].sort(byCreationTimestamp).find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
}

/** All ReplicaSets but the new one; `withReplicas` only those with spec.replicas > 0. */
export function findOldReplicaSets(d: Deployment, rss: readonly ReplicaSet[]): { all: ReplicaSet[]; withReplicas: ReplicaSet[] } {
  const newRS = findNewReplicaSet(d, rss);
  const all = rss.filter((rs) => newRS === undefined || rs.metadata.uid !== newRS.metadata.uid);
  return { all, withReplicas: all.filter((rs) => specReplicas(rs) !== 0) };
}

function selectorWith(selector: LabelSelector | undefined, key: string, value: string): LabelSelector {
  const copy = structuredClone(selector ?? {});
  copy.matchLabels = { ...copy.matchLabels, [key]: value };
  return copy;
}

export interface NewReplicaSetOptions {
  /** deployment.kubernetes.io/revision: the highest old revision + 1 (default "1"). */
  revision?: string;
  /** spec.replicas (default 0; the controller sizes it with newRSNewReplicas). */
  replicas?: number;
}

/**
 * The ReplicaSet a Deployment creates for its current template: `<deployment>-<hash>`, the hash
 * label on its labels, selector and template, controlled by the deployment, with the revision,
 * desired-replicas and max-replicas annotations and the deployment's own annotations.
 */
export function newReplicaSetFor(d: Deployment, hash: string, options: NewReplicaSetOptions = {}): ReplicaSet {
  const template = structuredClone(d.spec?.template ?? {});
  template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [POD_TEMPLATE_HASH_LABEL]: hash } };
  const rs: ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      labels: { ...template.metadata.labels },
      ownerReferences: [newControllerRef(d, DEPLOYMENT_KIND)],
    },
    spec: {
      replicas: options.replicas ?? 0,
      minReadySeconds: d.spec?.minReadySeconds ?? 0,
      selector: selectorWith(d.spec?.selector, POD_TEMPLATE_HASH_LABEL, hash),
      template,
    },
  };
  rs.metadata.annotations = newReplicaSetAnnotations(d, rs, options.revision ?? '1', false).annotations;
  return rs;
}

/**
 * After creating `<deployment>-<hash>` failed with AlreadyExists: the existing ReplicaSet is the
 * new one if this deployment controls it and its template matches; otherwise the hash collided
 * and status.collisionCount goes up by one (write it, then sync again for a new name).
 */
export function resolveNameConflict(d: Deployment, existing: ReplicaSet): { kind: 'ours'; replicaSet: ReplicaSet } | { kind: 'collision'; collisionCount: number } {
  const ref = existing.metadata.ownerReferences?.find((r) => r.controller === true);
  if (ref !== undefined && ref.uid === d.metadata.uid && equalIgnoreHash(d.spec?.template, existing.spec?.template)) {
    return { kind: 'ours', replicaSet: existing };
  }
  return { kind: 'collision', collisionCount: (d.status?.collisionCount ?? 0) + 1 };
}
