// The scheduler loop: pending pods (a field-selected informer, spec.nodeName=) go through the
// pure filter and score (schedulePod) against the cached nodes and every pod's requests, then are
// bound, or get a FailedScheduling event and the PodScheduled=False condition. Unschedulable pods
// are retried when a node or a bound pod changes, and every 30 s regardless (kube-scheduler's
// podMaxInUnschedulablePodsDuration is 5 min; Ferry has no cluster events to wait on beyond these).
// Pods bound but not yet seen bound in the cache are "assumed", so two quick decisions do not
// overcommit a node.
// https://github.com/kubernetes/kubernetes/blob/master/pkg/scheduler/schedule_one.go
// https://github.com/kubernetes/kubernetes/blob/master/pkg/scheduler/eventhandlers.go
import { EventRecorder, isConflict, isNotFound, keyOf, refFor, splitKey } from '../../client/index.ts';
import type { Informer, ResourceClient } from '../../client/index.ts';
import { configMapKind, deploymentKind, imageCacheKind, nodeKind, podKind, replicaSetKind, statefulSetKind } from '../../api/kinds/index.ts';
import { EIP_POOL_CONFIGMAP, EIP_POOL_NAMESPACE } from '../eip/pool.ts';
import { allocatedEip, wantsEip } from './eip-controller.ts';
import { burstModeOf } from '../../api/bursting.ts';
import type { BurstMode } from '../../api/bursting.ts';
import type { KubeObject, Node, Pod } from '../common/types.ts';
import { failedSchedulingEvent, needsScheduling, scheduledEvent, schedulePod, unschedulableCondition } from '../scheduler/schedule.ts';
import { Controller } from './controller.ts';
import type { ControllerOptions, SyncResult } from './controller.ts';
import type { InformerFactory } from './informer-factory.ts';
import { recordAll } from './util.ts';

export const UNSCHEDULABLE_RETRY_MS = 30_000;
/** How long a binding may take to show in the cache before its assumption is dropped. */
const ASSUME_TTL_MS = 30_000;

export interface SchedulerOptions extends Pick<ControllerOptions, 'onError'> {
  schedulerName?: string;
  now?: () => Date;
}

export class Scheduler {
  readonly controller: Controller;
  readonly #pending: Informer<Pod>;
  readonly #allPods: Informer<Pod>;
  readonly #nodes: Informer<Node>;
  readonly #pods: ResourceClient<Pod>;
  readonly #recorder: EventRecorder;
  readonly #schedulerName: string | undefined;
  readonly #now: () => Date;
  /** Bound by us, not yet seen bound: key -> the pod with spec.nodeName set, and when. */
  readonly #assumed = new Map<string, { pod: Pod; at: number }>();
  readonly #unschedulable = new Set<string>();
  /** Workloads whose burst label a pod inherits, by ownerReference kind. */
  readonly #owners: Record<string, Informer<KubeObject>>;
  readonly #caches: Informer<KubeObject>;
  readonly #configMaps: Informer<KubeObject>;

