// What a registry's answer to a push request means for the person pushing: refused credentials,
// missing push rights, a manifest the registry will not take. Pull wording lives in error-map.ts;
// transport failures are shared with it. Messages name the registry, the image and the fix, and
// never a URL query (upload Locations carry signed state).
// https://github.com/opencontainers/distribution-spec/blob/main/spec.md#error-codes
import { describeCredential } from '../credential.ts';
import { ErrorCode, ImageError } from '../errors.ts';
import { parseErrorBody, type ErrorContext } from './error-map.ts';

export interface PushErrorContext extends ErrorContext {
  /** Repository on the destination registry. */
  repository: string;
}

/** `insufficient_scope` in a Bearer challenge: the token is valid but lacks the action (RFC 6750 3.1). */
export function insufficientScope(wwwAuthenticate: string | string[] | undefined): boolean {
  const text = Array.isArray(wwwAuthenticate) ? wwwAuthenticate.join(', ') : (wwwAuthenticate ?? '');
  return /error="?insufficient_scope"?/i.test(text);
}

export function pushStatusError(
  status: number,
  bodyText: string,
  wwwAuthenticate: string | string[] | undefined,
  ctx: PushErrorContext,
  what: string,
): ImageError {
  const errors = parseErrorBody(bodyText);
  const codes = new Set(errors.map((e) => e.code));
  const detail = errors.map((e) => e.message).filter(Boolean).join('; ');
  const opts = { registry: ctx.registry };
  const who = describeCredential(ctx.credential);
  const lacksRights = `the credential (${who}) lacks push rights on ${ctx.repository} at registry ${ctx.host}: use an account that may push there, or ask the registry's admin to grant it`;
  if (status === 401) {
    if (ctx.credential === undefined) {
      return new ImageError(ErrorCode.Unauthorized, `push access denied for ${ctx.image}: registry ${ctx.host} requires authentication and no credential matched it: pass --auth-file with a credential for ${ctx.registry}`, opts);
    }
    if (insufficientScope(wwwAuthenticate) || codes.has('DENIED')) {
      return new ImageError(ErrorCode.Denied, `pushing ${ctx.image}: ${lacksRights}`, opts);
    }
    return new ImageError(ErrorCode.Unauthorized, `pushing ${ctx.image}: registry ${ctx.host} rejected the credential (${who}): check the user name and password for ${ctx.registry}, and that the account may push to ${ctx.repository}`, opts);
  }
  if (status === 403 || codes.has('DENIED')) {
    return new ImageError(ErrorCode.Denied, `pushing ${ctx.image}: ${lacksRights}${detail ? ` (${detail})` : ''}`, opts);
  }
  if (codes.has('MANIFEST_INVALID') || codes.has('MANIFEST_BLOB_UNKNOWN') || (codes.has('BLOB_UNKNOWN') && what.startsWith('manifest')) || codes.has('TAG_INVALID')) {
    return new ImageError(ErrorCode.ManifestRejected, `pushing ${ctx.image}: registry ${ctx.host} refused ${what}${detail ? ` (${detail})` : ''}: the registry may not support this manifest type, or lost a blob during the push; push again`, opts);
  }
  if (codes.has('NAME_INVALID')) {
    return new ImageError(ErrorCode.InvalidReference, `pushing ${ctx.image}: registry ${ctx.host} does not accept the repository name ${ctx.repository}${detail ? ` (${detail})` : ''}`, opts);
  }
  if (status === 404 && (codes.has('NAME_UNKNOWN') || codes.has('BLOB_UPLOAD_UNKNOWN'))) {
    return new ImageError(ErrorCode.NameUnknown, `pushing ${ctx.image}: registry ${ctx.host} has no repository ${ctx.repository} or lost the upload${detail ? ` (${detail})` : ''}: create the repository (some registries require that before a push) or push again`, { ...opts, temporary: codes.has('BLOB_UPLOAD_UNKNOWN') });
  }
  if (codes.has('DIGEST_INVALID') || codes.has('SIZE_INVALID')) {
    return new ImageError(ErrorCode.DigestMismatch, `pushing ${ctx.image}: registry ${ctx.host} computed another digest or size for ${what}${detail ? ` (${detail})` : ''}: the local blob may be damaged; run \`ferry pull\` again`, opts);
  }
  if (status === 413) {
    return new ImageError(ErrorCode.SizeLimit, `pushing ${ctx.image}: registry ${ctx.host} (or a proxy in front of it) refused ${what} as too large (HTTP 413): raise its body size limit, or push in chunks (chunkSize)`, opts);
  }
  if (status === 429) {
    return new ImageError(ErrorCode.TooManyRequests, `pushing ${ctx.image}: registry ${ctx.host} is rate limiting requests (429 Too Many Requests): wait and push again`, { ...opts, temporary: true });
  }
  if (status >= 500) {
    return new ImageError(ErrorCode.RegistryUnavailable, `pushing ${ctx.image}: registry ${ctx.host} failed with HTTP ${status}${detail ? ` (${detail})` : ''}: try again later`, { ...opts, temporary: true });
  }
  return new ImageError(ErrorCode.RegistryProtocol, `pushing ${ctx.image}: registry ${ctx.host} answered HTTP ${status} to ${what}${detail ? ` (${detail})` : ''}`, opts);
}
