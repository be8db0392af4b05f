// Errors of the container runtime layer. Callers branch on `code`, never on the message; the
// message says what failed and, where there is one, the fix.

export const RuntimeErrorCode = {
  /** runc is not installed or does not run. */
  RuncNotFound: 'RUNC_NOT_FOUND',
  /** A runc command failed; the message holds runc's own error. */
  RuncFailed: 'RUNC_FAILED',
  /** The pod or container spec cannot be turned into an OCI spec. */
  InvalidSpec: 'INVALID_SPEC',
  /** A user or group name is not in the image's /etc/passwd or /etc/group. */
  UserNotFound: 'USER_NOT_FOUND',
  /** The container does not exist (neither runc nor a monitor knows it). */
  NotFound: 'NOT_FOUND',
  /** A container with this id exists already. */
  AlreadyExists: 'ALREADY_EXISTS',
  /** runc could not start the container (bad executable, mount failure, ...). */
  StartFailed: 'START_FAILED',
  /** The container is still running where it must not be (remove without force). */
  StillRunning: 'STILL_RUNNING',
  /** Preparing or releasing a rootfs failed (mount, copy, unmount). */
  RootfsFailed: 'ROOTFS_FAILED',
  /** A path would leave the directory it must stay in. */
  UnsafePath: 'UNSAFE_PATH',
  Timeout: 'TIMEOUT',
  Aborted: 'ABORTED',
} as const;

export type RuntimeErrorCode = (typeof RuntimeErrorCode)[keyof typeof RuntimeErrorCode];

const brand = Symbol.for('ferry.RuntimeError');

export class RuntimeError extends Error {
  readonly code: RuntimeErrorCode;

  constructor(code: RuntimeErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RuntimeError';
    this.code = code;
    Object.defineProperty(this, brand, { value: true });
  }

  // Keyed on a global symbol so that two copies of the module still recognise each other's errors.
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this !== RuntimeError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  }
}

export function isRuntimeError(err: unknown, code?: RuntimeErrorCode): err is RuntimeError {
  return err instanceof RuntimeError && (code === undefined || err.code === code);
}
