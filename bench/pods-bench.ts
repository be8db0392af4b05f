// npm run bench:pods — issue 4's performance figures: N (default 100) bare pods of a cached image
// created at once on the one node of `ferry server` (API server, controllers, scheduler and the
// embedded node agent running pods with runc). Measures create-to-Running p50/p99 (per pod, from
// its POST to the watch event that shows it Running), the time until all are Running (pods/s),
// the server's RSS (the agent is embedded) and the monitor processes and runc containers; then
// deletes them all and measures the time until every container is gone, and checks that no runc
// state, mount, bundle or monitor process is left. The peer, podman, runs the same image from the
// same registry (`podman run -d`, N at once, on a throwaway storage root) in the same run.
//
// Env: N (pods, default 100), MODE=deployment (one Deployment of N replicas instead of bare pods),
// PEER=0 (skip podman), PEER_NETWORK (podman's --network, default bridge), TIMEOUT (seconds per phase, default 180), PROFILE=DIR (the server's CPU
// profile, --cpu-prof, written to DIR when it stops).
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { busyboxImage, publishImage, startRegistry } from '../test/fixtures/index.ts';
import type { RunningRegistry } from '../test/fixtures/index.ts';
import { startFerryServer } from './ferry-server.ts';
import { RUNC, conmonPids, dirEntries, exec, killPids, monitorPids, mountsUnder, rssKb, runcList, unmountAll } from './host-state.ts';
import type { ApiAnswer, FerryServer } from './ferry-server.ts';

const N = Number(process.env['N'] ?? 100);
const MODE = process.env['MODE'] === 'deployment' ? 'deployment' : 'pods';
const PEER = process.env['PEER'] !== '0';
// Ferry's pods each get a network namespace on a bridge; podman's default bridge network is the like.
const PEER_NETWORK = process.env['PEER_NETWORK'] ?? 'bridge';
const TIMEOUT_MS = Number(process.env['TIMEOUT'] ?? 180) * 1000;
const NS = 'default';
const REPO = 'bench/sleeper:v1';
// PID 1 ignores SIGTERM unless it traps it: the trap makes graceful deletion prompt, as a real app.
const COMMAND = ['sh', '-c', 'trap "exit 0" TERM; sleep 3600 & wait'];
const PLAIN_HTTP = 'k8s.aliyun.com/plain-http-registry';

// ---------------------------------------------------------------------------------------------
// State shared with the cleanup.

let registry: RunningRegistry | undefined;
let server: ChildProcess | undefined;
let dataDir: string | undefined;
let podmanDir: string | undefined;

async function cleanup(): Promise<string[]> {
  const notes: string[] = [];
  if (server !== undefined && server.exitCode === null && server.signalCode === null) {
    const exited = new Promise((r) => server?.once('exit', r));
    server.kill('SIGTERM');
    await Promise.race([exited, sleep(10_000)]);
    if (server.exitCode === null && server.signalCode === null) {
      server.kill('SIGKILL');
      await exited;
    }
  }
  if (dataDir !== undefined) {
    const runcRoot = join(dataDir, 'node/runtime/.runc');
    const left = await runcList(runcRoot).catch(() => []);
    for (const c of left) await exec(RUNC, ['--root', runcRoot, 'delete', '--force', c.id]);
    if (left.length > 0) notes.push(`force-removed ${left.length} runc containers`);
    const monitors = monitorPids(dataDir);
    killPids(monitors);
    if (monitors.length > 0) notes.push(`killed ${monitors.length} monitors`);
    await unmountAll(dataDir);
    rmSync(dataDir, { recursive: true, force: true });
  }
  if (podmanDir !== undefined) {
    await podman(['rm', '--all', '--force', '--time', '0']).catch(() => undefined);
    // conmon outlives `podman rm` by a moment; wait for it, then kill what is left.
    const conmons = () => conmonPids(podmanDir as string);
    await until('conmon to exit', () => conmons().length === 0, 10_000, 100).catch(() => undefined);
    killPids(conmons());
    await unmountAll(podmanDir);
    rmSync(podmanDir, { recursive: true, force: true });
  }
  await registry?.stop();
  return notes;
}

// ---------------------------------------------------------------------------------------------
// The API, as api-bench.ts talks to it.

let api: FerryServer | undefined;

function call(method: string, path: string, body?: unknown): Promise<ApiAnswer> {
  if (api === undefined) throw new Error('the server is not started');
  return api.call(method, path, body);
}

