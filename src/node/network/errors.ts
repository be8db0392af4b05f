// Errors of pod networking. Callers branch on `code`; messages name what failed and the fix.
export const NetworkErrorCode = {
  /** CNI plugins, ip or iptables are missing, or the agent is not root. */
  Unavailable: 'NETWORK_UNAVAILABLE',
  /** A CNI plugin failed; the message holds the plugin's own error. */
  CniFailed: 'CNI_FAILED',
  /** Making or removing the pod's network namespace failed. */
  NetnsFailed: 'NETNS_FAILED',
} as const;

export type NetworkErrorCode = (typeof NetworkErrorCode)[keyof typeof NetworkErrorCode];

export class NetworkError extends Error {
  readonly code: NetworkErrorCode;

  constructor(code: NetworkErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'NetworkError';
    this.code = code;
  }
}
