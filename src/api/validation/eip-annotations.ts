// Admission check of CCE Autopilot's EIP annotations on a pod or a pod template, as the table
// "Annotation for an EIP with a dedicated bandwidth" of ../shared/seeds/000_25c65c1b0ae2616a.txt
// says. Only checks: the defaults of that table (size 5, type 5_bgp, name = the pod's name) are
// applied later by whatever allocates the EIP, so admission never writes them and a stored pod
// shows what its author wrote.
//
// The seed never refuses the other annotations without `yangtse.io/pod-with-eip: "true"` (they are
// "involved only when an EIP is required"), so they are accepted alone and simply unused.
import type { FieldError } from '../kind.ts';
import { invalid, keyPath, notSupported } from './field-errors.ts';

export const POD_WITH_EIP_ANNOTATION = 'yangtse.io/pod-with-eip';
export const EIP_BANDWIDTH_SIZE_ANNOTATION = 'yangtse.io/eip-bandwidth-size';
export const EIP_NETWORK_TYPE_ANNOTATION = 'yangtse.io/eip-network-type';
export const EIP_CHARGE_MODE_ANNOTATION = 'yangtse.io/eip-charge-mode';
export const EIP_BANDWIDTH_NAME_ANNOTATION = 'yangtse.io/eip-bandwidth-name';
/** Written by Ferry's EIP controller: the address allocated to the pod. */
export const ALLOCATED_EIP_ANNOTATION = 'yangtse.io/allocated-ipv4-eip';

export interface EipSettings {
  bandwidthMbit: number;
  networkType: string;
  chargeMode: string;
  bandwidthName: string;
}

/** The seed's table with its defaults applied: size 5, type 5_bgp, charge mode bandwidth, name = the pod's. */
export function eipSettingsOf(annotations: Record<string, string> | undefined, podName: string): EipSettings {
  const a = annotations ?? {};
  return {
    bandwidthMbit: Number(a[EIP_BANDWIDTH_SIZE_ANNOTATION] ?? '5'),
    networkType: a[EIP_NETWORK_TYPE_ANNOTATION] ?? '5_bgp',
    chargeMode: a[EIP_CHARGE_MODE_ANNOTATION] ?? 'bandwidth',
    bandwidthName: a[EIP_BANDWIDTH_NAME_ANNOTATION] ?? podName,
  };
}

export const EIP_CHARGE_MODES = ['bandwidth', 'traffic'] as const;
export type EipChargeMode = (typeof EIP_CHARGE_MODES)[number];

export interface BandwidthRange {
  readonly min: number;
  readonly max: number;
}

/** What the cloud leaves to the region, so what an admin may configure for Ferry. */
export interface EipPolicy {
  /** Allowed `eip-network-type` values. */
  readonly networkTypes: readonly string[];
  /** Allowed `eip-bandwidth-size` (Mbit/s) per charge mode. */
  readonly bandwidthRanges: Readonly<Record<EipChargeMode, BandwidthRange>>;
}

/**
 * The seed's example region, CN East-Shanghai1: types 5_bgp (dynamic BGP) and 5_sbgp (static
 * BGP); 1-2,000 Mbit/s billed by bandwidth, 1-300 Mbit/s billed by traffic.
 */
export const DEFAULT_EIP_POLICY: EipPolicy = {
  networkTypes: ['5_bgp', '5_sbgp'],
  bandwidthRanges: { bandwidth: { min: 1, max: 2000 }, traffic: { min: 1, max: 300 } },
};

const BANDWIDTH_NAME = /^[a-zA-Z0-9._-]{1,64}$/;
const DIGITS = /^[0-9]+$/;

/**
 * The annotations' errors: `path` is where the annotations sit (`metadata.annotations`,
 * `spec.template.metadata.annotations`). Absent annotations are not checked.
 */
export function validateEipAnnotations(annotations: unknown, path: string, policy: EipPolicy = DEFAULT_EIP_POLICY): FieldError[] {
  if (typeof annotations !== 'object' || annotations === null) return [];
  const get = (key: string): string | undefined => {
    const value = (annotations as Record<string, unknown>)[key];
    return typeof value === 'string' ? value : undefined;
  };
  const errs: FieldError[] = [];

  const withEip = get(POD_WITH_EIP_ANNOTATION);
  // The table's values are exactly "false or true".
  if (withEip !== undefined && withEip !== 'true' && withEip !== 'false') {
    errs.push(notSupported(keyPath(path, POD_WITH_EIP_ANNOTATION), withEip, ['false', 'true']));
  }

  // "If this parameter is left blank, no billing mode is specified": empty is allowed.
  const chargeMode = get(EIP_CHARGE_MODE_ANNOTATION);
  const mode = (EIP_CHARGE_MODES as readonly string[]).includes(chargeMode ?? '') ? (chargeMode as EipChargeMode) : undefined;
  if (chargeMode !== undefined && chargeMode !== '' && mode === undefined) {
    errs.push(notSupported(keyPath(path, EIP_CHARGE_MODE_ANNOTATION), chargeMode, EIP_CHARGE_MODES));
  }

  const size = get(EIP_BANDWIDTH_SIZE_ANNOTATION);
  if (size !== undefined) {
    const field = keyPath(path, EIP_BANDWIDTH_SIZE_ANNOTATION);
    const { min, max } = rangeFor(policy, mode);
    if (!DIGITS.test(size)) {
      errs.push(invalid(field, size, 'must be a whole number of Mbit/s'));
    } else if (Number(size) < min || Number(size) > max) {
      // With no (valid) charge mode the region's default mode applies, unknown here: the widest range.
      const when = mode === undefined ? '' : ` when ${EIP_CHARGE_MODE_ANNOTATION} is ${JSON.stringify(mode)}`;
      errs.push(invalid(field, size, `must be from ${min} to ${max} Mbit/s${when}`));
    }
  }

  const networkType = get(EIP_NETWORK_TYPE_ANNOTATION);
  if (networkType !== undefined && !policy.networkTypes.includes(networkType)) {
    errs.push(notSupported(keyPath(path, EIP_NETWORK_TYPE_ANNOTATION), networkType, policy.networkTypes));
  }

  const name = get(EIP_BANDWIDTH_NAME_ANNOTATION);
  if (name !== undefined && !BANDWIDTH_NAME.test(name)) {
    const field = keyPath(path, EIP_BANDWIDTH_NAME_ANNOTATION);
    const length = [...name].length;
    const problem = length < 1 || length > 64 ? 'must be 1 to 64 characters long' : 'must contain only letters, digits, "-", "_" and "."';
    errs.push(invalid(field, name, problem));
  }
  return errs;
}

function rangeFor(policy: EipPolicy, mode: EipChargeMode | undefined): BandwidthRange {
  if (mode !== undefined) return policy.bandwidthRanges[mode];
  const ranges = Object.values(policy.bandwidthRanges);
  return { min: Math.min(...ranges.map((r) => r.min)), max: Math.max(...ranges.map((r) => r.max)) };
}
