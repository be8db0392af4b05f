// Bearer tokens from a registry's token realm (https://distribution.github.io/distribution/spec/auth/token/,
// .../auth/oauth/). Credentials go only to the realm the registry's own challenge named.
// Like containerd: OAuth2 POST first when we hold a secret, GET with Basic auth when the
// realm does not speak OAuth2; anonymous callers use GET.
import type { Credential } from '../credential.ts';
import type { TlsOptions } from './hosts.ts';
import { httpRequest, type HttpResponse } from './http.ts';
import { readBody } from './body.ts';

export interface TokenRequest {
  realm: URL;
  service: string | undefined;
  scopes: string[];
  credential: Credential | undefined;
  tls: TlsOptions;
  signal?: AbortSignal | undefined;
}

export interface Token {
  token: string;
  /** Epoch ms after which the token must not be used. */
  expiresAt: number;
}

export class TokenRejected extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'TokenRejected';
    this.status = status;
  }
}

// The spec's default lifetime when the realm does not say; containers/image also never trusts
// a token for less than a minute, which keeps a clock-skewed realm from forcing a fetch per request.
const DEFAULT_TOKEN_SECONDS = 60;
const MAX_TOKEN_RESPONSE_BYTES = 1 << 20;
const CLIENT_ID = 'ferry';

export async function fetchToken(req: TokenRequest): Promise<Token> {
  const c = req.credential;
  if (c?.registryToken !== undefined) {
    return { token: c.registryToken, expiresAt: Number.POSITIVE_INFINITY };
  }
  const secret = c?.identityToken ?? c?.password;
  if (secret !== undefined) {
    const form = new URLSearchParams({ client_id: CLIENT_ID });
    if (c?.identityToken !== undefined) {
      form.set('grant_type', 'refresh_token');
      form.set('refresh_token', c.identityToken);
    } else {
      form.set('grant_type', 'password');
      form.set('username', c?.username ?? '');
      form.set('password', secret);
    }
    if (req.service !== undefined) form.set('service', req.service);
    if (req.scopes.length > 0) form.set('scope', req.scopes.join(' '));
    const res = await httpRequest({
      method: 'POST',
      url: req.realm,
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', accept: 'application/json' },
      body: form.toString(),
      tls: req.tls,
      signal: req.signal,
    });
    // Realms that predate OAuth2 (Docker Hub among them) answer these; fall back to GET + Basic.
    const fallback = [400, 401, 404, 405].includes(res.status) && c?.identityToken === undefined;
    if (!fallback) return parseTokenResponse(res);
    res.body.resume();
  }
  const url = new URL(req.realm);
  if (req.service !== undefined) url.searchParams.set('service', req.service);
  for (const s of req.scopes) url.searchParams.append('scope', s);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (c?.username !== undefined && c.password !== undefined) {
    url.searchParams.set('account', c.username);
    headers.authorization = `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
  }
  const res = await httpRequest({ method: 'GET', url, headers, tls: req.tls, signal: req.signal });
  return parseTokenResponse(res);
}

async function parseTokenResponse(res: HttpResponse): Promise<Token> {
  const text = (await readBody(res.body, MAX_TOKEN_RESPONSE_BYTES)).toString('utf8');
  if (res.status !== 200) {
    throw new TokenRejected(res.status, `token server answered ${res.status}`);
  }
  let doc: { token?: unknown; access_token?: unknown; expires_in?: unknown; issued_at?: unknown };
  try {
    doc = JSON.parse(text) as typeof doc;
  } catch {
    throw new TokenRejected(res.status, 'token server answered with something that is not JSON');
  }
  const token = typeof doc.token === 'string' && doc.token !== '' ? doc.token : doc.access_token;
  if (typeof token !== 'string' || token === '') {
    throw new TokenRejected(res.status, 'token server answered without a token');
  }
  const seconds = typeof doc.expires_in === 'number' && doc.expires_in > DEFAULT_TOKEN_SECONDS ? doc.expires_in : DEFAULT_TOKEN_SECONDS;
  const issued = typeof doc.issued_at === 'string' ? Date.parse(doc.issued_at) : Number.NaN;
  const start = Number.isFinite(issued) && issued <= Date.now() ? issued : Date.now();
  return { token, expiresAt: start + seconds * 1000 };
}
