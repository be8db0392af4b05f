// Time to answer for an image already in the store, in-process (as the node agent calls it):
// IfNotPresent must not touch the network (target < 50 ms); Always costs one manifest round
// trip. usage: node bench/present-bench.ts HOST:PORT/REPO:TAG   (a plain-HTTP registry)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContentStore } from '../src/image/content/index.ts';
import { closeIdleConnections, parseReference, pull } from '../src/image/index.ts';

const ROUNDS = 20;
const image = process.argv[2] ?? '127.0.0.1:5100/big:latest';
const ref = parseReference(image);
const dir = mkdtempSync(join(tmpdir(), 'ferry-present-'));
try {
  const store = await ContentStore.open(join(dir, 'content'));
  const settings = { plainHttp: [ref.registry] };
  await pull(ref, { store, settings });
  const time = async (policy: 'IfNotPresent' | 'Always'): Promise<number[]> => {
    const out: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const t0 = performance.now();
      const r = await pull(ref, { store, settings, policy });
      out.push(performance.now() - t0);
      if (!r.cached) throw new Error(`${policy}: expected a cached result`);
    }
    return out.sort((a, b) => a - b);
  };
  for (const policy of ['IfNotPresent', 'Always'] as const) {
    const t = await time(policy);
    const p50 = t[Math.floor(t.length / 2)] ?? 0;
    const p95 = t[Math.floor(t.length * 0.95)] ?? 0;
    const target = policy === 'IfNotPresent' ? ' (target < 50 ms)' : '';
    console.log(`present image, ${policy}: p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms over ${ROUNDS} pulls${target}`);
  }
} finally {
  closeIdleConnections();
  rmSync(dir, { recursive: true, force: true });
}
