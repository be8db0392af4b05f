// The parts of core/v1 Pod, Node and their status that the node agent reads and writes.
import type { KubeObject } from '../../api/object.ts';
import type { ContainerSpec } from '../runtime/index.ts';

export interface PodContainer extends Omit<ContainerSpec, 'env'> {
  image?: string;
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  env?: { name: string; value?: string; valueFrom?: unknown }[];
}

export interface PodSpec {
  nodeName?: string;
  containers: PodContainer[];
  restartPolicy?: 'Always' | 'OnFailure' | 'Never';
  imagePullSecrets?: { name?: string }[];
  terminationGracePeriodSeconds?: number;
  hostNetwork?: boolean;
}

export interface ContainerStateWaiting {
  reason: string;
  message?: string;
}

export interface ContainerStateRunning {
  startedAt: string;
}

export interface ContainerStateTerminated {
  exitCode: number;
  reason?: string;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
  containerID?: string;
}

export interface ContainerState {
  waiting?: ContainerStateWaiting;
  running?: ContainerStateRunning;
  terminated?: ContainerStateTerminated;
}

export interface ContainerStatus {
  name: string;
  image: string;
  imageID: string;
  containerID?: string;
  ready: boolean;
  started: boolean;
  restartCount: number;
  state: ContainerState;
  lastState: ContainerState;
}

export interface PodCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastProbeTime: null;
  lastTransitionTime: string;
  reason?: string;
  message?: string;
}

export interface PodStatus {
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  conditions?: PodCondition[];
  hostIP?: string;
  hostIPs?: { ip: string }[];
  podIP?: string;
  podIPs?: { ip: string }[];
  startTime?: string;
  containerStatuses?: ContainerStatus[];
  qosClass?: string;
}

export interface Pod extends KubeObject {
  spec: PodSpec;
  status?: PodStatus;
}

export { formatTime as timestamp } from '../../api/time.ts';
