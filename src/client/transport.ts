// HTTP(S) to one API server over a keep-alive agent: authentication, timeouts, aborts, and the
// retries client-go makes on its own (a Retry-After on 429/5xx for any verb; a connection reset
// on GET only, since a reset write may have been applied).
// https://github.com/kubernetes/client-go/blob/master/rest/request.go (checkWait, IsRetryableError)
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { ClientError, ClientErrorCode, errorFromResponse } from './errors.ts';

export interface ClientOptions {
  /** `https://host:port`, optionally with a path prefix (a proxy's `/k8s/clusters/x`). */
  server: string;
  token?: string;
  /** Read for each request at most once a minute, as client-go does for rotating service-account tokens. */
  tokenFile?: string;
  username?: string;
  password?: string;
  /** PEM bundle trusted for the server's certificate (default: Node's roots). */
  ca?: string | Buffer;
  clientCert?: string | Buffer;
  clientKey?: string | Buffer;
  insecureSkipTlsVerify?: boolean;
  /** The name the server's certificate is checked against, when not the URL's host. */
  tlsServerName?: string;
  userAgent?: string;
  /** Per-request deadline for everything but watches (default 60 s; 0: none). */
  timeoutMs?: number;
  /** Retries on Retry-After and on a reset GET (default 5). */
  maxRetries?: number;
  /** The namespace of the kubeconfig's context: `client.namespace`, informational only. */
  namespace?: string;
  /** The API server's `Warning:` headers (deprecations, unknown fields). */
  onWarning?: (message: string) => void;
}

export type QueryValue = string | number | boolean | undefined;

export interface HttpRequest {
  method: string;
  /** From the API root: `/api/v1/namespaces`. */
  path: string;
  query?: Record<string, QueryValue>;
  /** Sent as-is when a string or Buffer, else as JSON. */
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
  /** Overrides the client's timeout; 0 for none. */
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

interface Sent {
  res: IncomingMessage;
  clearDeadline: () => void;
  /** The timeout error, once the deadline destroyed the request. */
  timedOut: () => ClientError | undefined;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const TOKEN_FILE_REFRESH_MS = 60_000;
const MAX_RETRY_AFTER_S = 60;
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

function retryAfterSeconds(res: IncomingMessage): number | undefined {
  if (res.statusCode !== 429 && (res.statusCode ?? 0) < 500) return undefined;
  const header = res.headers['retry-after'];
  if (header === undefined) return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds, MAX_RETRY_AFTER_S) : undefined;
}

// RFC 7234 warn-text as the API server writes it: `299 - "message"`.
function warningsOf(res: IncomingMessage): string[] {
  const raw = res.headers['warning'];
  if (raw === undefined) return [];
  const out: string[] = [];
  for (const m of String(raw).matchAll(/\d{3} \S+ "((?:[^"\\]|\\.)*)"/g)) out.push((m[1] ?? '').replace(/\\(.)/g, '$1'));
  return out;
}

export class Transport {
  readonly options: ClientOptions;
  readonly #base: URL;
  readonly #agent: HttpAgent;
  #fileToken: { value: string; readAt: number } | undefined;

