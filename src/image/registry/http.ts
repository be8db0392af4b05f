// One HTTP(S) exchange with a registry endpoint: pooled keep-alive agents per TLS setting,
// HTTPS_PROXY/NO_PROXY, inactivity timeout, and network failures classified so that the
// caller can say what to fix. Node's http module is used over fetch(): on this workload it is
// about 20% faster and 40 MB leaner (../shared/research/pull-baselines.md), and it lets us
// handle redirects and TLS per endpoint ourselves.
import { createHash } from 'node:crypto';
import type * as HttpModule from 'node:http';
import type { Agent as HttpAgent, IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type * as HttpsModule from 'node:https';
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import type { Readable } from 'node:stream';
import type * as TlsModule from 'node:tls';
import type { TlsOptions } from './hosts.ts';
import { proxyFor } from './proxy.ts';
import { trustedRoots } from './tls-trust.ts';

// Loaded with require: an ESM import of node:http builds a facade that reads every export,
// which loads Node's bundled undici (~20 ms of every command's start) for nothing. https and
// tls (~7 ms more) load on the first HTTPS request: a plain-HTTP pull never needs them.
const load = createRequire(import.meta.url);
const http = load('node:http') as typeof HttpModule;
let httpsModule: typeof HttpsModule | undefined;
const https = (): typeof HttpsModule => (httpsModule ??= load('node:https') as typeof HttpsModule);
const tlsConnect = (options: TlsModule.ConnectionOptions): TlsModule.TLSSocket => (load('node:tls') as typeof TlsModule).connect(options);

export type FailureKind =
  | 'refused'
  | 'proxy'
  | 'dns'
  | 'tls-unknown-authority'
  | 'tls-hostname'
  | 'tls-expired'
  | 'tls-other'
  | 'http-to-https'
  | 'reset'
  | 'timeout'
  | 'aborted';

/** A request that produced no HTTP response. `detail` is the platform's wording, for messages. */
export class TransportFailure extends Error {
  readonly kind: FailureKind;
  readonly detail: string;
  constructor(kind: FailureKind, detail: string, cause?: unknown) {
    super(`${kind}: ${detail}`, { cause });
    this.name = 'TransportFailure';
    this.kind = kind;
    this.detail = detail;
  }
}

/** A request body streamed from its source (a blob on disk), opened anew for each attempt. */
export interface StreamBody {
  size: number;
  open(): Readable | Promise<Readable>;
}

export interface HttpRequest {
  method: string;
  url: URL;
  headers?: Record<string, string>;
  body?: string | Buffer | StreamBody;
  tls: TlsOptions;
  signal?: AbortSignal | undefined;
  /** No byte sent or received on the socket for this long fails the exchange. */
  idleTimeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: IncomingMessage;
  url: URL;
}

// A registry that stalls for a minute is broken; a slow link still moves bytes within that time.
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;
// Bounded so a long-running node agent does not keep an agent per CA file it ever saw.
const MAX_AGENTS = 64;
const agents = new Map<string, HttpAgent>();

export function httpRequest(req: HttpRequest): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    if (req.signal?.aborted) {
      reject(new TransportFailure('aborted', 'request aborted'));
      return;
    }
    const isHttps = req.url.protocol === 'https:';
    const proxy = proxyFor(isHttps ? 'https' : 'http', req.url.host);
    const headers: Record<string, string> = { 'user-agent': USER_AGENT, ...req.headers };
    const body = req.body;
    if (body !== undefined) headers['content-length'] = String(isStreamBody(body) ? body.size : Buffer.byteLength(body));
    const options: HttpsModule.RequestOptions = {
      method: req.method,
      hostname: req.url.hostname.replace(/^\[|\]$/g, ''),
      port: req.url.port || (isHttps ? 443 : 80),
      path: `${req.url.pathname}${req.url.search}`,
      headers,
    };
    if (proxy !== undefined && !isHttps) {
      options.hostname = proxy.hostname;
      options.port = proxy.port || 80;
      options.path = req.url.href;
      // Node would name the proxy in Host; the origin behind it must see its own name.
      headers.host = req.url.host;
      addProxyAuth(headers, proxy);
    } else if (proxy !== undefined) {
      // No agent: with one (even `agent: false`), Node ignores createConnection and dials the target directly.
      options.createConnection = tunnelVia(proxy, req.url, req.tls) as unknown as HttpsModule.RequestOptions['createConnection'];
    } else {
      options.agent = agentFor(isHttps, req.tls);
    }
    const client = isHttps && proxy === undefined ? https() : http;
    const r = client.request(options, (res) => {
      // The signal still stops the body: a cancelled pull must not read on (or wait for a stalled
      // registry until the idle timeout).
      res.once('close', () => req.signal?.removeEventListener('abort', onAbort));
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res, url: req.url });
    });
    const onAbort = (): void => {
      r.destroy(new TransportFailure('aborted', 'request aborted'));
    };
    req.signal?.addEventListener('abort', onAbort, { once: true });
    r.setTimeout(req.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS, () => {
      r.destroy(new TransportFailure('timeout', `no response for ${Math.round((req.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS) / 1000)} s`));
    });
    r.on('error', (err) => {
      req.signal?.removeEventListener('abort', onAbort);
      reject(classify(err));
    });
    if (!isStreamBody(body)) {
      r.end(body);
      return;
    }
    Promise.resolve(body.open()).then(
      (source) => {
        // A registry may answer (401, 413) before taking the whole body: stop reading then.
        r.once('close', () => source.destroy());
        source.once('error', (err) => r.destroy(err));
        source.pipe(r);
      },
      (err: unknown) => r.destroy(err as Error),
    );
  });
}