async function must(method: string, path: string, ok: number[], body?: unknown): Promise<string> {
  const res = await call(method, path, body);
  if (!ok.includes(res.status)) throw new Error(`${method} ${path} answered ${res.status}: ${res.body.slice(0, 500)}`);
  return res.body;
}

interface PodView {
  metadata: { name: string; resourceVersion?: string; deletionTimestamp?: string };
  status?: { phase?: string; containerStatuses?: { state?: { running?: unknown; waiting?: { reason?: string; message?: string } } }[] };
}

const isRunning = (pod: PodView): boolean =>
  pod.status?.phase === 'Running' && (pod.status.containerStatuses ?? []).length > 0 && (pod.status.containerStatuses ?? []).every((c) => c.state?.running !== undefined);

/** Watches the namespace's pods from now on; `seen` gets ADDED times, `running` the first Running ones. */
class PodWatch {
  readonly seen = new Map<string, number>();
  readonly running = new Map<string, number>();
  readonly live = new Set<string>();
  readonly waiting = new Map<string, string>();
  #req: { destroy(): void } | undefined;
  #stopped = false;
  #rv = '';

  async start(): Promise<void> {
    const list = JSON.parse(await must('GET', `/api/v1/namespaces/${NS}/pods`, [200])) as { items: PodView[]; metadata: { resourceVersion: string } };
    for (const p of list.items) this.#apply('ADDED', p);
    this.#rv = list.metadata.resourceVersion;
    this.#open();
  }

  #apply(type: string, pod: PodView): void {
    const name = pod.metadata.name;
    const now = performance.now();
    if (pod.metadata.resourceVersion !== undefined) this.#rv = pod.metadata.resourceVersion;
    if (type === 'DELETED') {
      this.live.delete(name);
      return;
    }
    if (type !== 'ADDED' && type !== 'MODIFIED') return;
    this.live.add(name);
    if (!this.seen.has(name)) this.seen.set(name, now);
    if (!this.running.has(name) && isRunning(pod)) this.running.set(name, now);
    const w = pod.status?.containerStatuses?.[0]?.state?.waiting;
    if (w?.reason !== undefined && w.reason !== 'ContainerCreating') this.waiting.set(name, `${w.reason}: ${w.message ?? ''}`);
  }

  #open(): void {
    if (this.#stopped) return;
    const req = request({ host: '127.0.0.1', port: api?.port, path: `/api/v1/namespaces/${NS}/pods?watch=true&allowWatchBookmarks=true&resourceVersion=${this.#rv}`, ca: api?.ca, headers: { Authorization: `Bearer ${api?.token ?? ''}` } }, (res) => {
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (c: string) => {
        buffer += c;
        let nl;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          if (line.trim() === '') continue;
          const ev = JSON.parse(line) as { type: string; object: PodView };
          if (ev.type === 'BOOKMARK') {
            if (ev.object.metadata.resourceVersion !== undefined) this.#rv = ev.object.metadata.resourceVersion;
          } else {
            this.#apply(ev.type, ev.object);
          }
        }
      });
      res.on('end', () => this.#open());
    });
    req.on('error', () => {
      if (!this.#stopped) setTimeout(() => this.#open(), 200);
    });
    req.end();
    this.#req = req;
  }

  stop(): void {
    this.#stopped = true;
    this.#req?.destroy();
  }
}

async function until(what: string, check: () => boolean | Promise<boolean>, ms = TIMEOUT_MS, every = 20): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    await sleep(every);
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? NaN;
}

// ---------------------------------------------------------------------------------------------
// podman, the peer: the same image from the same registry, on its own throwaway storage.

function podman(args: string[], timeoutMs = 300_000): Promise<{ code: number; stdout: string; stderr: string }> {
  const dir = podmanDir as string;
  return exec('podman', ['--root', join(dir, 'root'), '--runroot', join(dir, 'run'), '--tmpdir', join(dir, 'tmp'), '--storage-driver', 'overlay', '--events-backend', 'none', '--cgroup-manager', 'cgroupfs', ...args], timeoutMs);
}

interface PeerResult {
  allMs: number;
  p50: number;
  p99: number;
  running: number;
  conmons: number;
  conmonRssMb: number;
  deleteMs: number;
  left: number;
}

