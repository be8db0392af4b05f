// The node agent (the kubelet's job, first slice): registers its Node with heartbeats, watches the
// pods bound to it, and runs one sync per pod (keyed by uid) through a work queue. Reaches cluster
// state only through the Kubernetes API. Containers outlive the agent; a restarted agent adopts
// those whose pod still exists and removes the others.
// https://github.com/kubernetes/kubernetes/blob/v1.32.4/pkg/kubelet/pod_workers.go
import { mkdir } from 'node:fs/promises';
import { availableParallelism, totalmem } from 'node:os';
import { join } from 'node:path';
import { ContentStore, SnapshotStore } from '../../image/index.ts';
import { POOL_LABEL } from '../../api/bursting.ts';
import { PodNetwork } from '../network/index.ts';
import type { PodNetworkOptions } from '../network/index.ts';
import { EventRecorder, Informer, WorkQueue } from '../../client/index.ts';
import type { KubeClient } from '../../client/index.ts';
import { ContainerRuntime, detectRunc } from '../runtime/index.ts';
import type { RuncStatus } from '../runtime/index.ts';
import { adoptContainers } from './adoption.ts';
import { Backoff } from './backoff.ts';
import { ContainerStarter } from './container-starter.ts';
import { ContainerSync } from './container-sync.ts';
import { Heartbeat } from './heartbeat.ts';
import { ImageManager } from './image-manager.ts';
import { AgentLogSource } from './log-source.ts';
import { imagesInUse, nodeImages } from './node-images.ts';
import { NodeServices } from './node-services.ts';
import type { NodeServicesOptions } from './node-services.ts';
import { AgentPaths } from './paths.ts';
import type { PodRecord } from './pod-record.ts';
import { HOST_IP } from './pod-status.ts';
import { timestamp } from './pod-types.ts';
import type { Pod } from './pod-types.ts';
import { PodWorker } from './pod-worker.ts';
import { Prober } from './prober.ts';
import type { Taint } from './node-status.ts';
import { PODS } from './refs.ts';
import { Semaphore } from './semaphore.ts';

export interface NodeAgentOptions {
  client: KubeClient;
  nodeName: string;
  dataDir: string;
  /** containerd-style certs.d directory, read live at every pull. */
  certsDir?: string | undefined;
  /** Explicit runc binary; when given and missing, the node is NotReady (no $PATH fallback). */
  runcPath?: string | undefined;
  maxParallelPulls?: number | undefined;
  now?: (() => Date) | undefined;
  /** Pull and crash-loop backoff: initial (default 10 s) doubling to max (default 300 s). */
  initialBackoffMs?: number | undefined;
  maxBackoffMs?: number | undefined;
  /** Pods synced at once (default 16). */
  workers?: number | undefined;
  leaseRenewMs?: number | undefined;
  statusUpdateMs?: number | undefined;
  /** Labels added to the Node's own (kubernetes.io/hostname, os, arch) at every registration. */
  labels?: Record<string, string> | undefined;
  /** Taints the Node registers with and keeps on re-registration (e.g. a pool's NoSchedule). */
  taints?: Taint[] | undefined;
  /**
   * A network namespace and IP per pod through the CNI bridge plugin (default true where the
   * plugins, ip and iptables are installed and the agent is root; otherwise the host's network).
   */
  podNetwork?: boolean | Omit<PodNetworkOptions, 'stateDir'> | undefined;
  /** Registries pods may name plain-HTTP or insecure (host list syntax); undefined: any. */
  allowedInsecureRegistries?: string[] | undefined;
  /**
   * Apply pods' coordinator.cci.io/image-replacement rules (default true). Regular nodes set to
   * false pull the original images while the elastic pool pulls from the mirror (seed 002).
   */
  imageReplacement?: boolean | undefined;
  imageGc?: NodeServicesOptions['imageGc'];
  /** Failures the agent cannot put in an event or a status. It never logs. */
  onError?: ((error: unknown) => void) | undefined;
}

function specOrMetaChanged(a: Pod, b: Pod): boolean {
  const view = (p: Pod) => {
    const { resourceVersion: _rv, managedFields: _mf, ...meta } = p.metadata;
    return JSON.stringify([meta, p.spec]);
  };
  return view(a) !== view(b);
}

/** What limits.* of a container without limits resolve to in env (the kubelet's node allocatable). */
function nodeAllocatable(): { cpu: string; memory: string } {
  return { cpu: String(availableParallelism()), memory: `${Math.floor(totalmem() / 1024)}Ki` };
}