function isStreamBody(body: HttpRequest['body']): body is StreamBody {
  return typeof body === 'object' && !Buffer.isBuffer(body);
}

export const USER_AGENT = 'ferry/0.1';

function agentFor(isHttps: boolean, tls: TlsOptions): HttpAgent {
  if (!isHttps) {
    let a = agents.get('http');
    if (a === undefined) {
      a = new http.Agent({ keepAlive: true });
      agents.set('http', a);
    }
    return a;
  }
  const key = createHash('sha256')
    .update(JSON.stringify([tls.ca, tls.cert ?? '', tls.key ?? '', tls.verify]))
    .digest('hex');
  let a = agents.get(key);
  if (a === undefined) {
    if (agents.size >= MAX_AGENTS) {
      const [oldKey, old] = agents.entries().next().value as [string, HttpAgent];
      old.destroy();
      agents.delete(oldKey);
    }
    a = new (https().Agent)({
      keepAlive: true,
      ca: trustedRoots(tls.ca),
      cert: tls.cert,
      key: tls.key,
      rejectUnauthorized: tls.verify,
    });
    agents.set(key, a);
  }
  return a;
}

/** Close pooled connections (tests and short-lived CLIs call this so the process can exit). */
export function closeIdleConnections(): void {
  for (const a of agents.values()) a.destroy();
  agents.clear();
}

function addProxyAuth(headers: Record<string, string>, proxy: URL): void {
  if (proxy.username !== '') {
    const user = decodeURIComponent(proxy.username);
    const pass = decodeURIComponent(proxy.password);
    headers['proxy-authorization'] = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  }
}

function tunnelVia(proxy: URL, target: URL, tls: TlsOptions) {
  return (_opts: unknown, done: (err: Error | null, socket?: unknown) => void): void => {
    const headers: Record<string, string> = { host: target.host };
    addProxyAuth(headers, proxy);
    const c = http.request({
      method: 'CONNECT',
      hostname: proxy.hostname,
      port: proxy.port || 80,
      path: `${target.hostname}:${target.port || 443}`,
      headers,
    });
    c.on('connect', (res, socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        done(new TransportFailure('proxy', `proxy ${proxy.host} answered CONNECT with ${res.statusCode}`));
        return;
      }
      const name = target.hostname.replace(/^\[|\]$/g, '');
      const s = tlsConnect({
        socket,
        // `host` is what the certificate is checked against; SNI must not carry an IP (RFC 6066).
        host: name,
        servername: isIP(name) === 0 ? name : undefined,
        ca: trustedRoots(tls.ca),
        cert: tls.cert,
        key: tls.key,
        rejectUnauthorized: tls.verify,
      });
      done(null, s);
    });
    c.on('error', (err) => done(err));
    c.end();
  };
}

const UNKNOWN_AUTHORITY = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
]);

export function classify(err: unknown): TransportFailure {
  if (err instanceof TransportFailure) return err;
  const e = err as NodeJS.ErrnoException;
  const code = e.code ?? '';
  const msg = e.message ?? String(err);
  if (code === 'ECONNREFUSED') return new TransportFailure('refused', 'connection refused', err);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') {
    return new TransportFailure('dns', 'no such host', err);
  }
  if (UNKNOWN_AUTHORITY.has(code)) return new TransportFailure('tls-unknown-authority', 'certificate signed by unknown authority', err);
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return new TransportFailure('tls-hostname', msg, err);
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') return new TransportFailure('tls-expired', msg, err);
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number|packet length too long|http request/i.test(msg)) {
    return new TransportFailure('http-to-https', 'server gave HTTP response to HTTPS client', err);
  }
  // The server's alert is all a client sees of a failed mutual-TLS check (alerts 42 and 116).
  if (/ALERT_(BAD_CERTIFICATE|CERTIFICATE_REQUIRED)$/.test(code) || /alert (bad certificate|certificate required)/i.test(msg)) {
    return new TransportFailure(
      'tls-other',
      'the registry requires a client certificate and none was sent or it was refused: put client.cert and client.key (signed by a CA the registry trusts) in its certs.d directory',
      err,
    );
  }
  if (code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS') || /certificate|ssl|tls/i.test(code)) {
    return new TransportFailure('tls-other', msg, err);
  }
  if (code === 'ETIMEDOUT') return new TransportFailure('timeout', 'connection timed out', err);
  if (e.name === 'AbortError') return new TransportFailure('aborted', 'request aborted', err);
  return new TransportFailure('reset', code !== '' ? `${code}: ${msg}` : msg, err);
}
