// core/v1 kinds that `kubectl create secret|configmap|namespace` sends. Field numbers from
// staging/src/k8s.io/api/core/v1/generated.proto.
import type { MessageTable } from './schema.ts';

export const coreMessages: MessageTable = {
  Secret: {
    fields: [
      { number: 1, name: 'metadata', type: 'message:ObjectMeta' },
      { number: 5, name: 'immutable', type: 'bool', pointer: true },
      { number: 2, name: 'data', type: 'map<string,bytes>' },
      { number: 4, name: 'stringData', type: 'map<string,string>' },
      { number: 3, name: 'type', type: 'string' },
    ],
  },
  ConfigMap: {
    fields: [
      { number: 1, name: 'metadata', type: 'message:ObjectMeta' },
      { number: 4, name: 'immutable', type: 'bool', pointer: true },
      { number: 2, name: 'data', type: 'map<string,string>' },
      { number: 3, name: 'binaryData', type: 'map<string,bytes>' },
    ],
  },
  Namespace: {
    fields: [
      { number: 1, name: 'metadata', type: 'message:ObjectMeta' },
      { number: 2, name: 'spec', type: 'message:NamespaceSpec' },
      { number: 3, name: 'status', type: 'message:NamespaceStatus' },
    ],
  },
  NamespaceSpec: {
    fields: [{ number: 1, name: 'finalizers', type: 'string', repeated: true }],
  },
  NamespaceStatus: {
    fields: [
      { number: 1, name: 'phase', type: 'string' },
      { number: 2, name: 'conditions', type: 'message:NamespaceCondition', repeated: true },
    ],
  },
  NamespaceCondition: {
    fields: [
      { number: 1, name: 'type', type: 'string' },
      { number: 2, name: 'status', type: 'string' },
      { number: 4, name: 'lastTransitionTime', type: 'message:Time' },
      { number: 5, name: 'reason', type: 'string' },
      { number: 6, name: 'message', type: 'string' },
    ],
  },
  LocalObjectReference: {
    fields: [{ number: 1, name: 'name', type: 'string' }],
  },
};