  constructor(options: ClientOptions) {
    this.options = options;
    this.#base = new URL(options.server);
    if (this.#base.protocol === 'https:') {
      this.#agent = new HttpsAgent({
        keepAlive: true,
        ca: options.ca,
        cert: options.clientCert,
        key: options.clientKey,
        rejectUnauthorized: options.insecureSkipTlsVerify !== true,
        servername: options.tlsServerName,
      });
    } else {
      this.#agent = new HttpAgent({ keepAlive: true });
    }
  }

  #authorization(): string | undefined {
    const { token, tokenFile, username, password } = this.options;
    if (token !== undefined && token !== '') return `Bearer ${token}`;
    if (tokenFile !== undefined) {
      const now = Date.now();
      if (this.#fileToken === undefined || now - this.#fileToken.readAt > TOKEN_FILE_REFRESH_MS) {
        this.#fileToken = { value: readFileSync(tokenFile, 'utf8').trim(), readAt: now };
      }
      return `Bearer ${this.#fileToken.value}`;
    }
    if (username !== undefined) return `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}`;
    return undefined;
  }

  #url(path: string, query: Record<string, QueryValue> | undefined): URL {
    const url = new URL(this.#base.href);
    url.pathname = this.#base.pathname.replace(/\/$/, '') + path;
    for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
    return url;
  }

  /** One attempt: resolves with the response, body unread, once its headers arrive. */
  #send(req: HttpRequest, timeoutMs: number): Promise<Sent> {
    const url = this.#url(req.path, req.query);
    const headers: OutgoingHttpHeaders = { Accept: 'application/json' };
    const auth = this.#authorization();
    if (auth !== undefined) headers['Authorization'] = auth;
    if (this.options.userAgent !== undefined) headers['User-Agent'] = this.options.userAgent;
    let payload: string | Buffer | undefined;
    if (req.body !== undefined) {
      payload = typeof req.body === 'string' || Buffer.isBuffer(req.body) ? req.body : JSON.stringify(req.body);
      headers['Content-Type'] = req.contentType ?? 'application/json';
      headers['Content-Length'] = Buffer.byteLength(payload);
    }
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      if (req.signal?.aborted === true) {
        reject(new ClientError(ClientErrorCode.Aborted, `${req.method} ${url.pathname} aborted`, { cause: req.signal.reason }));
        return;
      }
      const out = send(url, { method: req.method, headers, agent: this.#agent, ...(req.signal === undefined ? {} : { signal: req.signal }) });
      let timer: NodeJS.Timeout | undefined;
      let timeout: ClientError | undefined;
      if (timeoutMs > 0) {
        timer = setTimeout(() => {
          timeout = new ClientError(ClientErrorCode.Timeout, `${req.method} ${url.pathname} timed out after ${timeoutMs} ms`);
          out.destroy(timeout);
        }, timeoutMs);
      }
      const clear = (): void => clearTimeout(timer);
      out.once('error', (error: Error & { code?: string }) => {
        clear();
        if (error instanceof ClientError) reject(error);
        else if (req.signal?.aborted === true) reject(new ClientError(ClientErrorCode.Aborted, `${req.method} ${url.pathname} aborted`, { cause: req.signal.reason }));
        else reject(new ClientError(ClientErrorCode.Connection, `${req.method} ${url.origin}${url.pathname}: ${error.message}`, { cause: error }));
      });
      out.once('response', (res) => {
        for (const warning of warningsOf(res)) this.options.onWarning?.(warning);
        // The deadline covers reading the body too; callers that stream clear it themselves.
        res.once('close', clear);
        resolve({ res, clearDeadline: clear, timedOut: () => timeout });
      });
      out.end(payload);
    });
  }

  /** Sends with retries; resolves with a response whose headers are in and whose body is unread. */
  async #attempts(req: HttpRequest, timeoutMs: number): Promise<Sent> {
    const maxRetries = this.options.maxRetries ?? 5;
    for (let attempt = 0; ; attempt++) {
      let sent: Sent;
      try {
        sent = await this.#send(req, timeoutMs);
      } catch (error) {
        const code = ((error as { cause?: { code?: string } }).cause)?.code;
        const reset = error instanceof ClientError && error.code === ClientErrorCode.Connection && code !== undefined && RESET_CODES.has(code);
        if (reset && req.method === 'GET' && attempt < maxRetries) continue;
        throw error;
      }
      const wait = retryAfterSeconds(sent.res);
      if (wait === undefined || attempt >= maxRetries) return sent;
      sent.clearDeadline();
      sent.res.resume();
      await sleep(wait * 1000, undefined, req.signal === undefined ? undefined : { signal: req.signal }).catch(() => {
        throw new ClientError(ClientErrorCode.Aborted, `${req.method} ${req.path} aborted`, { cause: req.signal?.reason });
      });
    }
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    const { res, timedOut } = await this.#attempts(req, req.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of res) chunks.push(chunk as Buffer);
    } catch (error) {
      const timeout = timedOut();
      if (timeout !== undefined) throw timeout;
      if (error instanceof ClientError) throw error;
      throw new ClientError(ClientErrorCode.Connection, `${req.method} ${req.path}: ${(error as Error).message}`, { cause: error });
    }
    return { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') };
  }

  /** A 2xx body parsed as JSON (undefined when empty); anything else rejects with an ApiStatusError. */
  async json<T>(req: HttpRequest): Promise<T> {
    const res = await this.request(req);
    if (res.status < 200 || res.status > 299) throw errorFromResponse(res.status, res.body);
    if (res.body === '') return undefined as T;
    try {
      return JSON.parse(res.body) as T;
    } catch (error) {
      throw new ClientError(ClientErrorCode.Decode, `${req.method} ${req.path}: the answer is not JSON`, { cause: error });
    }
  }

  /** A 2xx response left to the caller to read (a watch); the timeout covers only the headers. */
  async stream(req: HttpRequest): Promise<IncomingMessage> {
    const { res, clearDeadline } = await this.#attempts(req, req.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    clearDeadline();
    const status = res.statusCode ?? 0;
    if (status >= 200 && status <= 299) return res;
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    throw errorFromResponse(status, Buffer.concat(chunks).toString('utf8'));
  }

  /** Closes idle keep-alive sockets; open requests finish. */
  close(): void {
    this.#agent.destroy();
  }
}
