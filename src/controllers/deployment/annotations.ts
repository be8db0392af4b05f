// The annotations a Deployment keeps on its ReplicaSets: the revision (and, after a rollback to
// an old template, the revisions it served before), the deployment's own annotations, and the
// desired/max replica counts that tell scaling apart from rolling.
// https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/deployment/util/deployment_util.go
import type { Deployment, ReplicaSet } from '../common/types.ts';
import { REVISION_ANNOTATION } from './replica-sets.ts';
import { maxSurge } from './rolling.ts';

export { REVISION_ANNOTATION };
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
export const LAST_APPLIED_CONFIG_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';
export const DEPRECATED_ROLLBACK_TO_ANNOTATION = 'deprecated.deployment.rollback.to';
/** The deployment controller's limit on the revision-history annotation (maxRevHistoryLengthInChars). */
export const MAX_REVISION_HISTORY_CHARS = 2000;

const SKIPPED = new Set([
  LAST_APPLIED_CONFIG_ANNOTATION,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  DEPRECATED_ROLLBACK_TO_ANNOTATION,
]);

/** Annotations that belong to the controller (or kubectl apply) and are never copied across. */
export function isSkippedAnnotation(key: string): boolean {
  return SKIPPED.has(key);
}

function intAnnotation(rs: ReplicaSet, key: string): number | undefined {
  const v = rs.metadata.annotations?.[key];
  return v !== undefined && /^[+-]?[0-9]+$/.test(v) ? Number(v) : undefined;
}

export function desiredReplicasAnnotation(rs: ReplicaSet): number | undefined {
  return intAnnotation(rs, DESIRED_REPLICAS_ANNOTATION);
}

export function maxReplicasAnnotation(rs: ReplicaSet): number | undefined {
  return intAnnotation(rs, MAX_REPLICAS_ANNOTATION);
}

export function replicasAnnotations(d: Deployment): { desired: number; max: number } {
  const desired = d.spec?.replicas ?? 1;
  return { desired, max: desired + maxSurge(d) };
}

export function replicasAnnotationsNeedUpdate(rs: ReplicaSet, d: Deployment): boolean {
  const { desired, max } = replicasAnnotations(d);
  const a = rs.metadata.annotations ?? {};
  return a[DESIRED_REPLICAS_ANNOTATION] !== String(desired) || a[MAX_REPLICAS_ANNOTATION] !== String(max);
}

/**
 * SetNewReplicaSetAnnotations: the new ReplicaSet's annotations after copying the deployment's
 * own, raising its revision to `newRevision` (never lowering it) and, when it had a revision
 * before (a rollback to its template), appending that to revision-history within the length
 * limit. A ReplicaSet about to be created also gets desired- and max-replicas.
 */
export function newReplicaSetAnnotations(
  d: Deployment,
  rs: ReplicaSet,
  newRevision: string,
  exists: boolean,
  historyLimitChars = MAX_REVISION_HISTORY_CHARS,
): { annotations: Record<string, string>; changed: boolean } {
  const annotations: Record<string, string> = { ...rs.metadata.annotations };
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (isSkippedAnnotation(k) || annotations[k] === v) continue;
    annotations[k] = v;
    changed = true;
  }
  const oldRevision = annotations[REVISION_ANNOTATION];
  const had = oldRevision !== undefined;
  let oldInt = 0;
  if (had && oldRevision !== '') {
    if (!/^[+-]?[0-9]+$/.test(oldRevision)) return { annotations, changed: false };
    oldInt = Number(oldRevision);
  }
  if (!/^[+-]?[0-9]+$/.test(newRevision)) return { annotations, changed: false };
  const newInt = Number(newRevision);
  if (oldInt < newInt) {
    annotations[REVISION_ANNOTATION] = newRevision;
    changed = true;
    if (had) appendRevisionHistory(annotations, oldRevision, historyLimitChars);
  }
  if (!exists) {
    const { desired, max } = replicasAnnotations(d);
    if (annotations[DESIRED_REPLICAS_ANNOTATION] !== String(desired) || annotations[MAX_REPLICAS_ANNOTATION] !== String(max)) changed = true;
    annotations[DESIRED_REPLICAS_ANNOTATION] = String(desired);
    annotations[MAX_REPLICAS_ANNOTATION] = String(max);
  }
  return { annotations, changed };
}

function appendRevisionHistory(annotations: Record<string, string>, oldRevision: string, limit: number): void {
  const history = annotations[REVISION_HISTORY_ANNOTATION] ?? '';
  const old = history.split(',');
  if ((old[0] ?? '').length === 0) {
    annotations[REVISION_HISTORY_ANNOTATION] = oldRevision;
    return;
  }
  // Drop the oldest entries until the new one fits; give up (keep as is) if it never does.
  let total = history.length + oldRevision.length + 1;
  let start = 0;
  while (total > limit && start < old.length) {
    total -= (old[start] as string).length + 1;
    start++;
  }
  if (total <= limit) annotations[REVISION_HISTORY_ANNOTATION] = [...old.slice(start), oldRevision].join(',');
}
