// One logical request to one registry endpoint: authentication on 401, redirects (credentials
// and configured headers never leave the endpoint's origin: distribution-spec "MUST NOT forward
// Authorization across host boundaries", CVE-2020-15157), and retries with backoff for 429, 5xx
// and dropped connections.
import { describeCredential } from '../credential.ts';
import { ErrorCode, ImageError } from '../errors.ts';
import type { Authorizer } from './authorizer.ts';
import { actionOf, transportError, type ErrorContext } from './error-map.ts';
import type { RegistryEndpoint, TlsOptions } from './hosts.ts';
import { httpRequest, TransportFailure, type HttpRequest, type HttpResponse } from './http.ts';
import { backoffDelay, RETRYABLE_STATUS, sleep, type RetryPolicy } from './retry.ts';
import { TokenRejected } from './token.ts';

export interface ExchangeOptions {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH';
  /** Path below the API root, e.g. `/library/nginx/manifests/latest`. */
  path: string;
  /**
   * An upload URL the registry handed out (its `Location`, absolute or relative to the endpoint),
   * used instead of `path`. Credentials and configured headers go with it only on the endpoint's origin.
   */
  location?: string | undefined;
  /** Request body; a StreamBody is reopened for each attempt. */
  body?: HttpRequest['body'];
  headers?: Record<string, string>;
  scopes: string[];
  signal?: AbortSignal | undefined;
  idleTimeoutMs?: number | undefined;
}

export interface ExchangeContext {
  endpoint: RegistryEndpoint;
  registry: string;
  authorizer: Authorizer;
  retry: RetryPolicy;
  errorContext: ErrorContext;
}

const MAX_REDIRECTS = 10;

export function endpointUrl(ep: RegistryEndpoint, path: string, registry: string): URL {
  const root = ep.apiRoot.replace(/\/+$/, '');
  const u = new URL(`${ep.scheme}://${ep.host}${root}${path}`);
  if (ep.mirror) u.searchParams.set('ns', registry);
  return u;
}

/** Sends the request, retrying what is temporary. Any HTTP status is returned; failures to get one throw ImageError. */
export async function exchange(ctx: ExchangeContext, opts: ExchangeOptions): Promise<HttpResponse> {
  for (let attempt = 1; ; attempt++) {
    let res: HttpResponse;
    try {
      res = await once(ctx, opts);
    } catch (err) {
      if (err instanceof TransportFailure) {
        if (err.kind === 'http-to-https' && ctx.endpoint.httpFallback && ctx.endpoint.scheme === 'https') {
          ctx.endpoint.scheme = 'http';
          attempt--;
          continue;
        }
        const temporary = err.kind === 'reset' || err.kind === 'timeout';
        if (temporary && attempt < ctx.retry.attempts) {
          await sleep(backoffDelay(ctx.retry, attempt), opts.signal);
          continue;
        }
        throw transportError(err, ctx.errorContext);
      }
      if (err instanceof TokenRejected) throw tokenError(err, ctx.errorContext);
      throw err;
    }
    if (RETRYABLE_STATUS.has(res.status) && attempt < ctx.retry.attempts) {
      res.body.resume();
      await sleep(backoffDelay(ctx.retry, attempt, res.headers['retry-after']), opts.signal);
      continue;
    }
    return res;
  }
}

async function once(ctx: ExchangeContext, opts: ExchangeOptions): Promise<HttpResponse> {
  const ep = ctx.endpoint;
  const base = endpointUrl(ep, '/', ctx.registry);
  const url = opts.location === undefined ? endpointUrl(ep, opts.path, ctx.registry) : new URL(opts.location, base);
  const own = url.origin === base.origin;
  // Another origin is trusted on its own merits, as for redirects below.
  const tls: TlsOptions = own ? ep.tls : { ca: ep.tls.ca, verify: true };
  const send = async (): Promise<HttpResponse> => {
    const auth = own ? await ctx.authorizer.header(ep.host, opts.scopes, ep.tls, opts.signal) : undefined;
    const headers = { ...(own ? ep.headers : {}), ...opts.headers, ...(auth === undefined ? {} : { authorization: auth }) };
    return httpRequest({ method: opts.method, url, headers, body: opts.body, tls, signal: opts.signal, idleTimeoutMs: opts.idleTimeoutMs });
  };
  let res = await send();
  if (res.status === 401 && own) {
    const outcome = await ctx.authorizer.challenged(ep.host, res.headers['www-authenticate'], opts.scopes, ep.tls, opts.signal);
    if (outcome === 'retry') {
      res.body.resume();
      res = await send();
    }
  }
  return followRedirects(res, ctx, opts);
}

