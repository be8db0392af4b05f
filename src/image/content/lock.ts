// Cross-process lock files. A lock is a small JSON file naming its holder (pid, boot id, process
// start time, random token). It appears atomically and complete (written to a temp file, then
// link(2)ed into place, which fails with EEXIST if the lock is held), so a reader never sees a
// half-written lock. A lock whose holder is dead is stale and may be broken; waiters poll.
//
// Breaking is done by renaming the stale lock to a unique name first: of two breakers only one
// rename succeeds. The winner then checks that it moved the lock it judged stale; if in the
// meantime a live process had taken the lock (the only race left), the lock is linked back.

import { randomBytes } from 'node:crypto';
import { link, readFile, rename } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { createFileExclusive, errorCode, tempName, unlinkIfExists } from './fs-atomic.ts';
import { currentOwner, isOwnerAlive, parseOwner, type ProcessOwner } from './process-owner.ts';
import { sleep } from './wait.ts';

/** How often a waiter re-checks a held lock: short enough to add little latency to a pull. */
export const LOCK_POLL_MS = 50;

export type LockState =
  | { kind: 'absent' }
  | { kind: 'unreadable' }
  | { kind: 'held'; owner: ProcessOwner; token: string; alive: boolean };

export async function readLockState(path: string): Promise<LockState> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return { kind: 'absent' };
    throw err;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Only possible after a power loss (lock files are not fsynced) or outside tampering.
    return { kind: 'unreadable' };
  }
  const owner = parseOwner(value);
  const token = (value as { token?: unknown } | null)?.token;
  if (owner === undefined || typeof token !== 'string') return { kind: 'unreadable' };
  return { kind: 'held', owner, token, alive: isOwnerAlive(owner) };
}

export class FileLock {
  readonly path: string;
  readonly token: string;
  #released = false;

  constructor(path: string, token: string) {
    this.path = path;
    this.token = token;
  }

  get released(): boolean {
    return this.#released;
  }

  /** Removes the lock file if it is still this lock (never someone else's). Idempotent. */
  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    const state = await readLockState(this.path);
    if (state.kind === 'held' && state.token === this.token) await unlinkIfExists(this.path);
  }
}

/**
 * Breaks the lock at `path` if it is stale (unreadable, or its holder is dead).
 * Returns whether the lock is now gone (broken, or released meanwhile).
 */
export async function breakLockIfStale(path: string): Promise<boolean> {
  const state = await readLockState(path);
  if (state.kind === 'absent') return true;
  if (state.kind === 'held' && state.alive) return false;
  const expected = state.kind === 'held' ? state.token : undefined;
  const aside = tempName(dirname(path), basename(path), 'stale');
  try {
    await rename(path, aside);
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return true;
    throw err;
  }
  const moved = await readLockState(aside);
  const movedToken = moved.kind === 'held' ? moved.token : undefined;
  if (movedToken !== expected && moved.kind === 'held' && moved.alive) {
    // A live process took the lock between our read and our rename: give it back.
    try {
      await link(aside, path);
    } catch (err) {
      if (errorCode(err) !== 'EEXIST') throw err;
    }
  }
  await unlinkIfExists(aside);
  return true;
}

/** Takes the lock if it is free or stale; returns undefined if a live process holds it. */
export async function tryAcquireLock(path: string): Promise<FileLock | undefined> {
  const token = randomBytes(16).toString('hex');
  const content = JSON.stringify({ ...currentOwner(), token, createdAt: Date.now() });
  // A few rounds: the lock may be released or broken between our attempt and our look at it.
  for (let attempt = 0; attempt < 3; attempt++) {
    // Not fsynced: after a power loss a lock is stale anyway (the boot id changes).
    if (await createFileExclusive(path, content, dirname(path), { durable: false })) {
      return new FileLock(path, token);
    }
    if (!(await breakLockIfStale(path))) return undefined;
  }
  return undefined;
}

export interface AcquireOptions {
  signal?: AbortSignal | undefined;
  pollMs?: number;
  /** Names the lock in an ABORTED error. */
  what?: string;
}

/** Waits until the lock is taken, polling every `pollMs`; honours `signal`. */
export async function acquireLock(path: string, options: AcquireOptions = {}): Promise<FileLock> {
  const what = options.what ?? `lock ${path}`;
  for (;;) {
    const lock = await tryAcquireLock(path);
    if (lock !== undefined) return lock;
    await sleep(options.pollMs ?? LOCK_POLL_MS, options.signal, what);
  }
}

/** Runs `fn` holding the lock, releasing it afterwards whatever happens. */
export async function withLock<T>(path: string, options: AcquireOptions, fn: () => Promise<T>): Promise<T> {
  const lock = await acquireLock(path, options);
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}
