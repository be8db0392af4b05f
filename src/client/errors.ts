// Errors the client raises. An answer from the API server becomes an ApiStatusError carrying the
// metav1.Status it sent; everything else that fails on this side is a ClientError with a stable code.
// The predicates mirror k8s.io/apimachinery/pkg/api/errors so controller code reads like client-go's.
// https://github.com/kubernetes/apimachinery/blob/master/pkg/api/errors/errors.go

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** metav1.Status as the API server sends it on failures (and on some successes: delete, binding). */
export interface ApiStatus {
  kind: 'Status';
  apiVersion: string;
  metadata?: Record<string, unknown>;
  status?: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code?: number;
}

// What client-go's newUnstructuredResponseError infers when the body is not a Status (a proxy's
// HTML page, say): the reason the code implies.
const REASON_BY_CODE: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Gone',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

export class ApiStatusError extends Error {
  override readonly name = 'ApiStatusError';
  /** The HTTP status code. */
  readonly code: number;
  /** The Status reason (`NotFound`, `Conflict`, `AlreadyExists`, `Gone`, `Expired`, `Invalid`, ...). */
  readonly reason: string;
  readonly details: StatusDetails | undefined;
  readonly status: ApiStatus;
  constructor(status: ApiStatus, httpCode?: number) {
    const code = httpCode ?? status.code ?? 500;
    super(status.message ?? `the server answered ${code}`);
    this.code = code;
    this.reason = status.reason !== undefined && status.reason !== '' ? status.reason : (REASON_BY_CODE[code] ?? 'Unknown');
    this.details = status.details;
    this.status = status;
  }
}

export function isApiStatus(value: unknown): value is ApiStatus {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'Status';
}

/** The error for a failed response: its Status if the body is one, else one built from the code. */
export function errorFromResponse(code: number, body: string): ApiStatusError {
  try {
    const parsed: unknown = JSON.parse(body);
    if (isApiStatus(parsed)) return new ApiStatusError(parsed, code);
  } catch {
    // Not JSON: fall through to a Status made from the code.
  }
  const text = body.trim().slice(0, 512);
  const reason = REASON_BY_CODE[code] ?? 'Unknown';
  const message = text === '' ? `the server answered ${code} (${reason})` : `the server answered ${code} (${reason}): ${text}`;
  return new ApiStatusError({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message }, code);
}

export const ClientErrorCode = {
  /** The kubeconfig is missing, unreadable, or lacks what the chosen context needs. */
  InvalidKubeconfig: 'INVALID_KUBECONFIG',
  /** A namespaced call without a namespace (on the handle or in the object). */
  NamespaceRequired: 'NAMESPACE_REQUIRED',
  /** An object without metadata.name where one is needed. */
  NameRequired: 'NAME_REQUIRED',
  /** A request did not complete within the client's timeout. */
  Timeout: 'TIMEOUT',
  /** The connection failed (refused, reset, TLS). `cause` holds Node's error. */
  Connection: 'CONNECTION',
  /** A 2xx body or a watch event that is not the JSON it should be. */
  Decode: 'DECODE',
  /** The caller's AbortSignal fired. */
  Aborted: 'ABORTED',
  /** Options that cannot work together (a renew deadline longer than the lease, say). */
  InvalidOptions: 'INVALID_OPTIONS',
  /** A component used in a way its lifecycle does not allow (an informer started twice, say). */
  InvalidState: 'INVALID_STATE',
} as const;
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

export class ClientError extends Error {
  override readonly name = 'ClientError';
  readonly code: ClientErrorCode;
  constructor(code: ClientErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

function reasonOf(error: unknown): string | undefined {
  return error instanceof ApiStatusError ? error.reason : undefined;
}

export function isNotFound(error: unknown): boolean {
  return reasonOf(error) === 'NotFound';
}

export function isAlreadyExists(error: unknown): boolean {
  return reasonOf(error) === 'AlreadyExists';
}

/** 409 Conflict: a stale resourceVersion on update, or an apply conflict. Not AlreadyExists. */
export function isConflict(error: unknown): boolean {
  return reasonOf(error) === 'Conflict';
}

/**
 * 410: the resourceVersion asked for is compacted. Covers both reasons the API server uses, `Gone`
 * (a watch from too old a version) and `Expired` (a list or continue token), as client-go's
 * reflector treats them alike (isExpiredError).
 */
export function isGone(error: unknown): boolean {
  return error instanceof ApiStatusError && (error.code === 410 || error.reason === 'Gone' || error.reason === 'Expired');
}

export function isInvalid(error: unknown): boolean {
  return reasonOf(error) === 'Invalid';
}

export function isForbidden(error: unknown): boolean {
  return reasonOf(error) === 'Forbidden';
}

export function isTooManyRequests(error: unknown): boolean {
  return reasonOf(error) === 'TooManyRequests';
}
