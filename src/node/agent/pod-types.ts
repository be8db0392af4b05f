// The parts of core/v1 Pod, Node and their status that the node agent reads and writes.
import type { KubeObject } from '../../api/object.ts';
import type { ContainerSpec } from '../runtime/index.ts';

export interface KeySelector {
  name?: string;
  key: string;
  optional?: boolean;
}

export interface EnvVarSource {
  fieldRef?: { apiVersion?: string; fieldPath: string };
  resourceFieldRef?: { containerName?: string; resource: string; divisor?: string | number };
  configMapKeyRef?: KeySelector;
  secretKeyRef?: KeySelector;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: EnvVarSource;
}

export interface EnvFromSource {
  prefix?: string;
  configMapRef?: { name?: string; optional?: boolean };
  secretRef?: { name?: string; optional?: boolean };
}

/** An int port or the name of one of the container's ports (IntOrString). */
export type PortRef = number | string;

export interface Probe {
  exec?: { command?: string[] };
  httpGet?: { host?: string; scheme?: 'HTTP' | 'HTTPS'; path?: string; port: PortRef; httpHeaders?: { name: string; value: string }[] };
  tcpSocket?: { host?: string; port: PortRef };
  grpc?: { port: number; service?: string };
  initialDelaySeconds?: number;
  timeoutSeconds?: number;
  periodSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
  terminationGracePeriodSeconds?: number;
}

export interface ContainerPort {
  name?: string;
  containerPort: number;
  hostPort?: number;
  protocol?: string;
}

export interface PodContainer extends Omit<ContainerSpec, 'env'> {
  image?: string;
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  env?: EnvVar[];
  envFrom?: EnvFromSource[];
  ports?: ContainerPort[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  /** On an init container, `Always` makes it a sidecar (not supported by this agent yet). */
  restartPolicy?: string;
}

export interface PodSpec {
  nodeName?: string;
  serviceAccountName?: string;
  initContainers?: PodContainer[];
  containers: PodContainer[];
  restartPolicy?: 'Always' | 'OnFailure' | 'Never';
  imagePullSecrets?: { name?: string }[];
  terminationGracePeriodSeconds?: number;
  hostNetwork?: boolean;
  hostname?: string;
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
  initContainerStatuses?: ContainerStatus[];
  containerStatuses?: ContainerStatus[];
  qosClass?: string;
}

export interface Pod extends KubeObject {
  spec: PodSpec;
  status?: PodStatus;
}

export { formatTime as timestamp } from '../../api/time.ts';
