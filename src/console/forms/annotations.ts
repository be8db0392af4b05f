// The product annotations the Create Workload form has helpers for, as pod-template annotations
// and labels: EIP (seed 000), plain-HTTP / insecure registries (seed 003), image replacement and
// burst to the elastic pool (seed 002).
import {
  DEFAULT_EIP_POLICY,
  EIP_BANDWIDTH_NAME_ANNOTATION,
  EIP_BANDWIDTH_SIZE_ANNOTATION,
  EIP_CHARGE_MODE_ANNOTATION,
  EIP_NETWORK_TYPE_ANNOTATION,
  POD_WITH_EIP_ANNOTATION,
} from '../../api/validation/eip-annotations.ts';
import { IMAGE_REPLACEMENT_ANNOTATION } from '../../api/validation/image-replacement.ts';
import { INSECURE_REGISTRY_ANNOTATION, PLAIN_HTTP_REGISTRY_ANNOTATION } from '../../api/validation/registry-annotations.ts';

export const BURST_LABEL = 'virtual-kubelet.io/burst-to-cci';
export const BURST_MODES = ['auto', 'enforce'] as const;
export type BurstMode = '' | (typeof BURST_MODES)[number];

export const EIP_DEFAULTS = { bandwidthSize: '5', networkType: '5_bgp' } as const;
export const EIP_NETWORK_TYPES = DEFAULT_EIP_POLICY.networkTypes;
export const EIP_RANGES = DEFAULT_EIP_POLICY.bandwidthRanges;

export interface EipValues {
  enabled: boolean;
  bandwidthSize: string;
  networkType: string;
  chargeMode: '' | 'bandwidth' | 'traffic';
  bandwidthName: string;
}

export interface ReplacementRule {
  repositoryPrefix: string;
  replaceWith: string;
}

export interface AnnotationHelpers {
  eip: EipValues;
  plainHttpRegistries: string;
  insecureRegistries: string;
  replacements: ReplacementRule[];
  burst: BurstMode;
}

export function emptyHelpers(): AnnotationHelpers {
  return {
    eip: { enabled: false, bandwidthSize: EIP_DEFAULTS.bandwidthSize, networkType: EIP_DEFAULTS.networkType, chargeMode: '', bandwidthName: '' },
    plainHttpRegistries: '',
    insecureRegistries: '',
    replacements: [],
    burst: '',
  };
}

/** The annotations the helpers stand for; a helper left empty writes nothing. */
export function helperAnnotations(h: AnnotationHelpers): Record<string, string> {
  const out: Record<string, string> = {};
  if (h.eip.enabled) {
    out[POD_WITH_EIP_ANNOTATION] = 'true';
    if (h.eip.bandwidthSize.trim() !== '') out[EIP_BANDWIDTH_SIZE_ANNOTATION] = h.eip.bandwidthSize.trim();
    if (h.eip.networkType !== '') out[EIP_NETWORK_TYPE_ANNOTATION] = h.eip.networkType;
    if (h.eip.chargeMode !== '') out[EIP_CHARGE_MODE_ANNOTATION] = h.eip.chargeMode;
    if (h.eip.bandwidthName.trim() !== '') out[EIP_BANDWIDTH_NAME_ANNOTATION] = h.eip.bandwidthName.trim();
  }
  const list = (text: string): string =>
    text
      .split(/[\s,]+/)
      .filter((s) => s !== '')
      .join(',');
  if (list(h.plainHttpRegistries) !== '') out[PLAIN_HTTP_REGISTRY_ANNOTATION] = list(h.plainHttpRegistries);
  if (list(h.insecureRegistries) !== '') out[INSECURE_REGISTRY_ANNOTATION] = list(h.insecureRegistries);
  const rules = h.replacements.filter((r) => r.repositoryPrefix.trim() !== '' || r.replaceWith.trim() !== '');
  if (rules.length > 0) {
    out[IMAGE_REPLACEMENT_ANNOTATION] = JSON.stringify(rules.map((r) => ({ repositoryPrefix: r.repositoryPrefix.trim(), replaceWith: r.replaceWith.trim() })));
  }
  return out;
}

export function helperLabels(h: AnnotationHelpers): Record<string, string> {
  return h.burst === '' ? {} : { [BURST_LABEL]: h.burst };
}

/** Which helper field an annotation key belongs to, for showing the server's errors there. */
export const ANNOTATION_FIELDS: Record<string, string> = {
  [POD_WITH_EIP_ANNOTATION]: 'eip.enabled',
  [EIP_BANDWIDTH_SIZE_ANNOTATION]: 'eip.bandwidthSize',
  [EIP_NETWORK_TYPE_ANNOTATION]: 'eip.networkType',
  [EIP_CHARGE_MODE_ANNOTATION]: 'eip.chargeMode',
  [EIP_BANDWIDTH_NAME_ANNOTATION]: 'eip.bandwidthName',
  [PLAIN_HTTP_REGISTRY_ANNOTATION]: 'plainHttpRegistries',
  [INSECURE_REGISTRY_ANNOTATION]: 'insecureRegistries',
  [IMAGE_REPLACEMENT_ANNOTATION]: 'replacements',
};
