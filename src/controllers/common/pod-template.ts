// The pod a workload controller creates from its template.
// https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/controller_utils.go (GetPodFromTemplate, getPodsPrefix)
import type { KubeObject, OwnerReference, Pod, PodTemplateSpec } from './types.ts';

const MAX_NAME = 253;

/**
 * `<parent>-` as generateName; the parent's bare name when the dash would make an invalid name
 * prefix (a DNS subdomain is at most 253 characters).
 */
export function podNamePrefix(parentName: string): string {
  const prefix = `${parentName}-`;
  return prefix.length > MAX_NAME ? parentName : prefix;
}

/**
 * A pod with the template's labels, annotations, finalizers and spec, `generateName` from the
 * parent, in the parent's namespace, controlled by `controllerRef`.
 */
export function podFromTemplate(template: PodTemplateSpec | undefined, parent: KubeObject, controllerRef: OwnerReference | undefined): Pod {
  const meta = template?.metadata ?? {};
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: podNamePrefix(parent.metadata.name ?? ''),
      namespace: parent.metadata.namespace,
      labels: { ...meta.labels },
      annotations: { ...meta.annotations },
    },
    spec: structuredClone(template?.spec ?? {}),
  };
  if (meta.finalizers !== undefined && meta.finalizers.length > 0) pod.metadata.finalizers = [...meta.finalizers];
  if (controllerRef !== undefined) pod.metadata.ownerReferences = [{ ...controllerRef }];
  return pod;
}
