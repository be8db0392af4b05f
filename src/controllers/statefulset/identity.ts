// A StatefulSet pod's stable identity: `<set>-<ordinal>`, its hostname and subdomain, and the
// labels that name it and its index.
// https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/statefulset/stateful_set_utils.go
import { STATEFUL_SET_KIND, newControllerRef } from '../common/controller-ref.ts';
import { podFromTemplate } from '../common/pod-template.ts';
import type { Pod, StatefulSet } from '../common/types.ts';

export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
/** The pod label holding the name of the ControllerRevision the pod was made from. */
export const REVISION_LABEL = 'controller-revision-hash';

const PARENT_AND_ORDINAL = /^(.*)-([0-9]+)$/;

/** The parent name and ordinal encoded in a pod name; ordinal -1 when there is none. */
export function parentAndOrdinal(podName: string): { parent: string; ordinal: number } {
  const m = PARENT_AND_ORDINAL.exec(podName);
  if (m === null) return { parent: '', ordinal: -1 };
  const ordinal = Number(m[2]);
  // Go parses into an int32; larger numbers are not ordinals.
  return ordinal > 2147483647 ? { parent: m[1] ?? '', ordinal: -1 } : { parent: m[1] ?? '', ordinal };
}

export function ordinalOf(pod: Pod): number {
  return parentAndOrdinal(pod.metadata.name ?? '').ordinal;
}

/** The pod belongs to this set by name (isMemberOf); the claim filter for StatefulSet pods. */
export function isMemberOf(set: StatefulSet, pod: Pod): boolean {
  return parentAndOrdinal(pod.metadata.name ?? '').parent === set.metadata.name;
}

export function podName(set: StatefulSet, ordinal: number): string {
  return `${set.metadata.name}-${ordinal}`;
}

export function startOrdinal(set: StatefulSet): number {
  return set.spec?.ordinals?.start ?? 0;
}

/** The last ordinal in range (start + replicas - 1). */
export function endOrdinal(set: StatefulSet): number {
  return startOrdinal(set) + (set.spec?.replicas ?? 1) - 1;
}

export function inOrdinalRange(set: StatefulSet, pod: Pod): boolean {
  const o = ordinalOf(pod);
  return o >= startOrdinal(set) && o <= endOrdinal(set);
}

/** Name, namespace, pod-name and pod-index labels right (hostname/subdomain are set only at creation). */
export function identityMatches(set: StatefulSet, pod: Pod): boolean {
  const { parent, ordinal } = parentAndOrdinal(pod.metadata.name ?? '');
  return (
    ordinal >= 0 &&
    parent === set.metadata.name &&
    pod.metadata.name === podName(set, ordinal) &&
    pod.metadata.namespace === set.metadata.namespace &&
    pod.metadata.labels?.[POD_NAME_LABEL] === pod.metadata.name
  );
}

/** updateIdentity on a copy: the fix the controller applies to a pod whose identity drifted. */
export function withIdentity(set: StatefulSet, pod: Pod): Pod {
  const copy = structuredClone(pod);
  const ordinal = ordinalOf(pod);
  copy.metadata.name = podName(set, ordinal);
  copy.metadata.namespace = set.metadata.namespace;
  copy.metadata.labels = { ...copy.metadata.labels, [POD_NAME_LABEL]: copy.metadata.name, [POD_INDEX_LABEL]: String(ordinal) };
  return copy;
}

/** newStatefulSetPod: the pod for `ordinal`, with hostname = its name and subdomain = serviceName. */
export function newStatefulSetPod(set: StatefulSet, ordinal: number, revision?: string): Pod {
  const pod = podFromTemplate(set.spec?.template, set, newControllerRef(set, STATEFUL_SET_KIND));
  pod.metadata.name = podName(set, ordinal);
  const withId = withIdentity(set, pod);
  withId.spec = { ...withId.spec, hostname: withId.metadata.name };
  if (set.spec?.serviceName) withId.spec.subdomain = set.spec.serviceName;
  if (revision !== undefined) withId.metadata.labels = { ...withId.metadata.labels, [REVISION_LABEL]: revision };
  return withId;
}

export function revisionOfPod(pod: Pod): string {
  return pod.metadata.labels?.[REVISION_LABEL] ?? '';
}
