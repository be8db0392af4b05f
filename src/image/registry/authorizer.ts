// Answers a registry's 401 challenges for one credential (or none), the way containerd's
// docker authorizer does: no /v2/ ping, the real request goes first and a 401 tells us the
// scheme. Basic is answered directly; Bearer tokens are fetched from the challenge's realm and
// cached per credential, realm, service and scope set until they expire.
import { credentialFingerprint, type Credential } from '../credential.ts';
import { parseChallenges, preferredChallenge } from './challenge.ts';
import type { TlsOptions } from './hosts.ts';
import { fetchToken, type Token } from './token.ts';

interface HostAuth {
  scheme: 'basic' | 'bearer';
  realm?: URL;
  service?: string | undefined;
  scopes: string[];
}

// Shared by every pull in the process, keyed by credential fingerprint, so that a token is
// never handed to a pull with other (or no) credentials. Bounded, oldest first out.
const tokenCache = new Map<string, Token>();
const MAX_CACHED_TOKENS = 512;
// Renew a little early so that a token does not expire between check and use.
const EXPIRY_MARGIN_MS = 5_000;

export type ChallengeOutcome = 'retry' | 'no-credential' | 'unsupported';

export class Authorizer {
  readonly credential: Credential | undefined;
  readonly #fingerprint: string;
  readonly #hosts = new Map<string, HostAuth>();

  constructor(credential: Credential | undefined) {
    this.credential = credential;
    this.#fingerprint = credentialFingerprint(credential);
  }

  /** The Authorization header for a request to `host` needing `scopes`, if the host has challenged before. */
  async header(host: string, scopes: string[], tls: TlsOptions, signal?: AbortSignal): Promise<string | undefined> {
    const auth = this.#hosts.get(host);
    if (auth === undefined) return undefined;
    if (auth.scheme === 'basic') return this.#basic();
    const all = mergeScopes(auth.scopes, scopes);
    const token = await this.#token(auth, all, tls, signal, false);
    return `Bearer ${token.token}`;
  }

  /**
   * Learns from a 401. Returns 'retry' when the request should be sent again with a new header.
   * A Bearer challenge that says the token was invalid drops it from the cache first.
   */
  async challenged(
    host: string,
    wwwAuthenticate: string | string[] | undefined,
    scopes: string[],
    tls: TlsOptions,
    signal?: AbortSignal,
  ): Promise<ChallengeOutcome> {
    const c = preferredChallenge(parseChallenges(wwwAuthenticate));
    if (c === undefined) return 'unsupported';
    if (c.scheme === 'basic') {
      this.#hosts.set(host, { scheme: 'basic', scopes: [] });
      return this.#basic() === undefined ? 'no-credential' : 'retry';
    }
    const realm = c.params.realm;
    let realmUrl: URL;
    try {
      realmUrl = new URL(realm ?? '');
    } catch {
      return 'unsupported';
    }
    if (realmUrl.protocol !== 'https:' && realmUrl.protocol !== 'http:') return 'unsupported';
    const challengeScopes = (c.params.scope ?? '').split(' ').filter((s) => s !== '');
    const auth: HostAuth = { scheme: 'bearer', realm: realmUrl, service: c.params.service, scopes: challengeScopes };
    this.#hosts.set(host, auth);
    await this.#token(auth, mergeScopes(challengeScopes, scopes), tls, signal, true);
    return 'retry';
  }

  #basic(): string | undefined {
    const c = this.credential;
    if (c?.username === undefined || c.password === undefined) return undefined;
    return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
  }

  async #token(auth: HostAuth, scopes: string[], tls: TlsOptions, signal: AbortSignal | undefined, fresh: boolean): Promise<Token> {
    const key = [this.#fingerprint, auth.realm?.href, auth.service ?? '', scopes.join(' ')].join('\n');
    const cached = tokenCache.get(key);
    if (!fresh && cached !== undefined && cached.expiresAt - EXPIRY_MARGIN_MS > Date.now()) return cached;
    const token = await fetchToken({
      realm: auth.realm as URL,
      service: auth.service,
      scopes,
      credential: this.credential,
      tls,
      signal,
    });
    tokenCache.delete(key);
    if (tokenCache.size >= MAX_CACHED_TOKENS) tokenCache.delete(tokenCache.keys().next().value as string);
    tokenCache.set(key, token);
    return token;
  }
}

/** `repository:<name>:<actions>` scopes, de-duplicated and sorted (containerd's rule). */
export function mergeScopes(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])].sort();
}

export function pullScope(repository: string): string {
  return `repository:${repository}:pull`;
}

/** For tests: forget every cached token. */
export function clearTokenCache(): void {
  tokenCache.clear();
}
