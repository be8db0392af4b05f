// The ReplicaSet controller: keeps spec.replicas active pods for each ReplicaSet and writes its
// status. Pod events are mapped to their controlling ReplicaSet (or, for orphans, every
// ReplicaSet that selects them); expectations keep a sync from acting again on a cache that has
// not yet seen the pods it created or deleted.
// https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/replicaset/replica_set.go
import { EventRecorder, isNotFound, keyOf, refFor, splitKey } from '../../client/index.ts';
import type { Informer, ResourceClient } from '../../client/index.ts';
import { podKind, replicaSetKind } from '../../api/kinds/index.ts';
import { selectorMatches } from '../../api/validation/label-selector.ts';
import { semanticEqual } from '../../api/validation/object-meta.ts';
import { REPLICA_SET_KIND, controllerOf } from '../common/controller-ref.ts';
import type { KubeObject, Pod, ReplicaSet } from '../common/types.ts';
import { claimPods, podForReplicaSet, replicaDiff, replicaSetEvents, slowStartBatches } from '../replicaset/manage.ts';
import { availabilityRecheckSeconds, replicaSetStatus } from '../replicaset/status.ts';
import { applyClaim, hasControllerRef, NAMESPACE_INDEX, namespaceIndex, resolveControllerRef } from './claim.ts';
import { Controller } from './controller.ts';
import type { ControllerOptions, SyncResult } from './controller.ts';
import { Expectations } from './expectations.ts';
import type { InformerFactory } from './informer-factory.ts';
import { messageOf, recordAll } from './util.ts';

export class ReplicaSetController {
  readonly controller: Controller;
  readonly #rsInformer: Informer<ReplicaSet>;
  readonly #podInformer: Informer<Pod>;
  readonly #replicaSets: ResourceClient<ReplicaSet>;
  readonly #pods: ResourceClient<Pod>;
  readonly #recorder: EventRecorder;
  readonly #expectations = new Expectations();
  readonly #now: () => Date;

