// apps/v1 Deployment. Field numbers from staging/src/k8s.io/api/apps/v1/generated.proto.
import type { MessageTable } from './schema.ts';

export const appsMessages: MessageTable = {
  Deployment: {
    fields: [
      { number: 1, name: 'metadata', type: 'message:ObjectMeta' },
      { number: 2, name: 'spec', type: 'message:DeploymentSpec' },
      { number: 3, name: 'status', type: 'message:DeploymentStatus' },
    ],
  },
  DeploymentSpec: {
    fields: [
      { number: 1, name: 'replicas', type: 'int32', pointer: true },
      { number: 2, name: 'selector', type: 'message:LabelSelector' },
      { number: 3, name: 'template', type: 'message:PodTemplateSpec' },
      { number: 4, name: 'strategy', type: 'message:DeploymentStrategy' },
      { number: 5, name: 'minReadySeconds', type: 'int32' },
      { number: 6, name: 'revisionHistoryLimit', type: 'int32', pointer: true },
      { number: 7, name: 'paused', type: 'bool' },
      { number: 9, name: 'progressDeadlineSeconds', type: 'int32', pointer: true },
      { number: 10, name: 'podReplacementPolicy', type: 'string', pointer: true },
    ],
  },
  DeploymentStrategy: {
    fields: [
      { number: 1, name: 'type', type: 'string' },
      { number: 2, name: 'rollingUpdate', type: 'message:RollingUpdateDeployment' },
    ],
  },
  RollingUpdateDeployment: {
    fields: [
      { number: 1, name: 'maxUnavailable', type: 'message:IntOrString' },
      { number: 2, name: 'maxSurge', type: 'message:IntOrString' },
    ],
  },
  DeploymentStatus: {
    fields: [
      { number: 1, name: 'observedGeneration', type: 'int64' },
      { number: 2, name: 'replicas', type: 'int32' },
      { number: 3, name: 'updatedReplicas', type: 'int32' },
      { number: 7, name: 'readyReplicas', type: 'int32' },
      { number: 4, name: 'availableReplicas', type: 'int32' },
      { number: 5, name: 'unavailableReplicas', type: 'int32' },
      { number: 9, name: 'terminatingReplicas', type: 'int32', pointer: true },
      { number: 6, name: 'conditions', type: 'message:DeploymentCondition', repeated: true },
      { number: 8, name: 'collisionCount', type: 'int32', pointer: true },
    ],
  },
  DeploymentCondition: {
    fields: [
      { number: 1, name: 'type', type: 'string' },
      { number: 2, name: 'status', type: 'string' },
      { number: 6, name: 'lastUpdateTime', type: 'message:Time' },
      { number: 7, name: 'lastTransitionTime', type: 'message:Time' },
      { number: 4, name: 'reason', type: 'string' },
      { number: 5, name: 'message', type: 'string' },
    ],
  },
};