// podman asks for RLIMIT_NOFILE 1048576 and a large RLIMIT_NPROC, which this sandbox refuses (EPERM);
// Ferry clamps NOFILE to what the host grants (host-limits.ts), so podman gets the same clamp.
function podmanUlimits(): string[] {
  const hard = Number(/Max open files\s+\d+\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1] ?? 1024);
  const nofile = Math.min(hard, 1_048_576);
  return ['--ulimit', `nofile=${nofile}:${nofile}`, '--ulimit', 'nproc=32768:32768'];
}

async function runPodman(image: string): Promise<PeerResult> {
  podmanDir = mkdtempSync(join(tmpdir(), 'ferry-bench-podman-'));
  const pull = await podman(['pull', '--quiet', '--tls-verify=false', image]);
  if (pull.code !== 0) throw new Error(`podman pull: ${pull.stderr}`);
  // Warm like Ferry: one container first, then removed.
  const warm = await podman(['run', '-d', '--network', PEER_NETWORK, ...podmanUlimits(), '--name', 'pb-warm', image, ...COMMAND]);
  if (warm.code !== 0) throw new Error(`podman run: ${warm.stderr}`);
  await podman(['rm', '--force', '--time', '10', 'pb-warm']);

  const latencies: number[] = [];
  const started = performance.now();
  const results = await Promise.all(Array.from({ length: N }, async (_, i) => {
    const t = performance.now();
    const r = await podman(['run', '-d', '--network', PEER_NETWORK, ...podmanUlimits(), '--name', `pb-${i}`, image, ...COMMAND]);
    latencies.push(performance.now() - t);
    return r;
  }));
  const allMs = performance.now() - started;
  const failed = results.filter((r) => r.code !== 0);
  if (failed.length > 0) throw new Error(`${failed.length} podman runs failed, e.g. ${failed[0]?.stderr ?? ''}`);
  const ps = await podman(['ps', '--quiet', '--filter', 'status=running']);
  const running = ps.stdout.split('\n').filter((l) => l.trim() !== '').length;
  const conmons = conmonPids(podmanDir as string);
  const conmonRssMb = conmons.reduce((s, pid) => s + rssKb(pid).rss, 0) / 1024;
  latencies.sort((a, b) => a - b);

  const delStart = performance.now();
  const rm = await podman(['rm', '--all', '--force', '--time', '10']);
  if (rm.code !== 0) throw new Error(`podman rm: ${rm.stderr}`);
  const deleteMs = performance.now() - delStart;
  const left = (await podman(['ps', '--all', '--quiet'])).stdout.split('\n').filter((l) => l.trim() !== '').length;
  return { allMs, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), running, conmons: conmons.length, conmonRssMb, deleteMs, left };
}

// ---------------------------------------------------------------------------------------------
// The run.

