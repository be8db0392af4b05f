// The controller loops: informers, work queues and API writes around the pure decisions of
// src/controllers. Reaches the cluster only through src/client.
export { Controller } from './controller.ts';
export type { ControllerOptions, SyncResult } from './controller.ts';
export { Expectations } from './expectations.ts';
export { InformerFactory } from './informer-factory.ts';
export { ReplicaSetController } from './replicaset-controller.ts';
export { DeploymentController } from './deployment-controller.ts';
export { StatefulSetController } from './statefulset-controller.ts';
export { Scheduler, UNSCHEDULABLE_RETRY_MS } from './scheduler.ts';
export { LEASE_NAME, LEASE_NAMESPACE, startControllers } from './start.ts';
export type { RunningControllers, StartControllersOptions } from './start.ts';
