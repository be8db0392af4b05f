// Worker-thread entry of the pool (worker-pool.ts). Extraction: the pool streams decompressed tar
// chunks ('chunk'), this thread writes them with synchronous fs calls and acknowledges each one,
// which is the pool's flow control. Materialize jobs run whole. Errors cross the thread boundary
// as plain data (structured clone drops ImageError's code) and are rebuilt by the pool.

import { parentPort } from 'node:worker_threads';
import { isImageError } from '../errors.ts';
import { youngGcEvery } from '../young-gc.ts';
import { LayerWriter } from './extract-layer.ts';
import type { WorkerRequest, WorkerResponse } from './worker-pool.ts';

const port = parentPort;
if (port === null) throw new Error('extract-worker.ts must run in a worker thread');
let current: { id: number; writer: LayerWriter } | null = null;
// Each chunk arrives as a fresh copy (structured clone); see young-gc.ts.
const received = youngGcEvery(16 << 20);

port.on('message', (msg: WorkerRequest) => {
  try {
    switch (msg.kind) {
      case 'begin':
        current = { id: msg.id, writer: new LayerWriter(msg.job, { hash: msg.hash }) };
        return;
      case 'chunk':
        if (current?.id !== msg.id) return; // the job already failed; late chunks are dropped
        current.writer.push(Buffer.from(msg.data.buffer, msg.data.byteOffset, msg.data.byteLength));
        reply({ id: msg.id, kind: 'ack' });
        received(msg.data.byteLength);
        return;
      case 'end': {
        if (current?.id !== msg.id) return;
        const { stats, timings, diffId } = current.writer.end();
        current = null;
        reply({ id: msg.id, kind: 'done', value: { ...stats, timings, diffId } });
        return;
      }
      case 'abort':
        if (current?.id !== msg.id) return;
        current.writer.fail(new Error('aborted'));
        current = null;
        reply({ id: msg.id, kind: 'error', error: { message: 'aborted', imageCode: 'ABORTED', code: undefined } });
        return;
      case 'materialize':
        // Loaded on demand: most workers only extract, and every module costs boot time.
        import('./materialize.ts').then((m) => m.materializeLayers(msg.job)).then(
          (value) => reply({ id: msg.id, kind: 'done', value }),
          (err: unknown) => reply({ id: msg.id, kind: 'error', error: serialize(err) }),
        );
        return;
    }
  } catch (err) {
    const failed = current?.id === msg.id ? current.writer.fail(err) : err;
    if (current?.id === msg.id) current = null;
    reply({ id: msg.id, kind: 'error', error: serialize(failed) });
  }
});

function reply(res: WorkerResponse): void {
  port!.postMessage(res);
}

function serialize(err: unknown): Extract<WorkerResponse, { kind: 'error' }>['error'] {
  const e = err as NodeJS.ErrnoException;
  return {
    message: e instanceof Error ? e.message : String(err),
    imageCode: isImageError(err) ? err.code : undefined,
    code: typeof e?.code === 'string' ? e.code : undefined,
  };
}
