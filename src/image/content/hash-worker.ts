// Worker side of hash-writer.ts: hashes and writes blob bytes with synchronous calls, off the
// thread that parses HTTP. Messages for one stream arrive in order (the writer awaits each).
//
// Each stream also writes back early (see writeback.ts).
import { createHash, type Hash } from 'node:crypto';
import { fdatasync, writeSync } from 'node:fs';
import { promisify } from 'node:util';
import { parentPort } from 'node:worker_threads';
import { EarlyWriteback } from './writeback.ts';

export type HashRequest =
  | { id: number; op: 'open'; stream: number; algorithm: string }
  | { id: number; op: 'write'; stream: number; fd: number; chunk: Uint8Array }
  | { id: number; op: 'digest' | 'drop'; stream: number };

export type HashReply = { id: number; ok: true; hex?: string } | { id: number; ok: false; code?: string; message: string };

interface Stream {
  hash: Hash;
  /** Made at the first write, which brings the fd. */
  writeback?: EarlyWriteback;
}

const streams = new Map<number, Stream>();
const datasync = promisify(fdatasync);

async function handle(req: HashRequest): Promise<HashReply> {
  switch (req.op) {
    case 'open':
      streams.set(req.stream, { hash: createHash(req.algorithm) });
      return { id: req.id, ok: true };
    case 'write': {
      const { chunk, fd } = req;
      let done = 0;
      while (done < chunk.byteLength) done += writeSync(fd, chunk, done, chunk.byteLength - done);
      const s = streams.get(req.stream);
      if (s !== undefined) {
        s.hash.update(chunk);
        s.writeback ??= new EarlyWriteback(() => datasync(fd));
        s.writeback.wrote(chunk.byteLength);
      }
      return { id: req.id, ok: true };
    }
    case 'digest': {
      const s = streams.get(req.stream);
      streams.delete(req.stream);
      await s?.writeback?.settled();
      return { id: req.id, ok: true, hex: s?.hash.digest('hex') };
    }
    case 'drop': {
      const s = streams.get(req.stream);
      streams.delete(req.stream);
      await s?.writeback?.settled();
      return { id: req.id, ok: true };
    }
  }
}

parentPort?.on('message', (req: HashRequest) => {
  handle(req).then(
    (reply) => parentPort?.postMessage(reply),
    (err: unknown) => {
      const e = err as NodeJS.ErrnoException;
      parentPort?.postMessage({ id: req.id, ok: false, code: e.code, message: e.message } satisfies HashReply);
    },
  );
});
