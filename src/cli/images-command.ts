// `ferry images`, `ferry rmi`, `ferry prune`: look after what `ferry pull` stored.
import { collectGarbage } from '../image/content/index.ts';
import { pruneSnapshots } from '../image/prune.ts';
import { parseReference } from '../image/reference.ts';
import { defaultDataDir } from './data-dir.ts';
import { formatBytes } from './progress.ts';
import { openContent, withSnapshots } from './stores.ts';
import { parse, UsageError } from './usage.ts';

export async function imagesCommand(args: string[]): Promise<number> {
  const { values } = parse(args, { 'data-dir': { type: 'string' }, json: { type: 'boolean' } }, false);
  const store = await openContent(values['data-dir'] ?? defaultDataDir());
  const records = new Map((await store.listRecords()).map((r) => [r.digest, r]));
  const rows = (await store.list()).map((e) => {
    const ref = e.ref ?? '<none>';
    const r = records.get(e.descriptor.digest);
    return { reference: ref, digest: e.descriptor.digest, size: r?.size ?? e.descriptor.size, pulledAt: r?.pulledAt, lastUsedAt: r?.lastUsedAt };
  });
  if (values.json) {
    process.stdout.write(`${JSON.stringify(rows)}\n`);
    return 0;
  }
  const table = [['REFERENCE', 'DIGEST', 'SIZE', 'PULLED'], ...rows.map((r) => [r.reference, r.digest.slice(0, 19), formatBytes(r.size), r.pulledAt ?? '-'])];
  const widths = table[0]?.map((_, i) => Math.max(...table.map((row) => (row[i] ?? '').length))) ?? [];
  for (const row of table) process.stdout.write(`${row.map((c, i) => c.padEnd(widths[i] ?? 0)).join('   ').trimEnd()}\n`);
  return 0;
}

export async function rmiCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { 'data-dir': { type: 'string' } });
  if (positionals.length === 0) throw new UsageError('expected one or more IMAGE references');
  const store = await openContent(values['data-dir'] ?? defaultDataDir());
  let failed = 0;
  for (const text of positionals) {
    const ref = parseReference(text).toString();
    if (await store.untag(ref)) {
      process.stdout.write(`Untagged: ${ref}\n`);
    } else {
      process.stderr.write(`ferry rmi: no such image: ${ref}\n`);
      failed++;
    }
  }
  return failed === 0 ? 0 : 1;
}

// A pull in another process commits its layers before it tags the image; blobs that young are
// kept so that prune cannot pull them from under it. `--grace-seconds 0` drops them too.
const DEFAULT_PRUNE_GRACE_SECONDS = 300;

export async function pruneCommand(args: string[]): Promise<number> {
  const { values } = parse(args, { 'data-dir': { type: 'string' }, 'grace-seconds': { type: 'string' } }, false);
  const grace = Number(values['grace-seconds'] ?? DEFAULT_PRUNE_GRACE_SECONDS);
  if (!Number.isFinite(grace) || grace < 0) throw new UsageError('--grace-seconds must be a number of seconds, 0 or more');
  const dataDir = values['data-dir'] ?? defaultDataDir();
  const store = await openContent(dataDir);
  const blobs = await collectGarbage(store, { gracePeriodMs: grace * 1000 });
  const removedSnapshots = await withSnapshots(dataDir, (snapshots) => pruneSnapshots(store, snapshots, { minAgeMs: grace * 1000 }));
  process.stdout.write(`Removed ${blobs.removedBlobs} blobs (${formatBytes(blobs.freedBytes)}) and ${removedSnapshots} snapshots\n`);
  return 0;
}
