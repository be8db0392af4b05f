// The collections the node agent uses, from the api part's kind definitions.
import { kindByKind } from '../../api/kinds/index.ts';
import { refFor } from '../../client/index.ts';
import type { ResourceRef } from '../../client/index.ts';

function ref(group: string, kind: string): ResourceRef {
  const def = kindByKind(group, kind);
  if (def === undefined) throw new Error(`the api part has no kind ${group}/${kind}`);
  return refFor(def);
}

export const NODES = ref('', 'Node');
export const PODS = ref('', 'Pod');
export const SECRETS = ref('', 'Secret');
export const LEASES = ref('coordination.k8s.io', 'Lease');
export const CONFIGMAPS = ref('', 'ConfigMap');
export const IMAGE_CACHES = ref('eci.alibabacloud.com', 'ImageCache');