  constructor(factory: InformerFactory, options: SchedulerOptions = {}) {
    this.#now = options.now ?? (() => new Date());
    this.#schedulerName = options.schedulerName;
    this.#pending = factory.informer<Pod>(podKind, 'spec.nodeName=');
    this.#allPods = factory.informer<Pod>(podKind);
    this.#nodes = factory.informer<Node>(nodeKind);
    this.#caches = factory.informer(imageCacheKind);
    this.#configMaps = factory.informer(configMapKind);
    this.#owners = {
      ReplicaSet: factory.informer(replicaSetKind), Deployment: factory.informer(deploymentKind), StatefulSet: factory.informer(statefulSetKind),
    };
    this.#pods = factory.client.resource<Pod>(refFor(podKind));
    this.#recorder = new EventRecorder(factory.client, options.schedulerName ?? 'default-scheduler', { onError: (e) => options.onError?.(e, { controller: 'scheduler' }) });
    // One worker, as kube-scheduler's scheduleOne: decisions see each other's assumptions.
    this.controller = new Controller({
      name: 'scheduler',
      informers: [this.#pending, this.#allPods, this.#nodes, this.#caches, this.#configMaps, ...Object.values(this.#owners)] as Informer<KubeObject>[],
      sync: (key) => this.#sync(key),
      workers: 1,
      ...(options.onError === undefined ? {} : { onError: options.onError }),
    });
    this.#pending.addHandler({
      add: (pod) => this.controller.enqueue(pod),
      // Our own status write changes only the status: not a reason to try again at once.
      update: (old, pod) => {
        if (!sameExceptStatus(old, pod)) this.controller.enqueue(pod);
      },
      delete: (pod) => this.#unschedulable.delete(keyOf(pod)),
    });
    const retryAll = (): void => {
      for (const key of this.#unschedulable) this.controller.queue.add(key);
    };
    // A pod pinned to an ImageCache waits for the cache to be Ready somewhere.
    this.#caches.addHandler({ add: retryAll, update: retryAll });
    this.#nodes.addHandler({ add: retryAll, update: (old, node) => {
      if (!sameExceptStatus(old, node) || capacityKey(old) !== capacityKey(node)) retryAll();
    } });
    this.#allPods.addHandler({
      update: (_old, pod) => {
        if (pod.spec?.nodeName) this.#assumed.delete(keyOf(pod));
      },
      delete: (pod) => {
        this.#assumed.delete(keyOf(pod));
        if (pod.spec?.nodeName) retryAll();
      },
    });
  }

  /**
   * A pod asking for an EIP waits for the EIP controller's allocation while a pool is configured
   * (issue 5 section 5); without a pool it runs without one (the EIP controller says so).
   */
  #waitsForEip(pod: Pod): boolean {
    if (!wantsEip(pod) || allocatedEip(pod) !== undefined) return false;
    return this.#configMaps.get(EIP_POOL_NAMESPACE, EIP_POOL_CONFIGMAP) !== undefined;
  }

  /**
   * The pod's burst-to-cci label, else its workload's (pod -> ReplicaSet -> Deployment, or
   * StatefulSet), read when the pod is first scheduled, as the vendor reads it at creation.
   */
  #burstMode(pod: Pod): BurstMode | undefined {
    let object: KubeObject = pod;
    for (let depth = 0; depth < 3; depth++) {
      const mode = burstModeOf(object.metadata.labels);
      if (mode !== undefined) return mode;
      const ref = object.metadata.ownerReferences?.find((r) => r.controller === true);
      const owner = ref === undefined ? undefined : this.#owners[ref.kind]?.get(object.metadata.namespace ?? '', ref.name);
      if (owner === undefined || owner.metadata.uid !== ref?.uid) return undefined;
      object = owner;
    }
    return undefined;
  }

  #podsWithAssumed(): Pod[] {
    const now = performance.now();
    const pods = new Map(this.#allPods.list().map((p) => [keyOf(p), p]));
    for (const [key, { pod, at }] of this.#assumed) {
      if (now - at > ASSUME_TTL_MS) this.#assumed.delete(key);
      else if (!pods.get(key)?.spec?.nodeName) pods.set(key, pod);
    }
    return [...pods.values()];
  }

  async #sync(key: string): Promise<SyncResult | void> {
    const { namespace = '', name } = splitKey(key);
    const pod = this.#pending.get(namespace, name);
    if (pod === undefined || this.#assumed.has(key) || !needsScheduling(pod, this.#schedulerName) || this.#waitsForEip(pod)) {
      this.#unschedulable.delete(key);
      return;
    }
    const result = schedulePod(pod, this.#nodes.list(), this.#podsWithAssumed(), { burst: this.#burstMode(pod), caches: this.#caches.list() });
    const pods = this.#pods.inNamespace(namespace);
    if (result.kind === 'scheduled') {
      try {
        await pods.bind(name, result.node);
      } catch (error) {
        // Bound already (by another scheduler, or us on a stale cache) or deleted: nothing to do.
        if (isConflict(error) || isNotFound(error)) return;
        throw error;
      }
      this.#unschedulable.delete(key);
      const bound = structuredClone(pod) as Pod;
      bound.spec = { ...bound.spec, nodeName: result.node };
      this.#assumed.set(key, { pod: bound, at: performance.now() });
      void recordAll(this.#recorder, pod, [scheduledEvent(pod, result.node)]);
      return;
    }
    this.#unschedulable.add(key);
    void recordAll(this.#recorder, pod, [failedSchedulingEvent(result.message)]);
    await this.#markUnschedulable(pod, result.message);
    return { requeueAfterMs: UNSCHEDULABLE_RETRY_MS };
  }

  /** handleSchedulingFailure's status write: PodScheduled=False, reason Unschedulable. */
  async #markUnschedulable(pod: Pod, message: string): Promise<void> {
    const condition = unschedulableCondition(pod, message, this.#now());
    const current = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    if (current?.status === 'False' && current.reason === condition.reason && current.message === condition.message) return;
    const next = structuredClone(pod) as Pod;
    next.status = { ...next.status, conditions: [...(next.status?.conditions ?? []).filter((c) => c.type !== 'PodScheduled'), condition] };
    try {
      await this.#pods.inNamespace(pod.metadata.namespace ?? '').updateStatus(next);
    } catch (error) {
      // Changed or gone meanwhile: the next attempt writes it again.
      if (!isConflict(error) && !isNotFound(error)) throw error;
    }
  }
}

/** Equal but for status and the fields every write changes. */
function sameExceptStatus(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject): string => {
    const { status: _status, metadata, ...rest } = o as KubeObject & { status?: unknown };
    const { resourceVersion: _rv, managedFields: _mf, ...meta } = metadata as Record<string, unknown>;
    return JSON.stringify({ ...rest, metadata: meta });
  };
  return strip(a) === strip(b);
}

/** What of a node's status can make room: its allocatable resources and readiness (not heartbeats). */
function capacityKey(node: Node): string {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status;
  return JSON.stringify([node.status?.allocatable, ready]);
}
