// Ferry's workload controllers and scheduler, as pure decisions over plain API objects: the
// deployment, ReplicaSet and StatefulSet controllers' plans and the scheduler's filter and score.
// The loops that watch, queue and write (src/client) call these and carry out what they return.
export * from './common/types.ts';
export * from './common/hash.ts';
export * from './common/int-or-percent.ts';
export * from './common/pod-state.ts';
export * from './common/controller-ref.ts';
export * from './common/pod-template.ts';

export * from './deployment/replica-sets.ts';
export * from './deployment/pod-template-hash.ts';
export * from './deployment/annotations.ts';
export * from './deployment/rolling.ts';
export * from './deployment/scale.ts';
export * from './deployment/recreate.ts';
export * from './deployment/history.ts';
export * from './deployment/conditions.ts';
export * from './deployment/status.ts';
export * from './deployment/sync.ts';

export * from './replicaset/pod-ranking.ts';
export * from './replicaset/manage.ts';
export * from './replicaset/status.ts';

export * from './statefulset/identity.ts';
export * from './statefulset/revision.ts';
export * from './statefulset/status.ts';
export * from './statefulset/ordinal.ts';

export * from './scheduler/resources.ts';
export * from './scheduler/taints.ts';
export * from './scheduler/node-affinity.ts';
export * from './scheduler/filters.ts';
export * from './scheduler/score.ts';
export * from './scheduler/fit-error.ts';
export * from './scheduler/schedule.ts';
