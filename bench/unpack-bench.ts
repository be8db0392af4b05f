// Unpack benchmark: ferry's SnapshotStore (worker pool, all layers in parallel) against GNU tar
// (`tar -xzf`, as many at a time as there are cores) on the same layer blobs, onto the same disk.
//
//   node bench/unpack-bench.ts [--runs 3] [--synthetic] [--oci DIR]... [--dest DIR] [--fresh-fs]
//
// --synthetic builds (once, cached in bench/work/unpack-bench) a gzip layer with 20,000 small text
// files, 200 symlinks and 4 x 16 MiB random files. --oci takes an OCI layout (e.g. the harness's
// bench/work/harness/work/oci/debian) and unpacks every layer of its first manifest.
// Between runs the destination is deleted and `sync` is run, so writeback of one run does not
// land in the next. --fresh-fs (root) instead formats a 12 GB ext4 loop file before every run and
// mounts it at the destination, as pull-baselines.md did: on a long-lived ext4, creating and
// deleting tens of thousands of files makes the inode allocator slow (open(O_CREAT) ~1 ms).

import { execFileSync, spawn } from 'node:child_process';
import { createHash, createCipheriv } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { SnapshotStore, chainIds } from '../src/image/unpack/index.ts';
import type { SnapshotInfo } from '../src/image/unpack/index.ts';

