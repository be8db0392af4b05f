// core/v1 pod template types, as far as a Deployment from `kubectl create deployment` (and a
// hand-written template of common fields) needs them. Field numbers from
// staging/src/k8s.io/api/core/v1/generated.proto. Probes, lifecycle hooks, affinity, tolerations,
// topology spread and DNS config are not in the table and are skipped as unknown fields.
import type { MessageTable } from './schema.ts';

export const corePodMessages: MessageTable = {
  PodTemplateSpec: {
    fields: [
      { number: 1, name: 'metadata', type: 'message:ObjectMeta' },
      { number: 2, name: 'spec', type: 'message:PodSpec' },
    ],
  },
  PodSpec: {
    fields: [
      { number: 1, name: 'volumes', type: 'message:Volume', repeated: true },
      { number: 20, name: 'initContainers', type: 'message:Container', repeated: true },
      { number: 2, name: 'containers', type: 'message:Container', repeated: true },
      { number: 3, name: 'restartPolicy', type: 'string' },
      { number: 4, name: 'terminationGracePeriodSeconds', type: 'int64', pointer: true },
      { number: 5, name: 'activeDeadlineSeconds', type: 'int64', pointer: true },
      { number: 6, name: 'dnsPolicy', type: 'string' },
      { number: 7, name: 'nodeSelector', type: 'map<string,string>' },
      { number: 8, name: 'serviceAccountName', type: 'string' },
      { number: 9, name: 'serviceAccount', type: 'string' },
      { number: 21, name: 'automountServiceAccountToken', type: 'bool', pointer: true },
      { number: 10, name: 'nodeName', type: 'string' },
      { number: 11, name: 'hostNetwork', type: 'bool' },
      { number: 12, name: 'hostPID', type: 'bool' },
      { number: 13, name: 'hostIPC', type: 'bool' },
      { number: 27, name: 'shareProcessNamespace', type: 'bool', pointer: true },
      { number: 14, name: 'securityContext', type: 'message:PodSecurityContext' },
      { number: 15, name: 'imagePullSecrets', type: 'message:LocalObjectReference', repeated: true },
      { number: 16, name: 'hostname', type: 'string' },
      { number: 17, name: 'subdomain', type: 'string' },
      { number: 19, name: 'schedulerName', type: 'string' },
      { number: 23, name: 'hostAliases', type: 'message:HostAlias', repeated: true },
      { number: 24, name: 'priorityClassName', type: 'string' },
      { number: 25, name: 'priority', type: 'int32', pointer: true },
      { number: 29, name: 'runtimeClassName', type: 'string', pointer: true },
      { number: 30, name: 'enableServiceLinks', type: 'bool', pointer: true },
      { number: 31, name: 'preemptionPolicy', type: 'string', pointer: true },
      { number: 35, name: 'setHostnameAsFQDN', type: 'bool', pointer: true },
      { number: 36, name: 'os', type: 'message:PodOS' },
      { number: 37, name: 'hostUsers', type: 'bool', pointer: true },
      { number: 38, name: 'schedulingGates', type: 'message:PodSchedulingGate', repeated: true },
    ],
  },
  HostAlias: {
    fields: [
      { number: 1, name: 'ip', type: 'string' },
      { number: 2, name: 'hostnames', type: 'string', repeated: true },
    ],
  },
  PodOS: {
    fields: [{ number: 1, name: 'name', type: 'string' }],
  },
  PodSchedulingGate: {
    fields: [{ number: 1, name: 'name', type: 'string' }],
  },
  PodSecurityContext: {
    fields: [
      { number: 1, name: 'seLinuxOptions', type: 'message:SELinuxOptions' },
      { number: 2, name: 'runAsUser', type: 'int64', pointer: true },
      { number: 6, name: 'runAsGroup', type: 'int64', pointer: true },
      { number: 3, name: 'runAsNonRoot', type: 'bool', pointer: true },
      { number: 4, name: 'supplementalGroups', type: 'int64', repeated: true },
      { number: 5, name: 'fsGroup', type: 'int64', pointer: true },
      { number: 9, name: 'fsGroupChangePolicy', type: 'string', pointer: true },
      { number: 10, name: 'seccompProfile', type: 'message:SeccompProfile' },
    ],
  },
  SecurityContext: {
    fields: [
      { number: 1, name: 'capabilities', type: 'message:Capabilities' },
      { number: 2, name: 'privileged', type: 'bool', pointer: true },
      { number: 3, name: 'seLinuxOptions', type: 'message:SELinuxOptions' },
      { number: 4, name: 'runAsUser', type: 'int64', pointer: true },
      { number: 8, name: 'runAsGroup', type: 'int64', pointer: true },
      { number: 5, name: 'runAsNonRoot', type: 'bool', pointer: true },
      { number: 6, name: 'readOnlyRootFilesystem', type: 'bool', pointer: true },
      { number: 7, name: 'allowPrivilegeEscalation', type: 'bool', pointer: true },
      { number: 9, name: 'procMount', type: 'string', pointer: true },
      { number: 11, name: 'seccompProfile', type: 'message:SeccompProfile' },
    ],
  },
  Capabilities: {
    fields: [
      { number: 1, name: 'add', type: 'string', repeated: true },
      { number: 2, name: 'drop', type: 'string', repeated: true },
    ],
  },
  SELinuxOptions: {
    fields: [
      { number: 1, name: 'user', type: 'string' },
      { number: 2, name: 'role', type: 'string' },
      { number: 3, name: 'type', type: 'string' },
      { number: 4, name: 'level', type: 'string' },
    ],
  },
  SeccompProfile: {
    fields: [
      { number: 1, name: 'type', type: 'string' },
      { number: 2, name: 'localhostProfile', type: 'string', pointer: true },
    ],
  },
};
