// core/v1 Container and the types it holds. Field numbers from
// staging/src/k8s.io/api/core/v1/generated.proto (restartPolicy = 24 arrived with sidecar
// containers in 1.28). Probes, lifecycle hooks and resizePolicy are skipped as unknown fields.
import type { MessageTable } from './schema.ts';

export const coreContainerMessages: MessageTable = {
  Container: {
    fields: [
      { number: 1, name: 'name', type: 'string' },
      { number: 2, name: 'image', type: 'string' },
      { number: 3, name: 'command', type: 'string', repeated: true },
      { number: 4, name: 'args', type: 'string', repeated: true },
      { number: 5, name: 'workingDir', type: 'string' },
      { number: 6, name: 'ports', type: 'message:ContainerPort', repeated: true },
      { number: 19, name: 'envFrom', type: 'message:EnvFromSource', repeated: true },
      { number: 7, name: 'env', type: 'message:EnvVar', repeated: true },
      { number: 8, name: 'resources', type: 'message:ResourceRequirements' },
      { number: 24, name: 'restartPolicy', type: 'string', pointer: true },
      { number: 9, name: 'volumeMounts', type: 'message:VolumeMount', repeated: true },
      { number: 21, name: 'volumeDevices', type: 'message:VolumeDevice', repeated: true },
      { number: 13, name: 'terminationMessagePath', type: 'string' },
      { number: 20, name: 'terminationMessagePolicy', type: 'string' },
      { number: 14, name: 'imagePullPolicy', type: 'string' },
      { number: 15, name: 'securityContext', type: 'message:SecurityContext' },
      { number: 16, name: 'stdin', type: 'bool' },
      { number: 17, name: 'stdinOnce', type: 'bool' },
      { number: 18, name: 'tty', type: 'bool' },
    ],
  },
  ContainerPort: {
    fields: [
      { number: 1, name: 'name', type: 'string' },
      { number: 2, name: 'hostPort', type: 'int32' },
      { number: 3, name: 'containerPort', type: 'int32' },
      { number: 4, name: 'protocol', type: 'string' },
      { number: 5, name: 'hostIP', type: 'string' },
    ],
  },
  EnvVar: {
    fields: [
      { number: 1, name: 'name', type: 'string' },
      { number: 2, name: 'value', type: 'string' },
      { number: 3, name: 'valueFrom', type: 'message:EnvVarSource' },
    ],
  },
  EnvVarSource: {
    fields: [
      { number: 1, name: 'fieldRef', type: 'message:ObjectFieldSelector' },
      { number: 2, name: 'resourceFieldRef', type: 'message:ResourceFieldSelector' },
      { number: 3, name: 'configMapKeyRef', type: 'message:ConfigMapKeySelector' },
      { number: 4, name: 'secretKeyRef', type: 'message:SecretKeySelector' },
    ],
  },
  ObjectFieldSelector: {
    fields: [
      { number: 1, name: 'apiVersion', type: 'string' },
      { number: 2, name: 'fieldPath', type: 'string' },
    ],
  },
  ResourceFieldSelector: {
    fields: [
      { number: 1, name: 'containerName', type: 'string' },
      { number: 2, name: 'resource', type: 'string' },
      { number: 3, name: 'divisor', type: 'message:Quantity' },
    ],
  },
  ConfigMapKeySelector: {
    fields: [
      { number: 1, name: 'localObjectReference', type: 'message:LocalObjectReference', inline: true },
      { number: 2, name: 'key', type: 'string' },
      { number: 3, name: 'optional', type: 'bool', pointer: true },
    ],
  },
  SecretKeySelector: {
    fields: [
      { number: 1, name: 'localObjectReference', type: 'message:LocalObjectReference', inline: true },
      { number: 2, name: 'key', type: 'string' },
      { number: 3, name: 'optional', type: 'bool', pointer: true },
    ],
  },
  EnvFromSource: {
    fields: [
      { number: 1, name: 'prefix', type: 'string' },
      { number: 2, name: 'configMapRef', type: 'message:ConfigMapEnvSource' },
      { number: 3, name: 'secretRef', type: 'message:SecretEnvSource' },
    ],
  },
  ConfigMapEnvSource: {
    fields: [
      { number: 1, name: 'localObjectReference', type: 'message:LocalObjectReference', inline: true },
      { number: 2, name: 'optional', type: 'bool', pointer: true },
    ],
  },
  SecretEnvSource: {
    fields: [
      { number: 1, name: 'localObjectReference', type: 'message:LocalObjectReference', inline: true },
      { number: 2, name: 'optional', type: 'bool', pointer: true },
    ],
  },
  ResourceRequirements: {
    fields: [
      { number: 1, name: 'limits', type: 'map<string,message:Quantity>' },
      { number: 2, name: 'requests', type: 'map<string,message:Quantity>' },
      { number: 3, name: 'claims', type: 'message:ResourceClaim', repeated: true },
    ],
  },
  ResourceClaim: {
    fields: [{ number: 1, name: 'name', type: 'string' }],
  },
  VolumeMount: {
    fields: [
      { number: 1, name: 'name', type: 'string' },
      { number: 2, name: 'readOnly', type: 'bool' },
      { number: 3, name: 'mountPath', type: 'string' },
      { number: 4, name: 'subPath', type: 'string' },
      { number: 5, name: 'mountPropagation', type: 'string', pointer: true },
      { number: 6, name: 'subPathExpr', type: 'string' },
    ],
  },
  VolumeDevice: {
    fields: [
      { number: 1, name: 'name', type: 'string' },
      { number: 2, name: 'devicePath', type: 'string' },
    ],
  },
};
