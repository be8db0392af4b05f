// npm run bench:api — the API server under load from a second process on loopback: creates/s,
// gets/s (with p50/p99 latency), a 10,000-object list, server RSS with 10,000 objects, and watch
// fan-out (500 watchers, each must see every event). Targets are those of issue 3.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFerryServer } from './ferry-server.ts';

const OBJECTS = Number(process.env['OBJECTS'] ?? 10_000);
const GETS = Number(process.env['GETS'] ?? 30_000);
const CONCURRENCY = Number(process.env['CONCURRENCY'] ?? 64);
// Latency is measured apart, at a load a busy cluster sees (Little's law: at 64 clients in flight
// even 1,300 req/s means ~50 ms mean latency, so p99 there measures queueing, not the server).
const LATENCY_CONCURRENCY = Number(process.env['LATENCY_CONCURRENCY'] ?? 8);
const WATCHERS = Number(process.env['WATCHERS'] ?? 500);
const WATCH_EVENTS = Number(process.env['WATCH_EVENTS'] ?? 100);

const dataDir = mkdtempSync(join(tmpdir(), 'ferry-bench-api-'));
// The API server alone by default; ALL_IN_ONE=1 also runs the embedded node agent and controllers.
// PROFILE=DIR writes the server's CPU profile there (node --cpu-prof).
const profile = process.env['PROFILE'] === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${process.env['PROFILE']}`];
const api = await startFerryServer({
  dataDir,
  nodeArgs: profile,
  args: process.env['ALL_IN_ONE'] === '1' ? [] : ['--no-node-agent', '--no-controllers'],
  maxSockets: CONCURRENCY,
});
const server = api.process;
const cleanup = (): void => {
  server.kill(profile.length > 0 ? 'SIGINT' : 'SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
};
process.on('exit', cleanup);
const { port, token, ca, agent, call } = api;

async function timed(count: number, op: (i: number) => Promise<{ status: number }>, okStatus: number, concurrency = CONCURRENCY): Promise<{ perSecond: number; p50: number; p99: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const t = performance.now();
        const res = await op(i);
        latencies.push(performance.now() - t);
        if (res.status !== okStatus) throw new Error(`request ${i} answered ${res.status}`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { perSecond: count / seconds, p50: latencies[Math.floor(count * 0.5)] ?? 0, p99: latencies[Math.floor(count * 0.99)] ?? 0 };
}

function rssMb(): number {
  const status = readFileSync(`/proc/${String(server.pid)}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

const ns = 'bench';
await call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
const path = `/api/v1/namespaces/${ns}/configmaps`;
const configMap = (i: number) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, labels: { app: 'bench', shard: String(i % 10) } }, data: { index: String(i), payload: 'x'.repeat(200) } });

const creates = await timed(OBJECTS, (i) => call('POST', path, configMap(i)), 201);
const gets = await timed(GETS, (i) => call('GET', `${path}/cm-${(i * 7919) % OBJECTS}`), 200);
const latencyCount = Math.min(2000, OBJECTS);
const createLatency = await timed(latencyCount, (i) => call('POST', `/api/v1/namespaces/${ns}/secrets`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: `s-${i}` }, stringData: { token: 'x'.repeat(40) } }), 201, LATENCY_CONCURRENCY);
const getLatency = await timed(latencyCount * 2, (i) => call('GET', `${path}/cm-${(i * 7919) % OBJECTS}`), 200, LATENCY_CONCURRENCY);
const listStart = performance.now();
const list = await call('GET', `${path}?limit=0`);
const listMs = performance.now() - listStart;
const listed = (JSON.parse(list.body) as { items: unknown[]; metadata: { resourceVersion: string } });
const rss = rssMb();

// Watch fan-out: every watcher must see every event.
const watchAgent = new Agent({ keepAlive: false, maxSockets: WATCHERS + 10, ca });
const counts = new Array<number>(WATCHERS).fill(0);
let lastDelivery = 0;
const watches = await Promise.all(
  Array.from({ length: WATCHERS }, (_, w) =>
    new Promise<{ destroy(): void }>((done, fail) => {
      const req = request({ host: '127.0.0.1', port, path: `${path}?watch=true&resourceVersion=${listed.metadata.resourceVersion}&fieldSelector=metadata.name%3Dcm-0`, agent: watchAgent, headers: { Authorization: `Bearer ${token}` } }, (res) => {
        res.setEncoding('utf8');
        let buffer = '';
        res.on('data', (c: string) => {
          buffer += c;
          let nl;
          while ((nl = buffer.indexOf('\n')) >= 0) {
            buffer = buffer.slice(nl + 1);
            counts[w] = (counts[w] ?? 0) + 1;
            lastDelivery = performance.now();
          }
        });
        done(req);
      });
      req.on('error', fail);
      req.end();
    }),
  ),
);
const writeStart = performance.now();
for (let i = 0; i < WATCH_EVENTS; i++) {
  const res = await call('PATCH', `${path}/cm-0`, { data: { n: String(i) } }, 'application/merge-patch+json');
  if (res.status !== 200) throw new Error(`patch answered ${res.status}: ${res.body}`);
}
const writesDone = performance.now();
const deadline = Date.now() + 30_000;
while (counts.some((c) => c < WATCH_EVENTS) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
const complete = counts.filter((c) => c === WATCH_EVENTS).length;
for (const w of watches) w.destroy();
const rssAfterWatch = rssMb();

const line = (name: string, value: string, target: string): void => console.log(`${name.padEnd(34)} ${value.padEnd(28)} target ${target}`);
console.log(`\nferry API server, ${OBJECTS} ConfigMaps, ${CONCURRENCY} concurrent clients, loopback HTTPS`);
line('creates/s', `${creates.perSecond.toFixed(0)} (p50 ${creates.p50.toFixed(1)} ms, p99 ${creates.p99.toFixed(1)} ms)`, '>= 1000/s, p99 < 50 ms');
line('gets/s', `${gets.perSecond.toFixed(0)} (p50 ${gets.p50.toFixed(1)} ms, p99 ${gets.p99.toFixed(1)} ms)`, '>= 3000/s, p99 < 50 ms');
line(`secret creates, ${LATENCY_CONCURRENCY} clients`, `p50 ${createLatency.p50.toFixed(1)} ms, p99 ${createLatency.p99.toFixed(1)} ms (${createLatency.perSecond.toFixed(0)}/s)`, 'p99 < 50 ms');
line(`gets, ${LATENCY_CONCURRENCY} clients`, `p50 ${getLatency.p50.toFixed(1)} ms, p99 ${getLatency.p99.toFixed(1)} ms (${getLatency.perSecond.toFixed(0)}/s)`, 'p99 < 50 ms');
line(`list of ${listed.items.length}`, `${listMs.toFixed(0)} ms, ${(list.body.length / 1e6).toFixed(1)} MB`, '-');
line(`server RSS with ${OBJECTS + latencyCount} objects`, `${rss.toFixed(0)} MB`, '< 200 MB');
line(`watchers seeing all ${WATCH_EVENTS} events`, `${complete}/${WATCHERS}`, `${WATCHERS}/${WATCHERS}`);
line('watch fan-out', `${WATCH_EVENTS} writes in ${(writesDone - writeStart).toFixed(0)} ms, last delivery +${Math.max(0, lastDelivery - writesDone).toFixed(0)} ms`, '-');
line('server RSS with watchers', `${rssAfterWatch.toFixed(0)} MB`, '< 200 MB');
agent.destroy();
watchAgent.destroy();
process.exit(complete === WATCHERS ? 0 : 1);
