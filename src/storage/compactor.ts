// Periodic compaction, as kube-apiserver does for etcd (--etcd-compaction-interval, 5 minutes):
// each pass compacts to the revision the previous pass saw, so watchers and paged lists always
// have at least one interval of history, and the log does not grow without bound.
// https://kubernetes.io/docs/tasks/administer-cluster/configure-upgrade-etcd/#built-in-autocompaction
import type { KeyValueStore } from './types.ts';

export const DEFAULT_COMPACTION_INTERVAL_MS = 5 * 60 * 1000;

export interface Compactor {
  /** Runs one pass now (tests, shutdown). */
  runOnce(): Promise<void>;
  stop(): void;
}

export function startCompactor(store: KeyValueStore, options: { intervalMs?: number; onError?: (error: unknown) => void } = {}): Compactor {
  let previous = 0;
  let running: Promise<void> | undefined;
  const pass = async (): Promise<void> => {
    const current = await store.currentRevision();
    if (previous > 0 && previous > (await store.compactedRevision())) await store.compact(previous);
    previous = current;
  };
  const runOnce = (): Promise<void> => {
    running ??= pass().finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer = setInterval(() => {
    runOnce().catch((error: unknown) => options.onError?.(error));
  }, options.intervalMs ?? DEFAULT_COMPACTION_INTERVAL_MS);
  timer.unref();
  return {
    runOnce,
    stop: () => clearInterval(timer),
  };
}
