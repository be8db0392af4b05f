// Cancellable waiting: every wait in the store honours the caller's AbortSignal and fails with
// ImageError ABORTED, so callers branch on one code whatever was interrupted.

import { setTimeout as delay } from 'node:timers/promises';
import { ErrorCode, ImageError } from '../errors.ts';

export function abortedError(signal: AbortSignal | undefined, what: string): ImageError {
  return new ImageError(ErrorCode.Aborted, `${what}: aborted`, { cause: signal?.reason });
}

export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw abortedError(signal, what);
}

export async function sleep(ms: number, signal: AbortSignal | undefined, what: string): Promise<void> {
  throwIfAborted(signal, what);
  try {
    await delay(ms, undefined, signal === undefined ? undefined : { signal });
  } catch (err) {
    if (signal?.aborted) throw abortedError(signal, what);
    throw err;
  }
}

/** Waits for `promise` to settle (its outcome is ignored) or for `signal` to abort. */
export async function waitSettled(promise: Promise<unknown>, signal: AbortSignal | undefined, what: string): Promise<void> {
  throwIfAborted(signal, what);
  if (signal === undefined) {
    await promise.then(noop, noop);
    return;
  }
  const aborted = Promise.withResolvers<void>();
  const onAbort = (): void => aborted.reject(abortedError(signal, what));
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    await Promise.race([promise.then(noop, noop), aborted.promise]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

function noop(): void {}