async function followRedirects(first: HttpResponse, ctx: ExchangeContext, opts: ExchangeOptions): Promise<HttpResponse> {
  let res = first;
  const origin = endpointUrl(ctx.endpoint, '/', ctx.registry).origin;
  for (let hop = 0; isRedirect(res.status); hop++) {
    const location = res.headers.location;
    res.body.resume();
    if (hop >= MAX_REDIRECTS || location === undefined) {
      throw new ImageError(ErrorCode.RegistryProtocol, `${actionOf(ctx.errorContext)} ${ctx.errorContext.image}: registry ${ctx.endpoint.host} redirected too often or without a location`, { registry: ctx.registry });
    }
    const next = new URL(location, res.url);
    if (next.protocol !== 'https:' && next.protocol !== 'http:') {
      throw new ImageError(ErrorCode.RegistryProtocol, `${actionOf(ctx.errorContext)} ${ctx.errorContext.image}: registry ${ctx.endpoint.host} redirected to an unsupported scheme ${next.protocol}`, { registry: ctx.registry });
    }
    const sameOrigin = next.origin === origin;
    const headers: Record<string, string> = { ...(sameOrigin ? ctx.endpoint.headers : {}), ...opts.headers };
    if (sameOrigin) {
      const auth = await ctx.authorizer.header(ctx.endpoint.host, opts.scopes, ctx.endpoint.tls, opts.signal);
      if (auth !== undefined) headers.authorization = auth;
    }
    // Another host (blob storage, a CDN) is trusted on its own merits: the registry's
    // skip-verify setting does not extend to it, though its extra CAs still count.
    const tls: TlsOptions = sameOrigin ? ctx.endpoint.tls : { ca: ctx.endpoint.tls.ca, verify: true };
    // 301-303 turn a request into a body-less GET (RFC 9110 15.4); 307/308 repeat it as it was.
    const keep = res.status === 307 || res.status === 308 || opts.body === undefined;
    const method = keep ? opts.method : 'GET';
    res = await httpRequest({ method, url: next, headers, ...(keep ? { body: opts.body } : {}), tls, signal: opts.signal, idleTimeoutMs: opts.idleTimeoutMs });
  }
  return res;
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

function tokenError(err: TokenRejected, ctx: ErrorContext): ImageError {
  const c = ctx.credential;
  if (err.status === 401 || err.status === 403) {
    return new ImageError(
      ErrorCode.Unauthorized,
      ctx.action === 'pushing'
        ? c === undefined
          ? `push access denied for ${ctx.image}: the token service of registry ${ctx.host} refused anonymous access: pass --auth-file with a credential for ${ctx.registry} that may push`
          : `pushing ${ctx.image}: the token service of registry ${ctx.host} rejected the credential (${describeCredential(c)}): check the user name and password for ${ctx.registry}`
        : c === undefined
          ? `pull access denied for ${ctx.image}: the token service of registry ${ctx.host} refused anonymous access: create an image pull secret for ${ctx.registry} and name it in imagePullSecrets, or pass --auth-file`
          : `pulling ${ctx.image}: the token service of registry ${ctx.host} rejected the credential (${describeCredential(c)}): check the user name and password in the image pull secret for ${ctx.registry}`,
      { registry: ctx.registry, cause: err },
    );
  }
  return new ImageError(ErrorCode.RegistryProtocol, `${actionOf(ctx)} ${ctx.image}: the token service of registry ${ctx.host} failed: ${err.message}`, { registry: ctx.registry, cause: err, temporary: err.status >= 500 });
}
