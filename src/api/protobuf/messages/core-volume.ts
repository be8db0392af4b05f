// core/v1 volume types: the basic sources only (emptyDir, configMap, secret, hostPath and
// persistentVolumeClaim). Field numbers from staging/src/k8s.io/api/core/v1/generated.proto; other
// sources are skipped as unknown fields.
import type { MessageTable } from './schema.ts';

export const coreVolumeMessages: MessageTable = {
  Volume: {
    fields: [
      { number: 1, name: 'name', type: 'string' },
      { number: 2, name: 'volumeSource', type: 'message:VolumeSource', inline: true },
    ],
  },
  VolumeSource: {
    fields: [
      { number: 1, name: 'hostPath', type: 'message:HostPathVolumeSource' },
      { number: 2, name: 'emptyDir', type: 'message:EmptyDirVolumeSource' },
      { number: 6, name: 'secret', type: 'message:SecretVolumeSource' },
      { number: 10, name: 'persistentVolumeClaim', type: 'message:PersistentVolumeClaimVolumeSource' },
      { number: 19, name: 'configMap', type: 'message:ConfigMapVolumeSource' },
    ],
  },
  HostPathVolumeSource: {
    fields: [
      { number: 1, name: 'path', type: 'string' },
      { number: 2, name: 'type', type: 'string', pointer: true },
    ],
  },
  EmptyDirVolumeSource: {
    fields: [
      { number: 1, name: 'medium', type: 'string' },
      { number: 2, name: 'sizeLimit', type: 'message:Quantity' },
    ],
  },
  SecretVolumeSource: {
    fields: [
      { number: 1, name: 'secretName', type: 'string' },
      { number: 2, name: 'items', type: 'message:KeyToPath', repeated: true },
      { number: 3, name: 'defaultMode', type: 'int32', pointer: true },
      { number: 4, name: 'optional', type: 'bool', pointer: true },
    ],
  },
  ConfigMapVolumeSource: {
    fields: [
      { number: 1, name: 'localObjectReference', type: 'message:LocalObjectReference', inline: true },
      { number: 2, name: 'items', type: 'message:KeyToPath', repeated: true },
      { number: 3, name: 'defaultMode', type: 'int32', pointer: true },
      { number: 4, name: 'optional', type: 'bool', pointer: true },
    ],
  },
  KeyToPath: {
    fields: [
      { number: 1, name: 'key', type: 'string' },
      { number: 2, name: 'path', type: 'string' },
      { number: 3, name: 'mode', type: 'int32', pointer: true },
    ],
  },
  PersistentVolumeClaimVolumeSource: {
    fields: [
      { number: 1, name: 'claimName', type: 'string' },
      { number: 2, name: 'readOnly', type: 'bool' },
    ],
  },
};
