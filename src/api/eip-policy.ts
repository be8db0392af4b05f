// The admin's EIP policy (issue 5 section 5: "ranges configurable by the admin"): the kinds that
// carry the EIP annotations (pods and the workload templates) validated with that policy instead
// of the seed region's default. `ferry server --eip-network-types / --eip-bandwidth-range` set it.
import type { FieldError, KindDefinition } from './kind.ts';
import type { KubeObject } from './object.ts';
import { DEFAULT_EIP_POLICY, EIP_CHARGE_MODES, validateEipAnnotations } from './validation/eip-annotations.ts';
import type { EipChargeMode, EipPolicy } from './validation/eip-annotations.ts';

const WORKLOADS = new Set(['Deployment', 'ReplicaSet', 'StatefulSet']);

function annotationsAt(object: KubeObject, kind: string): { annotations: unknown; path: string } {
  if (kind === 'Pod') return { annotations: object.metadata.annotations, path: 'metadata.annotations' };
  const template = (object['spec'] as { template?: { metadata?: { annotations?: unknown } } } | undefined)?.template;
  return { annotations: template?.metadata?.annotations, path: 'spec.template.metadata.annotations' };
}

/** The kinds, with the EIP annotations of pods and workload templates checked against `policy`. */
export function withEipPolicy(kinds: readonly KindDefinition[], policy: EipPolicy): KindDefinition[] {
  if (policy === DEFAULT_EIP_POLICY) return [...kinds];
  return kinds.map((kind) => {
    if (kind.group === '' ? kind.kind !== 'Pod' : !(kind.group === 'apps' && WORKLOADS.has(kind.kind))) return kind;
    return {
      ...kind,
      validate(object: KubeObject, old?: KubeObject): FieldError[] {
        const { annotations, path } = annotationsAt(object, kind.kind);
        const eipField = (e: FieldError) => e.field.startsWith(`${path}[yangtse.io/`);
        return [...kind.validate(object, old).filter((e) => !eipField(e)), ...validateEipAnnotations(annotations, path, policy)];
      },
    };
  });
}

/** `--eip-bandwidth-range MODE=MIN-MAX` values over the default policy; throws an Error naming the bad one. */
export function eipPolicyFrom(networkTypes: string[] | undefined, ranges: string[]): EipPolicy {
  const bandwidthRanges = { ...DEFAULT_EIP_POLICY.bandwidthRanges };
  for (const r of ranges) {
    const m = /^([a-z]+)=(\d+)-(\d+)$/.exec(r);
    const mode = m?.[1] as EipChargeMode | undefined;
    if (m === null || mode === undefined || !(EIP_CHARGE_MODES as readonly string[]).includes(mode) || Number(m[2]) > Number(m[3]) || Number(m[2]) < 1) {
      throw new Error(`${JSON.stringify(r)}: expected MODE=MIN-MAX with MODE ${EIP_CHARGE_MODES.join(' or ')} and 1 <= MIN <= MAX, e.g. bandwidth=1-2000`);
    }
    bandwidthRanges[mode] = { min: Number(m[2]), max: Number(m[3]) };
  }
  const types = networkTypes?.filter((t) => t !== '');
  if (types !== undefined && types.length === 0) throw new Error('the list of EIP network types is empty');
  return { networkTypes: types ?? DEFAULT_EIP_POLICY.networkTypes, bandwidthRanges };
}
