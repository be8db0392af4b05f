// One watch request as an async iterable of events. The body is newline-delimited JSON
// ({type, object} per line). An ERROR event ends the iteration by throwing its Status as an
// ApiStatusError (410 Gone: the resourceVersion is compacted, relist). A stream the server ends
// (timeoutSeconds) or whose connection drops ends the iteration quietly, as client-go's
// StreamWatcher treats EOF and probable-EOF errors: the caller re-watches from the last
// resourceVersion it saw.
// https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes
import type { IncomingMessage } from 'node:http';
import type { KubeObject } from '../api/object.ts';
import { ApiStatusError, ClientError, ClientErrorCode, isApiStatus } from './errors.ts';
import type { HttpRequest, Transport } from './transport.ts';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface WatchEvent<T extends KubeObject = KubeObject> {
  type: WatchEventType;
  /** For BOOKMARK only apiVersion, kind and metadata.resourceVersion (and annotations) are set. */
  object: T;
}

export interface Watch<T extends KubeObject = KubeObject> extends AsyncIterable<WatchEvent<T>> {
  /** Ends the request; a pending or later `next()` completes with done. */
  cancel(): void;
}

const EVENT_TYPES = new Set<string>(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK']);
// Stop reading the socket while this many events wait for the consumer, so a slow consumer
// pushes back on the server (which cuts off watchers that fall too far behind) instead of
// growing this process's memory.
const HIGH_WATER = 256;
const LOW_WATER = 64;
// When the server was asked to end the watch after timeoutSeconds, a stream still open this long
// after that is a half-open connection: give up on it.
const DEADLINE_GRACE_MS = 30_000;

export function openWatch<T extends KubeObject>(transport: Transport, req: HttpRequest, timeoutSeconds?: number): Watch<T> {
  const abort = new AbortController();
  const onOuterAbort = (): void => abort.abort(req.signal?.reason);
  req.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const queue: WatchEvent<T>[] = [];
  let failure: unknown;
  let ended = false;
  let response: IncomingMessage | undefined;
  let wake: (() => void) | undefined;
  let deadline: NodeJS.Timeout | undefined;

  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const end = (error?: unknown): void => {
    if (ended) return;
    ended = true;
    failure = error;
    clearTimeout(deadline);
    req.signal?.removeEventListener('abort', onOuterAbort);
    response?.destroy();
    notify();
  };
  const cancel = (): void => {
    abort.abort();
    end();
  };

  const onLine = (line: string): void => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (error) {
      end(new ClientError(ClientErrorCode.Decode, `watch ${req.path}: an event is not JSON`, { cause: error }));
      return;
    }
    const { type, object } = (parsed ?? {}) as { type?: unknown; object?: unknown };
    if (type === 'ERROR') {
      end(isApiStatus(object) ? new ApiStatusError(object) : new ClientError(ClientErrorCode.Decode, `watch ${req.path}: an ERROR event without a Status`));
      return;
    }
    if (typeof type !== 'string' || !EVENT_TYPES.has(type) || typeof object !== 'object' || object === null) {
      end(new ClientError(ClientErrorCode.Decode, `watch ${req.path}: an event of unknown type ${JSON.stringify(type)}`));
      return;
    }
    queue.push({ type: type as WatchEventType, object: object as T });
  };

  const start = async (): Promise<void> => {
    const res = await transport.stream({ ...req, signal: abort.signal, timeoutMs: req.timeoutMs });
    if (ended) {
      res.destroy();
      return;
    }
    response = res;
    if (timeoutSeconds !== undefined) deadline = setTimeout(cancel, timeoutSeconds * 1000 + DEADLINE_GRACE_MS);
    res.setEncoding('utf8');
    let partial = '';
    res.on('data', (chunk: string) => {
      partial += chunk;
      for (let i = partial.indexOf('\n'); i >= 0 && !ended; i = partial.indexOf('\n')) {
        const line = partial.slice(0, i);
        partial = partial.slice(i + 1);
        if (line.trim() !== '') onLine(line);
      }
      if (queue.length >= HIGH_WATER) res.pause();
      notify();
    });
    res.once('end', () => {
      if (!ended && partial.trim() !== '') onLine(partial);
      end();
    });
    // A reset or aborted stream is an end, not a failure (client-go: net.IsProbableEOF).
    res.once('error', () => end());
    res.once('close', () => end());
  };
  start().catch((error: unknown) => end(abort.signal.aborted && !(error instanceof ApiStatusError) ? undefined : error));

  return {
    cancel,
    [Symbol.asyncIterator](): AsyncIterator<WatchEvent<T>> {
      return {
        async next(): Promise<IteratorResult<WatchEvent<T>>> {
          for (;;) {
            const event = queue.shift();
            if (event !== undefined) {
              if (queue.length <= LOW_WATER && response?.isPaused() === true) response.resume();
              return { value: event, done: false };
            }
            if (ended) {
              if (failure !== undefined) {
                const error = failure;
                failure = undefined;
                throw error;
              }
              return { value: undefined, done: true };
            }
            await new Promise<void>((resolve) => (wake = resolve));
          }
        },
        async return(): Promise<IteratorResult<WatchEvent<T>>> {
          cancel();
          return { value: undefined, done: true };
        },
      };
    },
  };
}
