// Worker side of hash-writer.ts: hashes and writes blob bytes with synchronous calls, off the
// thread that parses HTTP. Messages for one stream arrive in order (the writer awaits each).
import { createHash, type Hash } from 'node:crypto';
import { writeSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';

export type HashRequest =
  | { id: number; op: 'open'; stream: number; algorithm: string }
  | { id: number; op: 'write'; stream: number; fd: number; chunk: Uint8Array }
  | { id: number; op: 'digest' | 'drop'; stream: number };

export type HashReply = { id: number; ok: true; hex?: string } | { id: number; ok: false; code?: string; message: string };

const hashes = new Map<number, Hash>();

function handle(req: HashRequest): HashReply {
  switch (req.op) {
    case 'open':
      hashes.set(req.stream, createHash(req.algorithm));
      return { id: req.id, ok: true };
    case 'write': {
      const { chunk, fd } = req;
      let done = 0;
      while (done < chunk.byteLength) done += writeSync(fd, chunk, done, chunk.byteLength - done);
      hashes.get(req.stream)?.update(chunk);
      return { id: req.id, ok: true };
    }
    case 'digest': {
      const hex = hashes.get(req.stream)?.digest('hex');
      hashes.delete(req.stream);
      return { id: req.id, ok: true, hex };
    }
    case 'drop':
      hashes.delete(req.stream);
      return { id: req.id, ok: true };
  }
}

parentPort?.on('message', (req: HashRequest) => {
  let reply: HashReply;
  try {
    reply = handle(req);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    reply = { id: req.id, ok: false, code: e.code, message: e.message };
  }
  parentPort?.postMessage(reply);
});
