// Medians per image and tool from the harness's raw.jsonl, and the ratios the image-engine issue
// sets targets for: ferry pull / skopeo copy <= 1.0, ferry pull --unpack / podman pull <= 0.5,
// peak RSS < 150 MB.
import { readFileSync } from 'node:fs';

interface Run { tool: string; image: string; rc: number; wall: number; maxrss_kb: number; sync: number }
const [rawFile, sizesFile] = process.argv.slice(2) as [string, string];
const runs = readFileSync(rawFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Run);
const sizes = JSON.parse(readFileSync(sizesFile, 'utf8')) as Record<string, { compressed: number }>;
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? Number.NaN : n % 2 ? (s[(n - 1) / 2] as number) : ((s[n / 2 - 1] as number) + (s[n / 2] as number)) / 2;
};
const images = [...new Set(runs.map((r) => r.image))];
const tools = [...new Set(runs.map((r) => r.tool))];
const med = new Map<string, number>();
console.log('| image | tool | ok runs | median wall s (min-max) | MB/s compressed | peak RSS MB | failed |');
console.log('|---|---|---|---|---|---|---|');
for (const image of images) {
  for (const tool of tools) {
    const all = runs.filter((r) => r.image === image && r.tool === tool);
    const ok = all.filter((r) => r.rc === 0);
    if (all.length === 0) continue;
    const w = median(ok.map((r) => r.wall));
    med.set(`${image}/${tool}`, w);
    const mb = (sizes[image]?.compressed ?? 0) / 1e6 / w;
    const walls = ok.map((r) => r.wall);
    console.log(`| ${image} | ${tool} | ${ok.length} | ${w.toFixed(2)} (${Math.min(...walls).toFixed(2)}-${Math.max(...walls).toFixed(2)}) | ${mb.toFixed(1)} | ${(median(ok.map((r) => r.maxrss_kb)) / 1024).toFixed(1)} | ${all.length - ok.length} |`);
  }
}
console.log('\n| image | ratio | value | target |');
console.log('|---|---|---|---|');
for (const image of images) {
  const pairs: [string, string, number][] = [['ferry-pull', 'skopeo-oci', 1.0], ['ferry-unpack', 'podman-overlay', 0.5]];
  for (const [a, b, target] of pairs) {
    const x = med.get(`${image}/${a}`);
    const y = med.get(`${image}/${b}`);
    if (x === undefined || y === undefined) continue;
    const r = x / y;
    console.log(`| ${image} | ${a} / ${b} | ${r.toFixed(2)}x | <= ${target.toFixed(1)}x ${r <= target ? 'met' : 'MISSED'} |`);
  }
}