export class NodeAgent {
  readonly nodeName: string;
  readonly paths: AgentPaths;
  readonly #o: NodeAgentOptions;
  readonly #queue = new WorkQueue<string>();
  readonly #records = new Map<string, PodRecord>();
  readonly #uidToKey = new Map<string, string>();
  readonly #onError: (error: unknown) => void;
  #runc: RuncStatus = { available: false, reason: 'NotInstalled', message: 'not checked yet' };
  #informer: Informer<Pod> | undefined;
  #heartbeat: Heartbeat | undefined;
  #runtime: ContainerRuntime | undefined;
  #snapshots: SnapshotStore | undefined;
  #worker: PodWorker | undefined;
  #prober: Prober | undefined;
  #network: PodNetwork | undefined;
  #services: NodeServices | undefined;
  #images: (() => Promise<unknown[]>) | undefined;
  #workers: Promise<void>[] = [];
  #stopped = false;

  constructor(options: NodeAgentOptions) {
    this.#o = options;
    this.nodeName = options.nodeName;
    this.paths = new AgentPaths(options.dataDir);
    this.#onError = options.onError ?? (() => {});
  }

  get runcStatus(): RuncStatus {
    return this.#runc;
  }

  get runtime(): ContainerRuntime | undefined {
    return this.#runtime;
  }

  /** Probe workers alive now (0 after stop). */
  get probeWorkers(): number {
    return this.#prober?.size ?? 0;
  }

