// Revision history: which old ReplicaSets to delete beyond spec.revisionHistoryLimit, and the
// rollback `kubectl rollout undo` performs.
//
// Rollback needs nothing from the controller. apps/v1 has no spec.rollbackTo; kubectl (since
// 1.9's apps/v1) undoes on the client: it finds the ReplicaSet of the wanted revision and sends a
// JSON patch replacing the deployment's spec.template (hash label removed) and its annotations.
// The controller then finds that old ReplicaSet is the new one again, raises its revision to
// max + 1 and records the old number in revision-history (newReplicaSetAnnotations). The patch
// is built here for Ferry's own CLI and console to offer the same operation.
// https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/deployment/sync.go (cleanupDeployment)
// https://github.com/kubernetes/kubectl/blob/master/pkg/polymorphichelpers/rollback.go (DeploymentRollbacker)
import type { Deployment, ReplicaSet } from '../common/types.ts';
import { isSkippedAnnotation } from './annotations.ts';
import { POD_TEMPLATE_HASH_LABEL, equalIgnoreHash } from './pod-template-hash.ts';
import { byRevision, lastRevision, revisionOf, specReplicas } from './replica-sets.ts';

/** Go's math.MaxInt32, which means "keep every revision". */
const KEEP_ALL = 2147483647;

/**
 * Old ReplicaSets to delete: the lowest revisions beyond the limit, skipping any that still
 * has replicas (spec or status), has not had its latest spec observed, or is being deleted.
 */
export function replicaSetsToCleanUp(d: Deployment, oldRSs: readonly ReplicaSet[]): ReplicaSet[] {
  const limit = d.spec?.revisionHistoryLimit;
  if (limit === undefined || limit === KEEP_ALL) return [];
  const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp).sort(byRevision);
  const diff = cleanable.length - limit;
  if (diff <= 0) return [];
  return cleanable.slice(0, diff).filter(
    (rs) =>
      (rs.status?.replicas ?? 0) === 0 &&
      specReplicas(rs) === 0 &&
      (rs.metadata.generation ?? 0) <= (rs.status?.observedGeneration ?? 0) &&
      !rs.metadata.deletionTimestamp,
  );
}

export type RollbackResult =
  | { kind: 'patch'; revision: number; patch: { op: 'replace'; path: string; value: unknown }[] }
  | { kind: 'skipped'; message: string }
  | { kind: 'error'; message: string };

/** What `kubectl rollout undo [--to-revision=n]` does; 0 means the previous revision. */
export function rollbackPatch(d: Deployment, rss: readonly ReplicaSet[], toRevision = 0): RollbackResult {
  if (toRevision < 0) return { kind: 'error', message: `unable to find specified revision ${toRevision} in history` };
  let revision = toRevision;
  if (revision === 0) {
    revision = lastRevision(rss);
    if (revision === 0) return { kind: 'error', message: `no rollout history found for deployment "${d.metadata.name}"` };
  }
  const target = [...rss].sort(byRevision).find((rs) => revisionOf(rs) === revision);
  if (target === undefined) return { kind: 'error', message: `unable to find specified revision ${revision} in history` };
  if (d.spec?.paused) {
    return { kind: 'error', message: "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again" };
  }
  if (equalIgnoreHash(target.spec?.template, d.spec?.template)) {
    // kubectl words this with the revision as asked, so a plain undo says "revision 0".
    return { kind: 'skipped', message: `skipped rollback (current template already matches revision ${toRevision})` };
  }
  const template = structuredClone(target.spec?.template ?? {});
  if (template.metadata?.labels) delete template.metadata.labels[POD_TEMPLATE_HASH_LABEL];
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) if (isSkippedAnnotation(k)) annotations[k] = v;
  for (const [k, v] of Object.entries(target.metadata.annotations ?? {})) if (!isSkippedAnnotation(k)) annotations[k] = v;
  return {
    kind: 'patch',
    revision,
    patch: [
      { op: 'replace', path: '/spec/template', value: template },
      { op: 'replace', path: '/metadata/annotations', value: annotations },
    ],
  };
}
