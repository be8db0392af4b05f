/**
 * Runs `tasks` with at most `limit` at a time; each result is handed to `then` as soon as it is
 * ready (so unpacking a layer overlaps downloading the next). The first failure aborts the rest.
 */
export async function boundedAll<T>(
  tasks: (() => Promise<T>)[],
  limit: number,
  signal: AbortSignal | undefined,
  then: (value: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed: unknown;
  const follow: Promise<void>[] = [];
  const worker = async (): Promise<void> => {
    while (next < tasks.length && failed === undefined && !signal?.aborted) {
      const task = tasks[next++] as () => Promise<T>;
      const value = await task();
      follow.push(then(value));
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(limit, tasks.length)) }, () =>
    worker().catch((err: unknown) => {
      failed ??= err;
    }),
  );
  await Promise.all(workers);
  const settled = await Promise.allSettled(follow);
  if (failed !== undefined) throw failed;
  for (const s of settled) if (s.status === 'rejected') throw s.reason;
  if (signal?.aborted) throw signal.reason;
}