interface Layer { blobPath: string; mediaType: string; digest: string; diffId: string; size: number }
interface Image { name: string; layers: Layer[] }

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    synthetic: { type: 'boolean', default: false },
    oci: { type: 'string', multiple: true, default: [] },
    dest: { type: 'string', default: 'bench/work/unpack-bench/out' },
    'fresh-fs': { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
const dest = resolve(values.dest);
const work = resolve('bench/work/unpack-bench');
const images: Image[] = [];
if (values.synthetic) images.push(syntheticImage());
for (const dir of values.oci) images.push(ociImage(resolve(dir)));
if (images.length === 0) {
  console.error('nothing to do: pass --synthetic and/or --oci DIR');
  process.exit(2);
}

for (const img of images) {
  const mb = img.layers.reduce((a, l) => a + l.size, 0) / 1e6;
  console.log(`\n== ${img.name}: ${img.layers.length} layers, ${mb.toFixed(1)} MB compressed`);
  const ferry: number[] = [];
  const tar: number[] = [];
  let lastInfos: SnapshotInfo[] = [];
  for (let r = 0; r < runs; r++) {
    fresh();
    const t0 = performance.now();
    lastInfos = await ferryUnpack(img);
    ferry.push(performance.now() - t0);
    fresh();
    const t1 = performance.now();
    await tarUnpack(img);
    tar.push(performance.now() - t1);
  }
  const f = median(ferry);
  const t = median(tar);
  console.log(`ferry SnapshotStore  median ${(f / 1000).toFixed(2)} s  runs ${ferry.map((x) => (x / 1000).toFixed(2)).join(' ')}`);
  console.log(`tar -xzf x${availableParallelism()}         median ${(t / 1000).toFixed(2)} s  runs ${tar.map((x) => (x / 1000).toFixed(2)).join(' ')}`);
  console.log(`ratio ferry/tar ${(f / t).toFixed(2)}`);
  for (const s of lastInfos) {
    const tm = s.timings;
    console.log(`  ${s.layerDigest.slice(7, 19)} ${String(s.entries).padStart(6)} entries ${(s.size / 1e6).toFixed(1).padStart(6)} MB tar: ` +
      `total ${tm?.totalMs.toFixed(0)} ms, parse+write ${tm?.writeMs.toFixed(0)} ms, finish ${tm?.finishMs.toFixed(0)} ms`);
  }
}
cleanup();

async function ferryUnpack(img: Image): Promise<SnapshotInfo[]> {
  const store = await SnapshotStore.open(join(dest, 'snapshots'));
  const ids = chainIds(img.layers.map((l) => l.diffId));
  const infos = await Promise.all(img.layers.map((l, i) => store.unpackLayer({
    blobPath: l.blobPath, mediaType: l.mediaType, diffId: l.diffId, layerDigest: l.digest, chainId: ids[i]!, parentChainId: ids[i - 1],
  })));
  await store.close();
  return infos;
}

async function tarUnpack(img: Image): Promise<void> {
  const queue = img.layers.map((l, i) => ({ l, out: join(dest, 'tar', String(i)) }));
  const worker = async (): Promise<void> => {
    for (let job = queue.shift(); job !== undefined; job = queue.shift()) {
      mkdirSync(job.out, { recursive: true });
      const z = job.l.mediaType.includes('zstd') ? '--zstd' : job.l.mediaType.endsWith('tar') ? '' : '-z';
      await run('tar', ['-x', ...(z === '' ? [] : [z]), '-f', job.l.blobPath, '-C', job.out]);
    }
  };
  await Promise.all(Array.from({ length: availableParallelism() }, worker));
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((ok, fail) => {
    const p = spawn(cmd, args, { stdio: 'inherit' });
    p.on('exit', (code) => (code === 0 ? ok() : fail(new Error(`${cmd} exited ${code}`))));
  });
}

function fresh(): void {
  if (values['fresh-fs']) {
    const img = join(work, 'fresh-fs.img');
    mkdirSync(dest, { recursive: true });
    execFileSync('sh', ['-c', `mountpoint -q '${dest}' && umount '${dest}'; rm -f '${img}'; truncate -s 12G '${img}' && ` +
      `mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 '${img}' && mount -o loop '${img}' '${dest}'`]);
    return;
  }
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  execFileSync('sync');
}

function cleanup(): void {
  if (values['fresh-fs']) execFileSync('sh', ['-c', `umount '${dest}'; rm -f '${join(work, 'fresh-fs.img')}'`]);
  rmSync(dest, { recursive: true, force: true });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function ociImage(dir: string): Image {
  const blob = (d: string): string => join(dir, 'blobs', d.replace(':', '/'));
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
  const manifest = JSON.parse(readFileSync(blob(index.manifests[0]!.digest), 'utf8')) as {
    config: { digest: string }; layers: { digest: string; mediaType: string; size: number }[];
  };
  const config = JSON.parse(readFileSync(blob(manifest.config.digest), 'utf8')) as { rootfs: { diff_ids: string[] } };
  return {
    name: dir,
    layers: manifest.layers.map((l, i) => ({ blobPath: blob(l.digest), mediaType: l.mediaType, digest: l.digest, diffId: config.rootfs.diff_ids[i]!, size: l.size })),
  };
}

function syntheticImage(): Image {
  const blobPath = join(work, 'synthetic.tar.gz');
  if (!existsSync(blobPath)) {
    const src = join(work, 'synthetic-src');
    rmSync(src, { recursive: true, force: true });
    const words = 'the quick brown fox jumps over a lazy dog while layers unpack into snapshots fast and safe'.split(' ');
    let seed = 42;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let i = 0; i < 20_000; i++) {
      const d = join(src, 'app', `d${String(i % 200).padStart(3, '0')}`);
      if (i < 200) mkdirSync(d, { recursive: true });
      const n = 50 + Math.floor(rnd() * 400);
      writeFileSync(join(d, `f${i}.txt`), Array.from({ length: n }, () => words[Math.floor(rnd() * words.length)]).join(' '));
      if (i % 100 === 0) symlinkSync(`/app/d000/f${i}.txt`, join(d, `l${i}`));
    }
    const cipher = createCipheriv('aes-128-ctr', Buffer.alloc(16, 1), Buffer.alloc(16, 2));
    for (let i = 0; i < 4; i++) writeFileSync(join(src, `blob${i}.bin`), cipher.update(Buffer.alloc(16 * 1024 * 1024)));
    mkdirSync(work, { recursive: true });
    execFileSync('sh', ['-c', `tar -C '${src}' --numeric-owner -cf - . | gzip -6 > '${blobPath}'`]);
    rmSync(src, { recursive: true, force: true });
  }
  const blob = readFileSync(blobPath);
  return {
    name: 'synthetic (20k text files + 4 x 16 MiB random, gzip)',
    layers: [{
      blobPath,
      mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
      digest: `sha256:${createHash('sha256').update(blob).digest('hex')}`,
      diffId: `sha256:${createHash('sha256').update(gunzipSync(blob)).digest('hex')}`,
      size: blob.length,
    }],
  };
}
