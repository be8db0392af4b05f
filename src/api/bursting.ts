// Bursting to the elastic node pool (seed 002, CCI's burst label; issue 5 section 6): the label
// names, its values, and the node pool label that marks elastic nodes. Shared by admission
// (validation below), the scheduler and `ferry node --pool`.
import type { FieldError } from './kind.ts';
import { keyPath, notSupported } from './validation/field-errors.ts';

/** Both spellings the vendor documents; the first one found wins. */
export const BURST_LABELS = ['virtual-kubelet.io/burst-to-cci', 'bursting.cci.io/burst-to-cci'] as const;
export const BURST_MODES = ['off', 'localPrefer', 'auto', 'enforce'] as const;
export type BurstMode = (typeof BURST_MODES)[number];

/** A node's pool; nodes of the elastic pool are also tainted POOL_LABEL=elastic:NoSchedule. */
export const POOL_LABEL = 'ferry.io/node-pool';
export const ELASTIC_POOL = 'elastic';

/** The burst mode a set of labels asks for, or undefined when they name none. */
export function burstModeOf(labels: Record<string, string> | undefined): BurstMode | undefined {
  for (const key of BURST_LABELS) {
    const value = labels?.[key];
    if (value !== undefined) return (BURST_MODES as readonly string[]).includes(value) ? (value as BurstMode) : undefined;
  }
  return undefined;
}

export function validateBurstLabels(labels: unknown, path: string): FieldError[] {
  if (labels === null || typeof labels !== 'object') return [];
  const errs: FieldError[] = [];
  for (const key of BURST_LABELS) {
    const value = (labels as Record<string, unknown>)[key];
    if (typeof value === 'string' && !(BURST_MODES as readonly string[]).includes(value)) errs.push(notSupported(keyPath(path, key), value, BURST_MODES));
  }
  return errs;
}
