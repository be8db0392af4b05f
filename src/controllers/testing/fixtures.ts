// Builders for the controllers' unit tests: small objects with only the fields a test sets.
import type { Condition, Deployment, IntOrString, Node, Pod, ReplicaSet, StatefulSet } from '../common/types.ts';

export const NOW = new Date('2024-05-01T12:00:00Z');

export function ago(seconds: number, now = NOW): string {
  return `${new Date(now.getTime() - seconds * 1000).toISOString().slice(0, 19)}Z`;
}

export interface DeploymentOptions {
  name?: string;
  replicas?: number;
  maxSurge?: IntOrString;
  maxUnavailable?: IntOrString;
  strategy?: 'RollingUpdate' | 'Recreate';
  image?: string;
  revisionHistoryLimit?: number;
  progressDeadlineSeconds?: number;
  minReadySeconds?: number;
  paused?: boolean;
  generation?: number;
}

export function deployment(o: DeploymentOptions = {}): Deployment {
  const strategy = o.strategy ?? 'RollingUpdate';
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: o.name ?? 'foo', namespace: 'default', uid: 'd-uid', generation: o.generation ?? 1 },
    spec: {
      replicas: o.replicas ?? 1,
      selector: { matchLabels: { app: 'foo' } },
      template: {
        metadata: { labels: { app: 'foo' } },
        spec: { containers: [{ name: 'c', image: o.image ?? 'nginx:1' }] },
      },
      strategy:
        strategy === 'Recreate'
          ? { type: 'Recreate' }
          : { type: 'RollingUpdate', rollingUpdate: { maxSurge: o.maxSurge ?? 0, maxUnavailable: o.maxUnavailable ?? 0 } },
      minReadySeconds: o.minReadySeconds ?? 0,
      ...(o.revisionHistoryLimit === undefined ? {} : { revisionHistoryLimit: o.revisionHistoryLimit }),
      ...(o.progressDeadlineSeconds === undefined ? {} : { progressDeadlineSeconds: o.progressDeadlineSeconds }),
      ...(o.paused === undefined ? {} : { paused: o.paused }),
    },
  };
}

export interface ReplicaSetOptions {
  replicas?: number;
  available?: number;
  ready?: number;
  actual?: number;
  createdSecondsAgo?: number;
  revision?: number;
  annotations?: Record<string, string>;
  image?: string;
  uid?: string;
}

export function replicaSet(name: string, o: ReplicaSetOptions = {}): ReplicaSet {
  const replicas = o.replicas ?? 0;
  const annotations = { ...o.annotations };
  if (o.revision !== undefined) annotations['deployment.kubernetes.io/revision'] = String(o.revision);
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: 'default',
      uid: o.uid ?? `${name}-uid`,
      creationTimestamp: ago(o.createdSecondsAgo ?? 0),
      annotations,
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'foo', uid: 'd-uid', controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'foo', 'pod-template-hash': name } },
      template: {
        metadata: { labels: { app: 'foo', 'pod-template-hash': name } },
        spec: { containers: [{ name: 'c', image: o.image ?? `image-${name}` }] },
      },
    },
    status: {
      replicas: o.actual ?? replicas,
      readyReplicas: o.ready ?? o.available ?? replicas,
      availableReplicas: o.available ?? replicas,
    },
  };
}

export interface PodOptions {
  node?: string;
  phase?: string;
  ready?: boolean;
  readySecondsAgo?: number;
  createdSecondsAgo?: number;
  restarts?: number;
  labels?: Record<string, string>;
  owner?: { kind: string; name: string; uid: string };
  deleting?: boolean;
  uid?: string;
  annotations?: Record<string, string>;
}

export function pod(name: string, o: PodOptions = {}): Pod {
  const conditions: Condition[] = [];
  if (o.ready !== undefined) {
    const c: Condition = { type: 'Ready', status: o.ready ? 'True' : 'False' };
    if (o.readySecondsAgo !== undefined) c.lastTransitionTime = ago(o.readySecondsAgo);
    conditions.push(c);
  }
  const p: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      uid: o.uid ?? `${name}-uid`,
      labels: o.labels ?? { app: 'foo' },
      ...(o.createdSecondsAgo === undefined ? {} : { creationTimestamp: ago(o.createdSecondsAgo) }),
      ...(o.owner === undefined ? {} : { ownerReferences: [{ apiVersion: 'apps/v1', ...o.owner, controller: true, blockOwnerDeletion: true }] }),
      ...(o.deleting ? { deletionTimestamp: ago(0) } : {}),
      ...(o.annotations === undefined ? {} : { annotations: o.annotations }),
    },
    spec: { containers: [{ name: 'c', image: 'nginx' }], ...(o.node === undefined ? {} : { nodeName: o.node }) },
    status: {
      phase: o.phase ?? 'Running',
      conditions,
      containerStatuses: [{ name: 'c', restartCount: o.restarts ?? 0 }],
    },
  };
  return p;
}

export function node(name: string, allocatable: Record<string, string> = { cpu: '4', memory: '8Gi', pods: '110' }): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name } },
    spec: {},
    status: { allocatable, conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

export function statefulSet(name: string, replicas: number, extra: Partial<NonNullable<StatefulSet['spec']>> = {}): StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace: 'default', uid: `${name}-uid`, generation: 1 },
    spec: {
      replicas,
      serviceName: `${name}-svc`,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } },
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      ...extra,
    },
  };
}
