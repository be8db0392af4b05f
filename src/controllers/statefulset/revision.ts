// The revision of a StatefulSet's template that its pods are labeled with.
//
// Kubernetes stores each revision as a ControllerRevision whose data is the strategic-merge patch
// `{"spec":{"template":{...,"$patch":"replace"}}}` made from the set as Go's JSON encoder writes
// it, and names it `<set>-<hash>` with hash = FNV-32 (not 32a) over those bytes plus the decimal
// collision count, safe-encoded. The same recipe is applied here to the set as stored (keys
// sorted as Go sorts map keys, Go's HTML escaping), so the name matches a real cluster's whenever
// the stored template serializes as Go would; templates that Go would print with extra zero
// values (`creationTimestamp: null`, `resources: {}`) hash differently. Ferry has no
// ControllerRevision kind yet: controllerRevisionFor builds the object for when it does.
// https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/statefulset/stateful_set_utils.go (getPatch, newRevision)
// https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/history/controller_history.go (HashControllerRevision)
import { STATEFUL_SET_KIND, newControllerRef } from '../common/controller-ref.ts';
import { canonicalJson, encodeHash, fnv32, utf8 } from '../common/hash.ts';
import type { KubeObject, StatefulSet } from '../common/types.ts';

/** The ControllerRevision label carrying the bare hash. */
export const CONTROLLER_REVISION_HASH_KEY = 'controller.kubernetes.io/hash';

/** Go's encoding/json escapes these inside strings; nothing else differs for sorted-key JSON. */
function goEscape(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** getPatch: the revision's data, as bytes-equivalent text. */
export function revisionPatch(set: StatefulSet): string {
  const template = { ...structuredClone(set.spec?.template ?? {}), $patch: 'replace' };
  return goEscape(canonicalJson({ spec: { template } }));
}

/** HashControllerRevision over the patch and the collision count (always written, 0 included). */
export function hashRevision(patch: string, collisionCount = 0): string {
  let h = fnv32(utf8(patch));
  h = fnv32(utf8(String(collisionCount)), h);
  return encodeHash(h);
}

/** ControllerRevisionName: the parent's name cut to 223 characters, a dash, the hash. */
export function controllerRevisionName(prefix: string, hash: string): string {
  return `${prefix.length > 223 ? prefix.slice(0, 223) : prefix}-${hash}`;
}

/** The update revision's name for the set's current template. */
export function updateRevisionName(set: StatefulSet): string {
  return controllerRevisionName(set.metadata.name ?? '', hashRevision(revisionPatch(set), set.status?.collisionCount ?? 0));
}

/** The apps/v1 ControllerRevision Kubernetes would store for this template. */
export function controllerRevisionFor(set: StatefulSet, revision: number): KubeObject {
  const patch = revisionPatch(set);
  const hash = hashRevision(patch, set.status?.collisionCount ?? 0);
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: controllerRevisionName(set.metadata.name ?? '', hash),
      namespace: set.metadata.namespace,
      labels: { ...set.spec?.template?.metadata?.labels, [CONTROLLER_REVISION_HASH_KEY]: hash },
      ownerReferences: [newControllerRef(set, STATEFUL_SET_KIND)],
    },
    data: JSON.parse(patch) as unknown,
    revision,
  };
}
