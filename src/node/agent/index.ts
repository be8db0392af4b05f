// The node agent: Node registration and heartbeats, pod workers (pull, run, restart, delete), logs.
export { NodeAgent } from './node-agent.ts';
export type { NodeAgentOptions } from './node-agent.ts';
export { AgentLogSource } from './log-source.ts';
export type { LogStreamOptions } from './log-source.ts';
export { AgentError, AgentErrorCode, isAgentError } from './errors.ts';
export { Backoff } from './backoff.ts';
export { goDuration, msg as kubeletMessages, Reason as EventReason, Waiting as WaitingReason } from './kubelet-messages.ts';
export { INSECURE_ANNOTATION, PLAIN_HTTP_ANNOTATION } from './pod-worker.ts';
export { containerId, parseContainerId } from './paths.ts';
export { KUBELET_VERSION } from './node-status.ts';
export type { Taint } from './node-status.ts';
export { LEASE_NAMESPACE } from './heartbeat.ts';
