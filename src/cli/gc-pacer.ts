// Collects young garbage every REDUCE_INTERVAL_MS while a pull runs: every socket read allocates
// a fresh buffer that V8 would otherwise leave floating until external memory grows by ~64 MB
// (see image/young-gc.ts). Peak RSS of the 430 MB bench image: ~205 MB -> ~145 MB.
import { collectYoungGarbage } from '../image/young-gc.ts';

const REDUCE_INTERVAL_MS = 20;

/** Starts collecting young garbage periodically; returns the function that stops it. */
export function startGcPacer(intervalMs = REDUCE_INTERVAL_MS): () => void {
  const timer = setInterval(collectYoungGarbage, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
