// Errors of certificate generation. Every failure is a PkiError with a stable `code` (branch on it,
// never on the message). Messages never include key material.

export const PkiErrorCode = {
  /** An option is missing or malformed: empty common name, bad IP address, non-ASCII DNS name. */
  InvalidArgument: 'PKI_INVALID_ARGUMENT',
  /** The CA certificate or key cannot be used: not a CA, unparsable, or the key does not match it. */
  InvalidCa: 'PKI_INVALID_CA',
  /** The signing key's algorithm is neither ECDSA nor RSA. */
  UnsupportedKey: 'PKI_UNSUPPORTED_KEY',
} as const;

export type PkiErrorCode = (typeof PkiErrorCode)[keyof typeof PkiErrorCode];

const brand = Symbol.for('ferry.PkiError');

export class PkiError extends Error {
  readonly code: PkiErrorCode;

  constructor(code: PkiErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PkiError';
    this.code = code;
    Object.defineProperty(this, brand, { value: true });
  }

  // Keyed on a global symbol so that two copies of the module still recognise each other's errors.
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this !== PkiError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  }
}

export function isPkiError(err: unknown, code?: PkiErrorCode): err is PkiError {
  return err instanceof PkiError && (code === undefined || err.code === code);
}
