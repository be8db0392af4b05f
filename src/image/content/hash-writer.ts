// Hashing and writing blob bytes in a worker thread. On a pull the main thread parses HTTP for
// several downloads at once; SHA-256 over every byte (~40% of its CPU on a 430 MB image) and
// the write syscalls move here, so both proceed in parallel on a 2-core machine. Chunks that
// live in a SharedArrayBuffer (the download path's buffer pool) cross without a copy.
import { Worker } from 'node:worker_threads';
import type { HashReply, HashRequest } from './hash-worker.ts';

type Pending = { resolve: (hex: string | undefined) => void; reject: (err: Error) => void };
// Omit applied to each member of the union (a plain Omit would merge them).
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
type Request = WithoutId<HashRequest>;

class HashWorker {
  #worker: Worker | undefined;
  #next = 1;
  #streams = 1;
  readonly #pending = new Map<number, Pending>();

  /** Boots the worker ahead of the first large blob, so its start overlaps the config request. */
  warmUp(): void {
    this.#start();
  }

  get running(): boolean {
    return this.#worker !== undefined;
  }

  newStream(): number {
    return this.#streams++;
  }

  send(req: Request): Promise<string | undefined> {
    const worker = this.#start();
    const id = this.#next++;
    if (this.#pending.size === 0) worker.ref();
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.postMessage({ ...req, id });
    });
  }

  #start(): Worker {
    if (this.#worker !== undefined) return this.#worker;
    const w = new Worker(new URL('./hash-worker.ts', import.meta.url));
    w.on('message', (reply: HashReply) => {
      const p = this.#pending.get(reply.id);
      if (p === undefined) return;
      this.#pending.delete(reply.id);
      // An idle worker must not keep the process alive.
      if (this.#pending.size === 0) w.unref();
      if (reply.ok) p.resolve(reply.hex);
      else p.reject(Object.assign(new Error(reply.message), { code: reply.code }));
    });
    w.on('error', (err) => this.#fail(err));
    w.on('exit', () => this.#fail(new Error('blob hashing worker exited')));
    // After the listeners: adding a 'message' listener refs the worker's port again, and an idle
    // worker must not keep the process alive.
    w.unref();
    this.#worker = w;
    return w;
  }

  #fail(err: Error): void {
    this.#worker = undefined;
    for (const p of this.#pending.values()) p.reject(err);
    this.#pending.clear();
  }
}

const shared = new HashWorker();

export function warmUpHashWorker(): void {
  shared.warmUp();
}

/** Whether blob writers may hand their bytes to the worker (BlobWriter uses it only then). */
export function hashWorkerRunning(): boolean {
  return shared.running;
}

/** One blob's hash and file writes, done in the shared worker. */
export class WorkerHashWriter {
  readonly #stream = shared.newStream();
  readonly #opened: Promise<unknown>;

  constructor(algorithm: string) {
    this.#opened = shared.send({ op: 'open', stream: this.#stream, algorithm });
  }

  async write(fd: number, chunk: Uint8Array): Promise<void> {
    await this.#opened;
    await shared.send({ op: 'write', stream: this.#stream, fd, chunk });
  }

  async digestHex(): Promise<string> {
    await this.#opened;
    return (await shared.send({ op: 'digest', stream: this.#stream })) ?? '';
  }

  async drop(): Promise<void> {
    await shared.send({ op: 'drop', stream: this.#stream }).catch(() => {});
  }
}
