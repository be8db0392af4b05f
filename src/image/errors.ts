// Errors of the image engine. Every failure a caller can act on is an ImageError with a stable
// `code` (branch on it, never on the message) and a message that names the registry or image
// and the fix. Messages never hold a password, token or signed URL query string.

export const ErrorCode = {
  InvalidReference: 'INVALID_REFERENCE',
  InvalidCredentials: 'INVALID_CREDENTIALS',
  InvalidArgument: 'INVALID_ARGUMENT',
  Unauthorized: 'UNAUTHORIZED',
  Denied: 'DENIED',
  ManifestUnknown: 'MANIFEST_UNKNOWN',
  NameUnknown: 'NAME_UNKNOWN',
  BlobUnknown: 'BLOB_UNKNOWN',
  TooManyRequests: 'TOO_MANY_REQUESTS',
  RegistryUnavailable: 'REGISTRY_UNAVAILABLE',
  RegistryProtocol: 'REGISTRY_PROTOCOL',
  TlsUnknownAuthority: 'TLS_UNKNOWN_AUTHORITY',
  TlsError: 'TLS_ERROR',
  HttpResponseToHttps: 'HTTP_RESPONSE_TO_HTTPS',
  ConnectionRefused: 'CONNECTION_REFUSED',
  DnsLookup: 'DNS_LOOKUP',
  Timeout: 'TIMEOUT',
  DigestMismatch: 'DIGEST_MISMATCH',
  SizeLimit: 'SIZE_LIMIT',
  UnsupportedManifest: 'UNSUPPORTED_MANIFEST',
  PlatformNotFound: 'PLATFORM_NOT_FOUND',
  UnsafeLayer: 'UNSAFE_LAYER',
  LayerFormat: 'LAYER_FORMAT',
  NotFound: 'NOT_FOUND',
  Aborted: 'ABORTED',
  /** An image replacement rule list (replacement.ts) is malformed or breaks a rule. */
  InvalidReplacementRules: 'INVALID_REPLACEMENT_RULES',
  /** A push source (or a manifest it needs) is not in the local content store: pull it first. */
  ImageNotStored: 'IMAGE_NOT_STORED',
  /** The destination registry refused a pushed manifest (invalid, or naming blobs it lacks). */
  ManifestRejected: 'MANIFEST_REJECTED',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface ImageErrorOptions {
  cause?: unknown;
  /** Whether retrying the same request later may succeed (429, 5xx, resets). */
  temporary?: boolean;
  /** Registry host the error concerns, for callers that group failures. */
  registry?: string;
}

const brand = Symbol.for('ferry.ImageError');

export class ImageError extends Error {
  readonly code: ErrorCode;
  readonly temporary: boolean;
  readonly registry: string | undefined;

  constructor(code: ErrorCode, message: string, options: ImageErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ImageError';
    this.code = code;
    this.temporary = options.temporary ?? false;
    this.registry = options.registry;
    Object.defineProperty(this, brand, { value: true });
  }

  // Keyed on a global symbol so that two copies of the library still recognise each other's errors.
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this !== ImageError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  }
}

export class InvalidReferenceError extends ImageError {
  constructor(message: string) {
    super(ErrorCode.InvalidReference, message);
    this.name = 'InvalidReferenceError';
  }
}

export function isImageError(err: unknown, code?: ErrorCode): err is ImageError {
  return err instanceof ImageError && (code === undefined || err.code === code);
}
