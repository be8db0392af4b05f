// The StatefulSet controller: claims the set's pods (by name and selector), asks the pure plan
// (planStatefulSet) what to create, delete or fix in ordinal order, carries that out and writes
// the status. Pods have fixed names, so a sync on a stale cache fails harmlessly with
// AlreadyExists or NotFound instead of needing expectations.
// https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/statefulset/stateful_set.go
// https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/statefulset/stateful_pod_control.go
import { EventRecorder, isAlreadyExists, isNotFound, refFor, splitKey } from '../../client/index.ts';
import type { Informer, ResourceClient } from '../../client/index.ts';
import { podKind, statefulSetKind } from '../../api/kinds/index.ts';
import { selectorMatches } from '../../api/validation/label-selector.ts';
import { semanticEqual } from '../../api/validation/object-meta.ts';
import { STATEFUL_SET_KIND, claimObjects } from '../common/controller-ref.ts';
import type { KubeObject, Pod, StatefulSet } from '../common/types.ts';
import { isMemberOf } from '../statefulset/identity.ts';
import { planStatefulSet, statefulSetEvent } from '../statefulset/ordinal.ts';
import type { StatefulSetAction } from '../statefulset/ordinal.ts';
import { applyClaim, hasControllerRef, NAMESPACE_INDEX, namespaceIndex, resolveControllerRef } from './claim.ts';
import { Controller } from './controller.ts';
import type { ControllerOptions, SyncResult } from './controller.ts';
import type { InformerFactory } from './informer-factory.ts';
import { messageOf, recordAll } from './util.ts';

export class StatefulSetController {
  readonly controller: Controller;
  readonly #setInformer: Informer<StatefulSet>;
  readonly #podInformer: Informer<Pod>;
  readonly #sets: ResourceClient<StatefulSet>;
  readonly #pods: ResourceClient<Pod>;
  readonly #recorder: EventRecorder;
  readonly #now: () => Date;

  constructor(factory: InformerFactory, options: Pick<ControllerOptions, 'onError' | 'workers'> & { now?: () => Date } = {}) {
    this.#now = options.now ?? (() => new Date());
    this.#setInformer = factory.informer<StatefulSet>(statefulSetKind);
    this.#podInformer = factory.informer<Pod>(podKind);
    this.#setInformer.addIndex(NAMESPACE_INDEX, namespaceIndex);
    this.#podInformer.addIndex(NAMESPACE_INDEX, namespaceIndex);
    this.#sets = factory.client.resource<StatefulSet>(refFor(statefulSetKind));
    this.#pods = factory.client.resource<Pod>(refFor(podKind));
    this.#recorder = new EventRecorder(factory.client, 'statefulset-controller', { onError: (e) => options.onError?.(e, { controller: 'statefulset' }) });
    this.controller = new Controller({
      name: 'statefulset',
      informers: [this.#setInformer, this.#podInformer] as Informer<KubeObject>[],
      sync: (key) => this.#sync(key),
      ...options,
    });
    const enqueue = (s: StatefulSet): void => this.controller.enqueue(s);
    this.#setInformer.addHandler({ add: enqueue, update: (_o, n) => enqueue(n) });
    const podChanged = (pod: Pod): void => {
      const set = resolveControllerRef(pod, 'StatefulSet', (ns, name) => this.#setInformer.get(ns, name));
      if (set !== undefined) return enqueue(set);
      if (hasControllerRef(pod)) return;
      for (const s of this.#setInformer.byIndex(NAMESPACE_INDEX, pod.metadata.namespace ?? '')) {
        if (s.spec?.selector !== undefined && selectorMatches(s.spec.selector, pod.metadata.labels)) enqueue(s);
      }
    };
    this.#podInformer.addHandler({ add: podChanged, update: (_o, n) => podChanged(n), delete: podChanged });
  }

  async #sync(key: string): Promise<SyncResult | void> {
    const { namespace = '', name } = splitKey(key);
    const set = this.#setInformer.get(namespace, name);
    if (set === undefined || set.spec?.selector === undefined) return;
    const candidates = this.#podInformer.byIndex(NAMESPACE_INDEX, namespace).filter((p) => isMemberOf(set, p));
    // StatefulSets claim terminating and finished pods too: their names are still taken.
    const pods = await applyClaim(this.#pods, set, STATEFUL_SET_KIND, claimObjects(set, set.spec.selector, candidates));
    const plan = planStatefulSet(set, pods, this.#now());
    let failure: unknown;
    for (const action of plan.actions) {
      try {
        await this.#apply(set, action);
      } catch (error) {
        failure = error;
        break;
      }
    }
    if (!semanticEqual(set.status, plan.status)) {
      try {
        await this.#sets.inNamespace(namespace).updateStatus({ ...structuredClone(set), status: plan.status });
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
    if (failure !== undefined) throw failure;
    return plan.requeueAfterSeconds === undefined ? undefined : { requeueAfterMs: plan.requeueAfterSeconds * 1000 };
  }

  async #apply(set: StatefulSet, action: StatefulSetAction): Promise<void> {
    const pods = this.#pods.inNamespace(set.metadata.namespace ?? '');
    const podName = action.pod.metadata.name ?? '';
    try {
      if (action.type === 'create') await pods.create(action.pod);
      else if (action.type === 'update') await pods.update(action.pod);
      else await pods.delete(podName, { preconditions: { uid: action.pod.metadata.uid } });
    } catch (error) {
      // The cache was behind: the pod exists already, or is gone already.
      if ((action.type === 'create' && isAlreadyExists(error)) || (action.type !== 'create' && isNotFound(error))) return;
      void recordAll(this.#recorder, set, [statefulSetEvent(action.type, set, action.pod, messageOf(error))]);
      throw error;
    }
    void recordAll(this.#recorder, set, [statefulSetEvent(action.type, set, action.pod)]);
  }
}
