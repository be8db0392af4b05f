// Pod networking: a network namespace and an IP per pod (CNI bridge), see pod-network.ts.
export { DEFAULT_BRIDGE, DEFAULT_POD_SUBNET, PodNetwork } from './pod-network.ts';
export type { NetworkAvailability, PodNetworkOptions, PodRef, PodSandbox } from './pod-network.ts';
export { NetworkError, NetworkErrorCode } from './errors.ts';
export { EIP_INTERFACE } from './eip.ts';
export type { EipAttachment } from './eip.ts';
