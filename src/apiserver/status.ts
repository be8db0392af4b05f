// Errors as metav1.Status, the shape kubectl prints ("Error from server (NotFound): ...").
// Reasons and codes: https://github.com/kubernetes/apimachinery/blob/master/pkg/apis/meta/v1/types.go
import type { FieldError } from '../api/kind.ts';

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: { reason: string; message: string; field?: string }[];
  retryAfterSeconds?: number;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly code: number;
  readonly reason: string;
  readonly details: StatusDetails | undefined;
  constructor(code: number, reason: string, message: string, details?: StatusDetails) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  toStatus(): Record<string, unknown> {
    const status: Record<string, unknown> = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details !== undefined) status['details'] = this.details;
    return status;
  }
}

export interface ResourceRef {
  group: string;
  resource: string;
}

function qualified(ref: ResourceRef): string {
  return ref.group === '' ? ref.resource : `${ref.resource}.${ref.group}`;
}

// utilerrors.Aggregate prints one error bare and several in brackets.
function aggregate(messages: string[]): string {
  return messages.length === 1 ? (messages[0] as string) : `[${messages.join(', ')}]`;
}

/** Create and update bodies, in the order kube-apiserver's 415 message lists them. */
export const BODY_MEDIA_TYPES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'] as const;
/** PATCH bodies of built-in kinds, in kube-apiserver's order; custom resources take all but strategic merge. */
export const PATCH_MEDIA_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
] as const;

export const errors = {
  notFound: (ref: ResourceRef, name: string) =>
    new ApiError(404, 'NotFound', `${qualified(ref)} "${name}" not found`, { name, group: ref.group || undefined, kind: ref.resource }),
  alreadyExists: (ref: ResourceRef, name: string) =>
    new ApiError(409, 'AlreadyExists', `${qualified(ref)} "${name}" already exists`, { name, group: ref.group || undefined, kind: ref.resource }),
  conflict: (ref: ResourceRef, name: string, why: string) =>
    new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(ref)} "${name}": ${why}`, {
      name,
      group: ref.group || undefined,
      kind: ref.resource,
    }),
  invalid: (group: string, kind: string, name: string, causes: FieldError[]) =>
    new ApiError(
      422,
      'Invalid',
      `${kind}${group === '' ? '' : `.${group}`} "${name}" is invalid: ${aggregate(causes.map((c) => `${c.field}: ${c.message}`))}`,
      { name, group: group || undefined, kind, causes },
    ),
  badRequest: (message: string) => new ApiError(400, 'BadRequest', message),
  unauthorized: () => new ApiError(401, 'Unauthorized', 'Unauthorized'),
  forbidden: (message: string) => new ApiError(403, 'Forbidden', message),
  methodNotAllowed: (message = 'the server does not allow this method on the requested resource') =>
    new ApiError(405, 'MethodNotAllowed', message),
  notAcceptable: (message: string) => new ApiError(406, 'NotAcceptable', message),
  // negotiation.NewUnsupportedMediaTypeError: the message lists what the endpoint accepts.
  unsupportedMediaType: (accepted: readonly string[] = BODY_MEDIA_TYPES) =>
    new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`),
  tooLarge: () => new ApiError(413, 'RequestEntityTooLarge', 'the request body is too large'),
  gone: (message: string) => new ApiError(410, 'Expired', message),
  pathNotFound: () => new ApiError(404, 'NotFound', 'the server could not find the requested resource'),
  internal: (message: string) => new ApiError(500, 'InternalError', `Internal error occurred: ${message}`),
};

export function successStatus(details: StatusDetails): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details };
}
