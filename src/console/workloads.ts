// Reading Deployments and StatefulSets for the tables, and the patches their actions send.
import type { KubeObject } from './api/client.ts';
import type { WorkloadKind } from './api/paths.ts';

export interface WorkloadRow {
  kind: WorkloadKind;
  name: string;
  desired: number;
  ready: number;
  upToDate: number;
  available: number;
  images: string[];
  created: string | undefined;
  containers: string[];
}

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

export function containersOf(o: KubeObject): { name: string; image: string }[] {
  const spec = o['spec'] as { template?: { spec?: { containers?: { name?: string; image?: string }[] } } } | undefined;
  return (spec?.template?.spec?.containers ?? []).map((c) => ({ name: c.name ?? '', image: c.image ?? '' }));
}

export function workloadRow(kind: WorkloadKind, o: KubeObject): WorkloadRow {
  const spec = (o['spec'] ?? {}) as { replicas?: number };
  const status = (o['status'] ?? {}) as Record<string, unknown>;
  const containers = containersOf(o);
  return {
    kind,
    name: o.metadata.name ?? '',
    desired: spec.replicas ?? 1,
    ready: num(status['readyReplicas']),
    upToDate: num(status['updatedReplicas']),
    available: num(status['availableReplicas']),
    images: containers.map((c) => c.image),
    created: o.metadata.creationTimestamp,
    containers: containers.map((c) => c.name),
  };
}

/** kubectl rollout restart's patch: a new pod-template annotation, so every pod is replaced. */
export function restartPatch(now: Date): unknown {
  return { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': now.toISOString().replace(/\.\d{3}Z$/, 'Z') } } } } };
}

/** kubectl set image's patch (strategic merge: containers are merged by name). */
export function setImagePatch(container: string, image: string): unknown {
  return { spec: { template: { spec: { containers: [{ name: container, image }] } } } };
}
