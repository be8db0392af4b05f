// Server-side apply conflicts and the 409 kube-apiserver answers with. Wording of
// k8s.io/apimachinery/pkg/util/managedfields/internal/conflict.go (NewConflictError, printManager)
// and apierrors.NewApplyConflict.
import type { JsonObject } from '../../object.ts';

export interface Conflict {
  /** The manager that owns the field. */
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  subresource?: string;
  /** The field path as Kubernetes prints it, e.g. `.spec.replicas` or `.spec.template.spec.containers[name="web"].image`. */
  field: string;
}

export interface ConflictCause {
  reason: 'FieldManagerConflict';
  message: string;
  field: string;
}

/** `"kubectl-client-side-apply" using apps/v1` for an Update manager, `"kubectl"` for an applier. */
export function describeManager(c: Pick<Conflict, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  let out = JSON.stringify(c.manager);
  if (c.subresource !== undefined && c.subresource !== '') out += ` with subresource ${JSON.stringify(c.subresource)}`;
  return c.operation === 'Update' ? `${out} using ${c.apiVersion}` : out;
}

/**
 * `Apply failed with 1 conflict: conflict with "m" using apps/v1: .spec.replicas`, or for several,
 * the conflicts grouped by manager: `Apply failed with 2 conflicts: conflicts with "m" using apps/v1:\n- .a\n- .b`.
 */
export function formatConflictMessage(conflicts: readonly Conflict[]): string {
  const [only] = conflicts;
  if (conflicts.length === 1 && only !== undefined) {
    return `Apply failed with 1 conflict: conflict with ${describeManager(only)}: ${only.field}`;
  }
  const groups = new Map<string, string[]>();
  for (const c of conflicts) {
    const key = describeManager(c);
    groups.set(key, [...(groups.get(key) ?? []), c.field]);
  }
  const lines: string[] = [];
  for (const [manager, fields] of groups) {
    lines.push(`conflicts with ${manager}:`);
    for (const field of fields) lines.push(`- ${field}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

/** The `details.causes` of the 409: one FieldManagerConflict per conflicting field. */
export function conflictCauses(conflicts: readonly Conflict[]): ConflictCause[] {
  return conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${describeManager(c)}`, field: c.field }));
}

/** The metav1.Status body of the 409 Conflict (apierrors.NewApplyConflict). */
export function applyConflictStatus(conflicts: readonly Conflict[]): JsonObject {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: formatConflictMessage(conflicts),
    reason: 'Conflict',
    details: { causes: conflictCauses(conflicts) as unknown as JsonObject[] },
    code: 409,
  };
}
