// Storage benchmark: the SQLite store (synchronous FULL and NORMAL) and the encryption wrapper.
//
//   node bench/storage-bench.ts [--keys 10000] [--concurrency 64] [--value-bytes 1024] [--dir DIR]
//
// For each configuration, on a fresh database in DIR (default: a temp dir under os.tmpdir()):
//   creates/s     --keys creates from --concurrency callers at once (group commit at work)
//   creates/s 1   one caller awaiting each create in turn (one commit, one fsync each under FULL)
//   updates/s     an update of every key, --concurrency callers
//   gets/s        --keys gets, one caller awaiting each
//   list          one list of every key (median of 5), and the same in pages of 500
//   count         count of every key (median of 5)
//   watch replay  a watch from revision 0 delivering the whole history (creates + updates)
//   compact       compaction of that whole history
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { encryptValues, openSqliteStore, type KeyValueStore, type SqliteStoreOptions } from '../src/storage/index.ts';

const { values } = parseArgs({
  options: {
    keys: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '64' },
    'value-bytes': { type: 'string', default: '1024' },
    dir: { type: 'string' },
  },
});
const KEYS = Number(values.keys);
const CONCURRENCY = Number(values.concurrency);
const VALUE_BYTES = Number(values['value-bytes']);
const PREFIX = '/registry/secrets/bench/';
const keyOf = (i: number): string => `${PREFIX}secret-${String(i).padStart(6, '0')}`;
const valueOf = (i: number): Uint8Array => {
  // JSON-ish text, like a stored object: compressible, not constant.
  const head = `{"kind":"Secret","metadata":{"name":"secret-${i}","resourceVersion":"${i}"},"data":{"k":"`;
  return new TextEncoder().encode((head + 'x'.repeat(VALUE_BYTES)).slice(0, VALUE_BYTES - 3) + '"}}');
};

async function parallel(n: number, concurrency: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      for (let i = next++; i < n; i = next++) await fn(i);
    }),
  );
  return performance.now() - t0;
}

async function median(runs: number, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)] as number;
}

const perSecond = (n: number, ms: number): string => Math.round((n * 1000) / ms).toLocaleString('en-US');
const millis = (ms: number): string => `${ms.toFixed(1)} ms`;

async function bench(label: string, open: (path: string) => Promise<KeyValueStore>, base: string): Promise<Record<string, string>> {
  const dir = mkdtempSync(join(base, 'ferry-storage-bench-'));
  const store = await open(join(dir, 'db.sqlite'));
  try {
    const out: Record<string, string> = { config: label };
    const createMs = await parallel(KEYS, CONCURRENCY, (i) => store.create(keyOf(i), valueOf(i)));
    out['creates/s'] = perSecond(KEYS, createMs);
    const SEQ = Math.min(2000, KEYS);
    const seqMs = await parallel(SEQ, 1, (i) => store.create(`/registry/seq/${i}`, valueOf(i)));
    out['creates/s 1'] = perSecond(SEQ, seqMs);
    const updateMs = await parallel(KEYS, CONCURRENCY, (i) => store.update(keyOf(i), valueOf(i + 1), i + 1));
    out['updates/s'] = perSecond(KEYS, updateMs);
    const getMs = await parallel(KEYS, 1, async (i) => {
      if ((await store.get(keyOf((i * 7919) % KEYS))) === undefined) throw new Error('missing key');
    });
    out['gets/s'] = perSecond(KEYS, getMs);
    out['list all'] = millis(
      await median(5, async () => {
        if ((await store.list(PREFIX)).items.length !== KEYS) throw new Error('list is short');
      }),
    );
    out['list pages of 500'] = millis(
      await median(5, async () => {
        let n = 0;
        let page = await store.list(PREFIX, { limit: 500 });
        n += page.items.length;
        while (page.more) {
          page = await store.list(PREFIX, { limit: 500, startAfter: page.items.at(-1)!.key, revision: page.revision });
          n += page.items.length;
        }
        if (n !== KEYS) throw new Error('paging is short');
      }),
    );
    out['count'] = millis(await median(5, () => store.count(PREFIX)));
    const history = 2 * KEYS;
    out['watch replay'] = millis(
      await median(1, async () => {
        let n = 0;
        let done!: () => void;
        const finished = new Promise<void>((r) => (done = r));
        const w = store.watch(PREFIX, { afterRevision: 0, onEvent: () => ++n === history && done() });
        await finished;
        w.cancel();
      }),
    );
    const rev = await store.currentRevision();
    out['compact'] = millis(await median(1, () => store.compact(rev)));
    return out;
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const base = values.dir ? resolve(values.dir) : tmpdir();
const key = Buffer.alloc(32, 1);
const sqlite = (options: SqliteStoreOptions) => (path: string) => openSqliteStore(path, options);
const configs: [string, (path: string) => Promise<KeyValueStore>][] = [
  ['sqlite FULL', sqlite({ synchronous: 'full' })],
  ['sqlite NORMAL', sqlite({ synchronous: 'normal' })],
  ['encrypted FULL', async (path) => encryptValues(await openSqliteStore(path), { key, keyName: 'bench', prefixes: ['/registry/'] })],
];
console.log(`${KEYS} keys, ${CONCURRENCY} concurrent callers, ${VALUE_BYTES}-byte values, in ${base}`);
const rows: Record<string, string>[] = [];
for (const [label, open] of configs) rows.push(await bench(label, open, base));
console.table(rows);