  async start(): Promise<void> {
    const o = this.#o;
    const now = o.now ?? (() => new Date());
    await mkdir(o.dataDir, { recursive: true, mode: 0o700 });
    this.#runc = await detectRunc(o.runcPath === undefined ? {} : { path: o.runcPath, searchPath: '', fallbacks: [] });
    this.#heartbeat = new Heartbeat({
      client: o.client, nodeName: o.nodeName, dataDir: o.dataDir, runc: () => this.#runc, now, labels: o.labels ?? {}, taints: o.taints ?? [],
      leaseRenewMs: o.leaseRenewMs ?? 10_000, statusUpdateMs: o.statusUpdateMs ?? 60_000, onError: this.#onError,
      images: () => this.#images?.() ?? Promise.resolve([]),
    });
    await this.#heartbeat.start();
    // Without runc the node stays registered and NotReady; it runs no pods.
    if (!this.#runc.available) return;
    this.#runtime = new ContainerRuntime({ stateDir: this.paths.runtimeState, runcPath: this.#runc.path });
    const store = await ContentStore.open(this.paths.content);
    this.#snapshots = await SnapshotStore.open(this.paths.snapshots);
    const recorder = new EventRecorder(o.client, 'kubelet', { host: o.nodeName, onError: this.#onError, now });
    const initial = o.initialBackoffMs ?? 10_000;
    const max = o.maxBackoffMs ?? 300_000;
    const semaphore = new Semaphore(o.maxParallelPulls ?? 3);
    const images = new ImageManager({ store, snapshots: this.#snapshots, semaphore, backoff: new Backoff(initial, max), recorder });
    this.#images = () => nodeImages(store);
    this.#network = this.#podNetwork();
    const requeue = (uid: string, ms: number) => this.#queue.addAfter(uid, ms);
    const crashBackoff = new Backoff(initial, max);
    const containers = new ContainerSync({
      client: o.client, recorder, runtime: this.#runtime, starter: new ContainerStarter(this.#runtime, this.paths, store), images,
      crashBackoff, certsDir: o.certsDir, node: nodeAllocatable, now, requeue, onError: this.#onError,
      allowedInsecure: o.allowedInsecureRegistries, imageReplacement: o.imageReplacement,
    });
    this.#prober = new Prober({ runtime: this.#runtime, recorder, podIP: HOST_IP, onChange: (uid) => requeue(uid, 0) });
    this.#worker = new PodWorker({
      client: o.client, recorder, runtime: this.#runtime, containers, prober: this.#prober, images, crashBackoff, paths: this.paths, now,
      requeue, onError: this.#onError, network: this.#network,
    });
    const informer = new Informer<Pod>(o.client, PODS, { fieldSelector: `spec.nodeName=${o.nodeName}`, onError: this.#onError });
    this.#informer = informer;
    informer.start();
    await informer.waitForSync();
    for (const pod of informer.list()) this.#remember(pod);
    await adoptContainers({ runtime: this.#runtime, worker: this.#worker, records: this.#records, pods: (uid) => this.#pod(uid), now, network: this.#network });
    this.#services = new NodeServices({
      client: o.client, nodeName: o.nodeName, dataDir: o.dataDir, certsDir: o.certsDir, allowedInsecure: o.allowedInsecureRegistries, store, snapshots: this.#snapshots, semaphore,
      pool: o.labels?.[POOL_LABEL], inUse: () => imagesInUse(this.#records.values()), imageGc: o.imageGc, now, onError: this.#onError,
      onProblem: (message) => this.#onError(new Error(message)),
    });
    await this.#services.start();
    informer.addHandler({
      add: (pod) => this.#enqueue(pod),
      // The agent's own status writes come back as updates; only spec and metadata changes (a
      // deletion, a new annotation) need a sync, as the kubelet's pod config ignores status.
      update: (old, pod) => {
        if (specOrMetaChanged(old, pod)) this.#enqueue(pod);
      },
      delete: (pod) => {
        const uid = pod.metadata.uid as string;
        this.#uidToKey.delete(uid);
        this.#queue.add(uid);
      },
    });
    for (let i = 0; i < (o.workers ?? 16); i++) this.#workers.push(this.#work());
  }

  /** Stops watching and syncing; containers keep running (a new agent adopts them). */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#heartbeat?.stop();
    this.#informer?.stop();
    this.#prober?.stop();
    await this.#services?.stop();
    this.#queue.shutDown();
    for (const rec of this.#records.values()) for (const t of rec.containers.values()) t.exitWatch?.abort();
    await Promise.all(this.#workers);
    await this.#snapshots?.close();
  }

  /**
   * After stop(): removes every container of this node and every pod sandbox, as when a node is
   * decommissioned (tests use it so nothing outlives them). A stopped agent otherwise leaves them
   * running for the next one to adopt.
   */
  async cleanUp(): Promise<void> {
    const runtime = this.#runtime;
    if (runtime !== undefined) for (const c of await runtime.listContainers().catch(() => [])) await runtime.removeContainer(c.id, { force: true }).catch(this.#onError);
    for (const s of (await this.#network?.list()) ?? []) await this.#network?.tearDown(s.podUid).catch(this.#onError);
  }

  /** The image garbage collector and ImageCache pins (undefined until started with runc). */
  get services(): NodeServices | undefined {
    return this.#services;
  }

  #podNetwork(): PodNetwork | undefined {
    const want = this.#o.podNetwork ?? true;
    if (want === false) return undefined;
    const network = new PodNetwork({ stateDir: join(this.#o.dataDir, 'network'), ...(typeof want === 'object' ? want : {}) });
    const availability = network.availability();
    if (availability.available) return network;
    this.#onError(new Error(`pod networking: ${availability.message}`));
    return undefined;
  }

  /** For the apiserver's pods/log (structurally its LogSource). */
  logSource(): AgentLogSource {
    return new AgentLogSource({ paths: this.paths, runtime: () => this.#runtime, record: (uid) => this.#records.get(uid) });
  }

  #remember(pod: Pod): string {
    const uid = pod.metadata.uid as string;
    this.#uidToKey.set(uid, `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`);
    return uid;
  }

  #enqueue(pod: Pod): void {
    this.#queue.add(this.#remember(pod));
  }

  #pod(uid: string): Pod | undefined {
    const key = this.#uidToKey.get(uid);
    const pod = key === undefined ? undefined : this.#informer?.getByKey(key);
    return pod?.metadata.uid === uid ? pod : undefined;
  }

  async #work(): Promise<void> {
    for (;;) {
      const uid = await this.#queue.get();
      if (uid === undefined) return;
      try {
        await this.#sync(uid);
        this.#queue.forget(uid);
      } catch (err) {
        this.#onError(err);
        if (!this.#stopped) this.#queue.addRateLimited(uid);
      } finally {
        this.#queue.done(uid);
      }
    }
  }

  async #sync(uid: string): Promise<void> {
    const worker = this.#worker;
    if (worker === undefined || this.#stopped) return;
    const pod = this.#pod(uid);
    let rec = this.#records.get(uid);
    if (pod === undefined) {
      // Gone from the API (deleted with grace 0, or by someone else): stop and remove what runs.
      if (rec !== undefined) {
        await worker.terminate(rec, undefined);
        this.#records.delete(uid);
      }
      return;
    }
    if (rec === undefined) {
      rec = {
        uid, namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name ?? '',
        startTime: pod.status?.startTime ?? timestamp((this.#o.now ?? (() => new Date()))()), containers: new Map(),
      };
      this.#records.set(uid, rec);
    }
    if ((await worker.sync(pod, rec)) === 'deleted') this.#records.delete(uid);
  }
}
