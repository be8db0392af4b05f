// Helpers for the content store tests: temp directories and child processes running child.ts.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createHash } from 'node:crypto';

/** The pinned Node.js; the system one may be older. */
export const NODE = process.execPath;
const CHILD = join(import.meta.dirname, 'child.ts');

export function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ferry-content-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export interface Child {
  process: ChildProcess;
  /** Resolves with the first stdout JSON line matching `predicate`. */
  line(predicate: (value: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  /** Resolves with the exit code (or signal name) and stderr. */
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

export function spawnChild(args: string[]): Child {
  const child = spawn(NODE, [CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const lines: Record<string, unknown>[] = [];
  const waiters: Array<{ predicate: (value: Record<string, unknown>) => boolean; resolve: (value: Record<string, unknown>) => void }> = [];
  createInterface({ input: child.stdout }).on('line', (text) => {
    const value = JSON.parse(text) as Record<string, unknown>;
    lines.push(value);
    for (const waiter of waiters.filter((w) => w.predicate(value))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(value);
    }
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
  return {
    process: child,
    exit,
    line(predicate) {
      const seen = lines.find(predicate);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ predicate, resolve });
        void exit.then(({ code, stderr: err }) => reject(new Error(`child exited (${code}) before the expected line: ${err}`)));
      });
    },
  };
}
