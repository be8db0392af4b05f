// Errors of the node agent. Callers branch on `code`; the message says what failed and the fix.
// The agent itself reports through events, pod status and the onError callback, never a log.

export const AgentErrorCode = {
  /** imagePullPolicy Never and the image is not on the node. */
  ImageNeverPull: 'IMAGE_NEVER_PULL',
  /** The image could not be pulled (the engine's error is the cause). */
  ImagePull: 'IMAGE_PULL',
  /** Still inside the pull backoff window for this pod and image. */
  ImagePullBackOff: 'IMAGE_PULL_BACKOFF',
  /** The container's config cannot be made: a Secret, ConfigMap or key its env names is missing. */
  CreateContainerConfig: 'CREATE_CONTAINER_CONFIG',
  /** The container could not be created or started. */
  CreateContainer: 'CREATE_CONTAINER',
  InvalidOptions: 'INVALID_OPTIONS',
} as const;

export type AgentErrorCode = (typeof AgentErrorCode)[keyof typeof AgentErrorCode];

export class AgentError extends Error {
  readonly code: AgentErrorCode;

  constructor(code: AgentErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AgentError';
    this.code = code;
  }
}

export function isAgentError(err: unknown, code?: AgentErrorCode): err is AgentError {
  return err instanceof AgentError && (code === undefined || err.code === code);
}