  constructor(factory: InformerFactory, options: Pick<ControllerOptions, 'onError' | 'workers'> & { now?: () => Date } = {}) {
    this.#now = options.now ?? (() => new Date());
    this.#rsInformer = factory.informer<ReplicaSet>(replicaSetKind);
    this.#podInformer = factory.informer<Pod>(podKind);
    this.#rsInformer.addIndex(NAMESPACE_INDEX, namespaceIndex);
    this.#podInformer.addIndex(NAMESPACE_INDEX, namespaceIndex);
    this.#replicaSets = factory.client.resource<ReplicaSet>(refFor(replicaSetKind));
    this.#pods = factory.client.resource<Pod>(refFor(podKind));
    this.#recorder = new EventRecorder(factory.client, 'replicaset-controller', { onError: (e) => options.onError?.(e, { controller: 'replicaset' }) });
    this.controller = new Controller({
      name: 'replicaset',
      informers: [this.#rsInformer as Informer<KubeObject>, this.#podInformer as Informer<KubeObject>],
      sync: (key) => this.#sync(key),
      ...options,
    });
    const enqueue = (rs: ReplicaSet): void => this.controller.enqueue(rs);
    this.#rsInformer.addHandler({ add: enqueue, update: (_o, n) => enqueue(n), delete: (rs) => this.#expectations.forget(keyOf(rs)) });
    this.#podInformer.addHandler({
      add: (pod) => this.#podAdded(pod),
      update: (old, pod) => this.#podUpdated(old, pod),
      delete: (pod) => this.#podDeleted(pod),
    });
  }

  #owner(pod: Pod): ReplicaSet | undefined {
    return resolveControllerRef(pod, 'ReplicaSet', (ns, name) => this.#rsInformer.get(ns, name));
  }

  /** An orphan wakes every ReplicaSet that selects it, one of which may adopt it (getPodReplicaSets). */
  #enqueueSelecting(pod: Pod): void {
    for (const rs of this.#rsInformer.byIndex(NAMESPACE_INDEX, pod.metadata.namespace ?? '')) {
      if (rs.spec?.selector !== undefined && selectorMatches(rs.spec.selector, pod.metadata.labels)) this.controller.enqueue(rs);
    }
  }

  #podAdded(pod: Pod): void {
    if (pod.metadata.deletionTimestamp) return this.#podDeleted(pod);
    const rs = this.#owner(pod);
    if (rs !== undefined) {
      this.#expectations.creationObserved(keyOf(rs));
      this.controller.enqueue(rs);
    } else if (!hasControllerRef(pod)) this.#enqueueSelecting(pod);
  }

  #podUpdated(old: Pod, pod: Pod): void {
    if (pod.metadata.deletionTimestamp && !old.metadata.deletionTimestamp) return this.#podDeleted(pod);
    const oldRS = this.#owner(old);
    const rs = this.#owner(pod);
    if (oldRS !== undefined && oldRS !== rs) this.controller.enqueue(oldRS);
    if (rs !== undefined) this.controller.enqueue(rs);
    else if (!hasControllerRef(pod)) this.#enqueueSelecting(pod);
  }

  #podDeleted(pod: Pod): void {
    const rs = this.#owner(pod);
    if (rs === undefined) return;
    this.#expectations.deletionObserved(keyOf(rs), keyOf(pod));
    this.controller.enqueue(rs);
  }

  async #sync(key: string): Promise<SyncResult | void> {
    const { namespace = '', name } = splitKey(key);
    const rs = this.#rsInformer.get(namespace, name);
    if (rs === undefined) {
      this.#expectations.forget(key);
      return;
    }
    const needsSync = this.#expectations.satisfied(key) && !rs.metadata.deletionTimestamp;
    const nsPods = this.#podInformer.byIndex(NAMESPACE_INDEX, namespace);
    const owned = await applyClaim(this.#pods, rs, REPLICA_SET_KIND, claimPods(rs, nsPods));
    let manageError: string | undefined;
    if (needsSync) manageError = await this.#manage(key, rs, owned, this.#related(rs, nsPods));
    const now = this.#now();
    const status = replicaSetStatus(rs, owned, now, manageError);
    if (!semanticEqual(rs.status, status)) await this.#writeStatus(rs, status);
    if (manageError !== undefined) throw new Error(manageError);
    const recheck = status.readyReplicas === (rs.spec?.replicas ?? 1) ? availabilityRecheckSeconds(rs, owned, now) : undefined;
    return recheck === undefined ? undefined : { requeueAfterMs: recheck * 1000 };
  }

  /** Pods controlled by any ReplicaSet with the same controller as `rs` (a Deployment's siblings). */
  #related(rs: ReplicaSet, nsPods: readonly Pod[]): Pod[] {
    const owner = controllerOf(rs)?.uid;
    if (owner === undefined) return nsPods.filter((p) => controllerOf(p)?.uid === rs.metadata.uid);
    const siblings = new Set(this.#rsInformer.byIndex(NAMESPACE_INDEX, rs.metadata.namespace ?? '').filter((s) => controllerOf(s)?.uid === owner).map((s) => s.metadata.uid));
    return nsPods.filter((p) => siblings.has(controllerOf(p)?.uid));
  }

  /** manageReplicas: creates in slow-start batches or deletes; returns the first error's message. */
  async #manage(key: string, rs: ReplicaSet, owned: Pod[], related: Pod[]): Promise<string | undefined> {
    const diff = replicaDiff(rs, owned, related, this.#now());
    const pods = this.#pods.inNamespace(rs.metadata.namespace ?? '');
    if (diff.create > 0) {
      this.#expectations.expect(key, diff.create, []);
      let left = diff.create;
      for (const batch of slowStartBatches(diff.create)) {
        const results = await Promise.allSettled(Array.from({ length: batch }, () => pods.create(podForReplicaSet(rs))));
        left -= batch;
        const failures = results.filter((r) => r.status === 'rejected');
        for (const r of results) if (r.status === 'fulfilled') void recordAll(this.#recorder, rs, [replicaSetEvents.created(r.value.metadata.name ?? '')]);
        if (failures.length > 0) {
          // The failed and the skipped creations will never be observed.
          this.#expectations.creationObserved(key, failures.length + left);
          const message = messageOf(failures[0]?.reason);
          void recordAll(this.#recorder, rs, [replicaSetEvents.createFailed(message)]);
          return message;
        }
      }
      return undefined;
    }
    if (diff.delete.length > 0) {
      this.#expectations.expect(key, 0, diff.delete.map((p) => keyOf(p)));
      let error: string | undefined;
      await Promise.all(diff.delete.map(async (pod) => {
        try {
          await pods.delete(pod.metadata.name ?? '', { preconditions: { uid: pod.metadata.uid } });
          void recordAll(this.#recorder, rs, [replicaSetEvents.deleted(pod.metadata.name ?? '')]);
        } catch (e) {
          this.#expectations.deletionObserved(key, keyOf(pod));
          if (isNotFound(e)) return;
          error ??= messageOf(e);
          void recordAll(this.#recorder, rs, [replicaSetEvents.deleteFailed(messageOf(e))]);
        }
      }));
      return error;
    }
    return undefined;
  }

  async #writeStatus(rs: ReplicaSet, status: ReplicaSet['status']): Promise<void> {
    try {
      await this.#replicaSets.inNamespace(rs.metadata.namespace ?? '').updateStatus({ ...structuredClone(rs), status });
    } catch (error) {
      // Gone meanwhile: nothing to report on. A conflict is retried by the requeue.
      if (!isNotFound(error)) throw error;
    }
  }
}