async function main(): Promise<boolean> {
  // A registry with the host's busybox as a one-layer image whose command sleeps.
  registry = await startRegistry();
  await publishImage(registry, REPO, busyboxImage(COMMAND));
  const image = `${registry.host}/${REPO}`;

  dataDir = mkdtempSync(join(tmpdir(), 'ferry-bench-pods-'));
  const runcRoot = join(dataDir, 'node/runtime/.runc');
  const bundles = join(dataDir, 'node/containers');
  const records = join(dataDir, 'node/runtime');
  const profile = process.env['PROFILE'];
  api = await startFerryServer({ dataDir, maxSockets: 32, captureStderr: true, nodeArgs: profile === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', profile] });
  server = api.process;
  const serverPid = api.pid;

  await until('a Ready node', async () => {
    const nodes = JSON.parse((await call('GET', '/api/v1/nodes')).body) as { items?: { status?: { conditions?: { type: string; status: string }[] } }[] };
    return (nodes.items ?? []).some((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
  }, 60_000, 200);

  const watch = new PodWatch();
  await watch.start();
  const template = { metadata: { labels: { app: 'sleeper' }, annotations: { [PLAIN_HTTP]: registry.host } }, spec: { terminationGracePeriodSeconds: 5, containers: [{ name: 'main', image, imagePullPolicy: 'IfNotPresent', command: COMMAND }] } };
  const pod = (name: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { ...template.metadata, name }, spec: template.spec });
  const noContainers = async () => (await runcList(runcRoot)).length === 0 && monitorPids(dataDir as string).length === 0;

  // Warm the image cache with one pod, then delete it.
  const warmStart = performance.now();
  await must('POST', `/api/v1/namespaces/${NS}/pods`, [201], pod('warm'));
  await until('the warm-up pod Running', () => {
    const waiting = watch.waiting.get('warm') ?? '';
    if (/Err|BackOff/.test(waiting)) throw new Error(`warm-up pod: ${waiting}`);
    return watch.running.has('warm');
  });
  const warmMs = performance.now() - warmStart;
  await must('DELETE', `/api/v1/namespaces/${NS}/pods/warm`, [200, 202]);
  await until('the warm-up pod gone', async () => !watch.live.has('warm') && await noContainers());
  const rssBefore = rssKb(serverPid);

  // N pods at once.
  const createdAt = new Map<string, number>();
  const names = Array.from({ length: N }, (_, i) => `sleeper-${i}`);
  const started = performance.now();
  if (MODE === 'deployment') {
    await must('POST', `/apis/apps/v1/namespaces/${NS}/deployments`, [201], { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'sleeper' }, spec: { replicas: N, selector: { matchLabels: { app: 'sleeper' } }, template } });
  } else {
    await Promise.all(names.map(async (name) => {
      createdAt.set(name, performance.now());
      await must('POST', `/api/v1/namespaces/${NS}/pods`, [201], pod(name));
    }));
  }
  const postsMs = performance.now() - started;
  const ours = (): string[] => (MODE === 'deployment' ? [...watch.seen.keys()].filter((n) => n.startsWith('sleeper-')) : names);
  let rssPeakDuring = 0;
  await until(`${N} pods Running`, () => {
    rssPeakDuring = Math.max(rssPeakDuring, rssKb(serverPid).rss);
    const mine = ours();
    return mine.length === N && mine.every((n) => watch.running.has(n));
  }).catch((err: unknown) => {
    const stuck = ours().filter((n) => !watch.running.has(n));
    throw new Error(`${String(err)}; ${watch.running.size} Running, not yet: ${stuck.slice(0, 5).join(', ')}${[...watch.waiting.values()].slice(0, 3).map((w) => `\n  ${w}`).join('')}`);
  });
  const allRunningMs = Math.max(...ours().map((n) => watch.running.get(n) ?? 0)) - started;
  const latencies = ours().map((n) => (watch.running.get(n) ?? 0) - (createdAt.get(n) ?? watch.seen.get(n) ?? started)).sort((a, b) => a - b);
  await sleep(500); // let status writes settle before sampling
  const rss = rssKb(serverPid);
  const monitors = monitorPids(dataDir);
  const monitorRssMb = monitors.reduce((s, pid) => s + rssKb(pid).rss, 0) / 1024;
  const containers = (await runcList(runcRoot)).filter((c) => c.status === 'running').length;

  // Delete them all; time until every container is gone.
  const delStart = performance.now();
  if (MODE === 'deployment') await must('DELETE', `/apis/apps/v1/namespaces/${NS}/deployments/sleeper`, [200, 202], { propagationPolicy: 'Background' });
  else await must('DELETE', `/api/v1/namespaces/${NS}/pods?labelSelector=app%3Dsleeper`, [200]);
  let containersGoneMs = 0;
  let podsGoneMs = 0;
  await until('all containers and pods gone', async () => {
    if (containersGoneMs === 0 && await noContainers()) containersGoneMs = performance.now() - delStart;
    if (podsGoneMs === 0 && ours().every((n) => !watch.live.has(n))) podsGoneMs = performance.now() - delStart;
    return containersGoneMs > 0 && podsGoneMs > 0;
  }, TIMEOUT_MS, 50);
  await sleep(1000); // anything that lingers after a second is a leak
  const leftRunc = (await runcList(runcRoot)).length + dirEntries(runcRoot).length;
  const leftMounts = mountsUnder(dataDir).length;
  const leftMonitors = monitorPids(dataDir).length;
  const leftBundles = dirEntries(bundles).length;
  const leftRecords = dirEntries(records).length;
  watch.stop();

  let peer: PeerResult | undefined;
  let peerError = '';
  if (PEER) {
    try {
      peer = await runPodman(image);
    } catch (err) {
      peerError = (err as Error).message.split('\n')[0] ?? '';
    }
  }

  // The table.
  const p50 = percentile(latencies, 0.5);
  const p99 = percentile(latencies, 0.99);
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const ratio = (a: number, b: number) => (b > 0 ? ` (${(a / b).toFixed(2)}x podman)` : '');
  const line = (name: string, value: string, target: string): void => console.log(`${name.padEnd(34)} ${value.padEnd(58)} target ${target}`);
  console.log(`\nferry server, ${N} ${MODE === 'deployment' ? 'replicas of one Deployment' : 'bare pods'} of a cached busybox image created at once, one node, ${String(availableParallelism())} CPUs`);
  line('warm-up pod (pull + start)', s(warmMs), '-');
  line(MODE === 'deployment' ? 'deployment POST' : `${N} pod POSTs (32 connections)`, s(postsMs), '-');
  line(`all ${N} Running`, `${s(allRunningMs)}, ${(N / (allRunningMs / 1000)).toFixed(1)} pods/s${peer ? ratio(allRunningMs, peer.allMs) : ''}`, '-');
  line('create->Running p50', `${s(p50)}${peer ? ratio(p50, peer.p50) : ''}`, '-');
  line('create->Running p99', `${s(p99)}${peer ? ratio(p99, peer.p99) : ''}`, 'p99 < 2 s (issue 4); Kubernetes SLO p99 <= 5 s excl. pull');
  line('server RSS (agent embedded)', `${(rss.rss / 1024).toFixed(0)} MB at N Running (${(rssBefore.rss / 1024).toFixed(0)} MB before, peak ${(Math.max(rss.hwm, rssPeakDuring) / 1024).toFixed(0)} MB)`, '- (reported)');
  line('monitor processes / containers', `${monitors.length} / ${containers} running`, `${N} / ${N}`);
  line('monitors RSS (sum, shared counted)', `${monitorRssMb.toFixed(0)} MB, ${(monitorRssMb / Math.max(1, monitors.length)).toFixed(1)} MB each${peer ? ` (podman conmon: ${peer.conmonRssMb.toFixed(0)} MB, ${(peer.conmonRssMb / Math.max(1, peer.conmons)).toFixed(1)} MB each)` : ''}`, '-');
  line('delete: all containers gone', `${s(containersGoneMs)}${peer ? ratio(containersGoneMs, peer.deleteMs) : ''}`, '-');
  line('delete: all pods gone from the API', s(podsGoneMs), '-');
  line('left: runc state / mounts', `${leftRunc} / ${leftMounts}`, '0 / 0 (issue 4 acceptance 4)');
  line('left: monitors / bundles / records', `${leftMonitors} / ${leftBundles} / ${leftRecords}`, '0 / 0 / 0');
  if (peer) {
    console.log(`\npodman ${(await exec('podman', ['--version'])).stdout.trim().replace(/^podman version /, '')} (runc, conmon, --network ${PEER_NETWORK}; Ferry's pods are on a bridge too), same image and registry, ${N} \`podman run -d\` at once`);
    line(`all ${N} running`, `${s(peer.allMs)}, ${(N / (peer.allMs / 1000)).toFixed(1)} containers/s`, '-');
    line('run -d latency p50 / p99', `${s(peer.p50)} / ${s(peer.p99)}`, '-');
    line('conmon processes / running', `${peer.conmons} / ${peer.running}`, `${N} / ${N}`);
    line('rm --all --force (--time 10)', `${s(peer.deleteMs)}, ${peer.left} left`, '-');
  } else {
    console.log(`\npodman not measured${peerError === '' ? ' (PEER=0)' : `: ${peerError}`}; the published figure that applies is the Kubernetes pod startup SLO: p99 <= 5 s excluding image pull.`);
  }
  console.log('Kubernetes pod startup SLO (sig-scalability): p99 of create-to-Running <= 5 s for stateless pods, excluding image pull.');
  const ok = latencies.length === N && leftRunc + leftMounts + leftMonitors + leftBundles === 0 && monitors.length === N && containers === N;
  return ok;
}

let ok = false;
try {
  ok = await main();
} catch (err) {
  console.error(`pods-bench failed: ${(err as Error).stack ?? String(err)}`);
  const serverErr = api?.stderrTail() ?? '';
  if (serverErr !== '') console.error(`server stderr (tail):\n${serverErr.slice(-4000)}`);
} finally {
  api?.agent.destroy();
  const notes = await cleanup().catch((err: unknown) => [`cleanup failed: ${String(err)}`]);
  if (notes.length > 0) console.log(`cleanup: ${notes.join(', ')}`);
}
process.exit(ok ? 0 : 1);
