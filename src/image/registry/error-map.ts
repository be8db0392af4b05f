// Turns what a registry or the network did into an ImageError a person can act on: what
// happened, to which image on which registry, with which credential (user name only), and
// the fix. URLs in messages never carry a query string (signed URLs hold secrets).
import { describeCredential, type Credential } from '../credential.ts';
import { ErrorCode, ImageError } from '../errors.ts';
import type { TransportFailure } from './http.ts';

export interface ErrorContext {
  /** The image as the user wrote it, canonicalized. */
  image: string;
  registry: string;
  /** The host actually contacted (a mirror, or registry-1.docker.io for docker.io). */
  host: string;
  certsDir?: string | undefined;
  credential?: Credential | undefined;
  /** What the client was doing, for the first word of messages (default `pulling`). */
  action?: 'pulling' | 'pushing' | undefined;
}

export function actionOf(ctx: ErrorContext): string {
  return ctx.action ?? 'pulling';
}

export interface RegistryErrorBody {
  code: string;
  message: string;
}

export function parseErrorBody(text: string): RegistryErrorBody[] {
  try {
    const doc = JSON.parse(text) as { errors?: { code?: unknown; message?: unknown }[] };
    return (doc.errors ?? []).map((e) => ({ code: String(e.code ?? ''), message: String(e.message ?? '') }));
  } catch {
    return [];
  }
}

export function transportError(f: TransportFailure, ctx: ErrorContext): ImageError {
  const where = `registry ${ctx.host}`;
  const certPath = `${ctx.certsDir ?? '<certs-dir>'}/${ctx.registry}/ca.crt`;
  const opts = { cause: f, registry: ctx.registry };
  const act = actionOf(ctx);
  switch (f.kind) {
    case 'refused':
      return new ImageError(ErrorCode.ConnectionRefused, `${act} ${ctx.image}: cannot connect to ${where} (${f.detail}): check that it is running and that the host and port in the image name are right`, { ...opts, temporary: true });
    case 'proxy':
      return new ImageError(ErrorCode.ConnectionRefused, `${act} ${ctx.image}: the HTTPS proxy refused the connection to ${where} (${f.detail}): check HTTPS_PROXY, its credentials, and NO_PROXY`, opts);
    case 'dns':
      return new ImageError(ErrorCode.DnsLookup, `${act} ${ctx.image}: cannot resolve host ${ctx.host}: check the registry name in the image, and the node's DNS`, { ...opts, temporary: true });
    case 'tls-unknown-authority':
      return new ImageError(ErrorCode.TlsUnknownAuthority, `${act} ${ctx.image}: x509: certificate signed by unknown authority (${where}): add the registry's CA certificate to ${certPath}, or mark the registry insecure`, opts);
    case 'tls-hostname':
      return new ImageError(ErrorCode.TlsError, `${act} ${ctx.image}: the TLS certificate of ${where} is not valid for that name (${f.detail}): use the name the certificate was issued for, or mark the registry insecure`, opts);
    case 'tls-expired':
      return new ImageError(ErrorCode.TlsError, `${act} ${ctx.image}: the TLS certificate of ${where} is expired or not yet valid (${f.detail}): renew it, check the node's clock, or mark the registry insecure`, opts);
    case 'tls-other':
      return new ImageError(ErrorCode.TlsError, `${act} ${ctx.image}: TLS handshake with ${where} failed (${f.detail})`, opts);
    case 'http-to-https':
      return new ImageError(ErrorCode.HttpResponseToHttps, `${act} ${ctx.image}: ${where} gave an HTTP response to an HTTPS client: it serves plain HTTP, so mark it plain-http (--plain-http ${ctx.registry}, or the k8s.aliyun.com/plain-http-registry annotation)`, opts);
    case 'timeout':
      return new ImageError(ErrorCode.Timeout, `${act} ${ctx.image}: ${where} timed out (${f.detail})`, { ...opts, temporary: true });
    case 'aborted':
      return new ImageError(ErrorCode.Aborted, `${act} ${ctx.image}: cancelled`, opts);
    case 'reset':
      return new ImageError(ErrorCode.RegistryUnavailable, `${act} ${ctx.image}: connection to ${where} failed (${f.detail})`, { ...opts, temporary: true });
  }
}

export function statusError(status: number, bodyText: string, ctx: ErrorContext, what: 'manifest' | 'blob', ref: string): ImageError {
  const errors = parseErrorBody(bodyText);
  const codes = new Set(errors.map((e) => e.code));
  const detail = errors.map((e) => e.message).filter(Boolean).join('; ');
  const opts = { registry: ctx.registry };
  const who = describeCredential(ctx.credential);
  if (status === 401) {
    if (ctx.credential === undefined) {
      return new ImageError(ErrorCode.Unauthorized, `pull access denied for ${ctx.image}: registry ${ctx.host} requires authentication and no credential matched it: create an image pull secret (kubectl create secret docker-registry) for ${ctx.registry} and name it in imagePullSecrets, or pass --auth-file`, opts);
    }
    return new ImageError(ErrorCode.Unauthorized, `pulling ${ctx.image}: registry ${ctx.host} rejected the credential (${who}): check the user name and password in the image pull secret for ${ctx.registry}`, opts);
  }
  if (status === 403 || codes.has('DENIED')) {
    return new ImageError(ErrorCode.Denied, `pulling ${ctx.image}: registry ${ctx.host} denied access (${who})${detail ? `: ${detail}` : ''}: check that this account may pull the repository`, opts);
  }
  if (status === 404 || codes.has('MANIFEST_UNKNOWN') || codes.has('NAME_UNKNOWN') || codes.has('BLOB_UNKNOWN')) {
    if (codes.has('NAME_UNKNOWN')) {
      return new ImageError(ErrorCode.NameUnknown, `pulling ${ctx.image}: repository does not exist on registry ${ctx.host}: check the image name`, opts);
    }
    if (what === 'blob') {
      return new ImageError(ErrorCode.BlobUnknown, `pulling ${ctx.image}: registry ${ctx.host} does not have blob ${ref} that the manifest names: the image is incomplete on the registry; re-push it`, opts);
    }
    return new ImageError(ErrorCode.ManifestUnknown, `pulling ${ctx.image}: manifest ${ref} not found on registry ${ctx.host}: check the tag or digest`, opts);
  }
  if (status === 429) {
    return new ImageError(ErrorCode.TooManyRequests, `pulling ${ctx.image}: registry ${ctx.host} is rate limiting requests (429 Too Many Requests): wait, or authenticate to get a higher limit`, { ...opts, temporary: true });
  }
  if (status >= 500) {
    return new ImageError(ErrorCode.RegistryUnavailable, `pulling ${ctx.image}: registry ${ctx.host} failed with HTTP ${status}${detail ? ` (${detail})` : ''}: try again later`, { ...opts, temporary: true });
  }
  return new ImageError(ErrorCode.RegistryProtocol, `pulling ${ctx.image}: registry ${ctx.host} answered HTTP ${status} for ${what} ${ref}${detail ? ` (${detail})` : ''}`, opts);
}
