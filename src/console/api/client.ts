// The console's REST client: the API server's own endpoints, the token as a Bearer header on
// every call (never in a URL), JSON bodies, and streamed bodies for watches and logs.
import { ConsoleApiError, errorFromStatus, networkError } from './errors.ts';

export type Json = Record<string, unknown>;

export interface KubeObject extends Json {
  apiVersion?: string;
  kind?: string;
  metadata: Json & { name?: string; namespace?: string; resourceVersion?: string; uid?: string; creationTimestamp?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
}

export interface KubeList<T extends KubeObject = KubeObject> {
  items: T[];
  metadata: { resourceVersion?: string; continue?: string };
}

export type PatchType = 'merge' | 'strategic' | 'json';

const PATCH_TYPES: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
};

export class ApiClient {
  readonly #token: string;
  readonly #onUnauthorized: () => void;

  constructor(token: string, onUnauthorized: () => void = () => {}) {
    this.#token = token;
    this.#onUnauthorized = onUnauthorized;
  }

  /** A fetch with the token; throws ConsoleApiError for network failures and non-2xx answers. */
  async fetch(path: string, init: RequestInit = {}, what = `${init.method ?? 'GET'} ${path}`): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('Authorization', `Bearer ${this.#token}`);
    if (!headers.has('Accept')) headers.set('Accept', 'application/json');
    const aborted = (): boolean => init.signal?.aborted === true;
    let res: Response;
    try {
      res = await fetch(path, { ...init, headers, credentials: 'omit', cache: 'no-store' });
    } catch (err) {
      if (aborted()) throw err;
      // A read is safe to repeat once: browsers drop requests when the machine's network changes.
      if ((init.method ?? 'GET') !== 'GET') throw networkError(err);
      await new Promise((resolve) => setTimeout(resolve, 300));
      try {
        res = await fetch(path, { ...init, headers, credentials: 'omit', cache: 'no-store' });
      } catch (again) {
        if (aborted()) throw again;
        throw networkError(again);
      }
    }
    if (res.ok) return res;
    const body: unknown = await res.json().catch(() => undefined);
    if (res.status === 401) this.#onUnauthorized();
    throw errorFromStatus(res.status, body, what);
  }

  async json<T>(path: string, init: RequestInit = {}): Promise<T> {
    const res = await this.fetch(path, init);
    return (await res.json()) as T;
  }

  get<T extends KubeObject = KubeObject>(path: string, signal?: AbortSignal): Promise<T> {
    return this.json<T>(path, signal === undefined ? {} : { signal });
  }

  list<T extends KubeObject = KubeObject>(path: string, signal?: AbortSignal): Promise<KubeList<T>> {
    return this.json<KubeList<T>>(path, signal === undefined ? {} : { signal });
  }

  create<T extends KubeObject = KubeObject>(path: string, object: KubeObject): Promise<T> {
    return this.json<T>(path, { method: 'POST', body: JSON.stringify(object), headers: { 'Content-Type': 'application/json' } });
  }

  patch<T extends KubeObject = KubeObject>(path: string, patch: unknown, type: PatchType = 'merge'): Promise<T> {
    return this.json<T>(path, { method: 'PATCH', body: JSON.stringify(patch), headers: { 'Content-Type': PATCH_TYPES[type] } });
  }

  async delete(path: string, propagationPolicy: 'Background' | 'Foreground' = 'Background'): Promise<void> {
    await this.fetch(path, { method: 'DELETE', body: JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy }), headers: { 'Content-Type': 'application/json' } });
  }

  /** Streams a response body as text chunks until it ends or `signal` aborts. */
  async stream(path: string, onText: (text: string) => void, signal: AbortSignal, accept = '*/*'): Promise<void> {
    const res = await this.fetch(path, { signal, headers: { Accept: accept } });
    if (res.body === null) return;
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        onText(value);
      }
    } catch (err) {
      // Close the connection when a reader gives up on the stream.
      await reader.cancel().catch(() => {});
      // A body cut off mid-stream (the server went away, the network changed) is a TypeError.
      throw err instanceof TypeError && !signal.aborted ? networkError(err) : err;
    }
  }

  /** Streams newline-delimited JSON (a watch body): one parsed value per line. */
  async streamLines(path: string, onValue: (value: unknown) => void, signal: AbortSignal): Promise<void> {
    let pending = '';
    await this.stream(
      path,
      (text) => {
        pending += text;
        let nl: number;
        while ((nl = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, nl).trim();
          pending = pending.slice(nl + 1);
          if (line !== '') onValue(JSON.parse(line));
        }
      },
      signal,
      'application/json',
    );
    if (pending.trim() !== '') onValue(JSON.parse(pending));
  }
}

export function isAbort(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}

export { ConsoleApiError };
