// A readable stream's chunks one by one, as they were pushed. Async iteration of a Readable
// (read() with no size) hands out everything buffered as one Buffer.concat copy; with 1 MiB zlib
// chunks and 4 MiB read-ahead that copied most of a layer once more on the calling thread. Whole
// chunks also let the worker pool transfer them instead of cloning (worker-pool.ts).
import type { Readable } from 'node:stream';

/** Yields `stream`'s chunks unchanged; pauses it while `maxQueued` chunks wait. Destroys it when the consumer stops early. */
export async function* chunksOf(stream: Readable, maxQueued = 4): AsyncGenerator<Buffer> {
  const queue: Buffer[] = [];
  let ended = false;
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  stream.on('data', (chunk: Buffer) => {
    queue.push(chunk);
    if (queue.length >= maxQueued) stream.pause();
    notify();
  });
  stream.once('end', () => {
    ended = true;
    notify();
  });
  stream.once('error', (error: unknown) => {
    failure = { error };
    notify();
  });
  try {
    for (;;) {
      const chunk = queue.shift();
      if (chunk !== undefined) {
        if (stream.isPaused() && queue.length < maxQueued) stream.resume();
        yield chunk;
      } else if (failure !== undefined) {
        throw failure.error;
      } else if (ended) {
        return;
      } else {
        await new Promise<void>((resolve) => (wake = resolve));
      }
    }
  } finally {
    if (!ended) stream.destroy();
  }
}
