// Errors of the patch engine. Every failure is a PatchError with a stable `code` (branch on it, never
// on the message), the HTTP status and metav1.Status reason kube-apiserver answers with, and the
// message it puts in that Status. Mapping: k8s.io/apiserver/pkg/endpoints/handlers/patch.go
// (applyJSPatch, interpretStrategicMergePatchError) and .../managedfields/internal/structuredmerge.go.

export const PatchErrorCode = {
  /** The patch document has the wrong shape (not an array of operations, not an object, bad directive). */
  InvalidPatch: 'INVALID_PATCH',
  /** More JSON patch operations than kube-apiserver accepts. */
  TooManyOperations: 'TOO_MANY_OPERATIONS',
  /** A JSON patch `test` operation did not match. */
  TestFailed: 'TEST_FAILED',
  /** A JSON patch path (or `from`) names nothing in the document. */
  PathNotFound: 'PATH_NOT_FOUND',
  /** A JSON patch operation is malformed: unknown `op`, missing `path`, bad root replacement. */
  InvalidOperation: 'INVALID_OPERATION',
  /** A strategic merge patch list element lacks the list's merge key. */
  MergeKeyMissing: 'MERGE_KEY_MISSING',
  /** A strategic merge patch directive cannot be applied (unknown `$patch`, order mismatch, mixed lists). */
  InvalidDirective: 'INVALID_DIRECTIVE',
  /** A strategic merge patch list holds lists, which Kubernetes does not merge. */
  UnsupportedList: 'UNSUPPORTED_LIST',
  /** A server-side apply request is rejected before merging (managedFields set, wrong apiVersion). */
  InvalidApply: 'INVALID_APPLY',
  /** An object does not fit its schema for server-side apply (list item without its key, duplicate keys). */
  InvalidObject: 'INVALID_OBJECT',
} as const;

export type PatchErrorCode = (typeof PatchErrorCode)[keyof typeof PatchErrorCode];

/** metav1.Status reasons used here; '' is StatusReasonUnknown (a plain error turned into a 500). */
export type PatchStatusReason = 'BadRequest' | 'Invalid' | 'RequestEntityTooLarge' | '';

const UNPROCESSABLE = 'the server rejected our request due to an error in our request';

const defaults: Record<PatchErrorCode, { status: number; reason: PatchStatusReason }> = {
  INVALID_PATCH: { status: 400, reason: 'BadRequest' },
  TOO_MANY_OPERATIONS: { status: 413, reason: 'RequestEntityTooLarge' },
  TEST_FAILED: { status: 422, reason: 'Invalid' },
  PATH_NOT_FOUND: { status: 422, reason: 'Invalid' },
  INVALID_OPERATION: { status: 422, reason: 'Invalid' },
  MERGE_KEY_MISSING: { status: 500, reason: '' },
  INVALID_DIRECTIVE: { status: 500, reason: '' },
  UNSUPPORTED_LIST: { status: 422, reason: 'Invalid' },
  INVALID_APPLY: { status: 400, reason: 'BadRequest' },
  INVALID_OBJECT: { status: 500, reason: '' },
};

const brand = Symbol.for('ferry.PatchError');

export class PatchError extends Error {
  readonly code: PatchErrorCode;
  /** HTTP status kube-apiserver answers with. */
  readonly status: number;
  readonly reason: PatchStatusReason;
  /**
   * The `message` of the metav1.Status kube-apiserver sends. For 422 it is the generic sentence of
   * apierrors.NewGenericServerResponse: the detail in `message` is not sent (kubectl prints
   * `The request is invalid: the server rejected our request due to an error in our request`).
   */
  readonly statusMessage: string;

  constructor(code: PatchErrorCode, message: string) {
    super(message);
    this.name = 'PatchError';
    this.code = code;
    this.status = defaults[code].status;
    this.reason = defaults[code].reason;
    this.statusMessage =
      this.status === 422 ? UNPROCESSABLE : this.status === 413 ? `Request entity too large: ${message}` : message;
    Object.defineProperty(this, brand, { value: true });
  }

  // Keyed on a global symbol so that two copies of the library still recognise each other's errors.
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this !== PatchError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  }
}

export function isPatchError(err: unknown, code?: PatchErrorCode): err is PatchError {
  return err instanceof PatchError && (code === undefined || err.code === code);
}
