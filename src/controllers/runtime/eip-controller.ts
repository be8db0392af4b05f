// The EIP controller (issue 5 section 5; seed 000): a pod annotated yangtse.io/pod-with-eip: "true"
// gets an address from the admin's pool (eip/pool.ts) before it is scheduled, recorded in its
// yangtse.io/allocated-ipv4-eip annotation with an event that gives the bandwidth settings with
// the seed's defaults applied; the address is free again once the pod is gone. When the pool is
// empty the pod stays Pending (the scheduler waits for the annotation) with an event that says so;
// with no pool configured at all it runs without an EIP, with a warning event (a fresh machine
// runs the seed's Deployment, which asks for an EIP).
import { EventRecorder, isNotFound, keyOf, refFor, splitKey } from '../../client/index.ts';
import type { Informer, ResourceClient } from '../../client/index.ts';
import { configMapKind, podKind } from '../../api/kinds/index.ts';
import { eipSettingsOf, POD_WITH_EIP_ANNOTATION } from '../../api/validation/eip-annotations.ts';
import type { KubeObject, Pod } from '../common/types.ts';
import { ALLOCATED_EIP_ANNOTATION, EIP_POOL_CONFIGMAP, EIP_POOL_NAMESPACE, parsePool, pickAddress } from '../eip/pool.ts';
import { Controller } from './controller.ts';
import type { ControllerOptions, SyncResult } from './controller.ts';
import type { InformerFactory } from './informer-factory.ts';

export function wantsEip(pod: Pod): boolean {
  return pod.metadata.annotations?.[POD_WITH_EIP_ANNOTATION] === 'true';
}

export function allocatedEip(pod: Pod): string | undefined {
  return pod.metadata.annotations?.[ALLOCATED_EIP_ANNOTATION];
}

export class EipController {
  readonly controller: Controller;
  readonly #pods: Informer<Pod>;
  readonly #pools: Informer<KubeObject>;
  readonly #client: ResourceClient<Pod>;
  readonly #recorder: EventRecorder;
  /** Allocated by us, not yet seen in the cache: pod key -> address. */
  readonly #assumed = new Map<string, string>();
  readonly #exhausted = new Set<string>();

  constructor(factory: InformerFactory, options: Pick<ControllerOptions, 'onError'> = {}) {
    this.#pods = factory.informer<Pod>(podKind);
    this.#pools = factory.informer<KubeObject>(configMapKind);
    this.#client = factory.client.resource<Pod>(refFor(podKind));
    this.#recorder = new EventRecorder(factory.client, 'eip-controller', { onError: (e) => options.onError?.(e, { controller: 'eip' }) });
    // One worker: two allocations must see each other.
    this.controller = new Controller({ name: 'eip', informers: [this.#pods as Informer<KubeObject>, this.#pools], sync: (k) => this.#sync(k), workers: 1, ...options });
    const consider = (pod: Pod) => {
      if (wantsEip(pod) && allocatedEip(pod) === undefined) this.controller.enqueue(pod);
      if (allocatedEip(pod) !== undefined) this.#assumed.delete(keyOf(pod));
    };
    const retryWaiting = () => {
      for (const key of this.#exhausted) this.controller.queue.add(key);
    };
    this.#pods.addHandler({ add: consider, update: (_o, p) => consider(p), delete: (pod) => {
      this.#assumed.delete(keyOf(pod));
      this.#exhausted.delete(keyOf(pod));
      if (allocatedEip(pod) !== undefined) retryWaiting();
    } });
    const poolChanged = (cm: KubeObject) => {
      if (cm.metadata.namespace === EIP_POOL_NAMESPACE && cm.metadata.name === EIP_POOL_CONFIGMAP) retryWaiting();
    };
    this.#pools.addHandler({ add: poolChanged, update: (_o, cm) => poolChanged(cm) });
  }

  async #sync(key: string): Promise<SyncResult | void> {
    const { namespace = '', name } = splitKey(key);
    const pod = this.#pods.get(namespace, name);
    // A pod already placed without an EIP (no pool then) keeps running without one.
    if (pod === undefined || pod.metadata.deletionTimestamp !== undefined || !wantsEip(pod) || allocatedEip(pod) !== undefined || this.#assumed.has(key) || pod.spec?.nodeName) {
      this.#exhausted.delete(key);
      return;
    }
    const cm = this.#pools.get(EIP_POOL_NAMESPACE, EIP_POOL_CONFIGMAP);
    const pool = parsePool(((cm?.['data'] ?? {}) as Record<string, string>)['addresses']);
    const taken = new Set<string>([...this.#assumed.values()]);
    for (const p of this.#pods.list()) {
      const ip = allocatedEip(p);
      if (ip !== undefined) taken.add(ip);
    }
    const address = pickAddress(pool.addresses, taken);
    if (cm === undefined) {
      // Without a pool the pod runs without an EIP (the scheduler does not hold it), as on a fresh machine.
      if (!this.#exhausted.has(key)) {
        await this.#recorder.event(pod, 'Warning', 'EIPPoolMissing',
          `the pod asks for an EIP but no EIP pool is configured: create the ConfigMap ${EIP_POOL_NAMESPACE}/${EIP_POOL_CONFIGMAP} with key "addresses"; until then it runs without an EIP`);
      }
      this.#exhausted.add(key);
      return;
    }
    if (address === undefined) {
      if (!this.#exhausted.has(key)) {
        const ignored = pool.errors.length > 0 ? `; ignored: ${pool.errors.join('; ')}` : '';
        await this.#recorder.event(pod, 'Warning', 'EIPPoolExhausted',
          `the EIP pool ${EIP_POOL_NAMESPACE}/${EIP_POOL_CONFIGMAP} has no free address (${pool.addresses.length} in the pool, all allocated${ignored}); the pod stays Pending until an EIP is free`);
      }
      this.#exhausted.add(key);
      return;
    }
    this.#exhausted.delete(key);
    this.#assumed.set(key, address);
    try {
      await this.#client.inNamespace(namespace).patch(name, { metadata: { annotations: { [ALLOCATED_EIP_ANNOTATION]: address } } }, 'merge');
    } catch (error) {
      this.#assumed.delete(key);
      if (isNotFound(error)) return;
      throw error;
    }
    const s = eipSettingsOf(pod.metadata.annotations, pod.metadata.name ?? '');
    await this.#recorder.event(pod, 'Normal', 'EIPAllocated', `Allocated EIP ${address} (bandwidth ${s.bandwidthName}: ${s.bandwidthMbit} Mbit/s, ${s.networkType}, charged by ${s.chargeMode})`);
  }
}
