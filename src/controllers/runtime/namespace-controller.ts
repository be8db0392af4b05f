// The namespace controller: a deleted namespace (Terminating, held by spec.finalizers
// ["kubernetes"]) has everything in it deleted, kind by kind, and once nothing is left its
// `kubernetes` finalizer is removed through the finalize subresource; the apiserver then deletes
// the namespace. Pods take their grace period, so the namespace is looked at again until empty.
// https://github.com/kubernetes/kubernetes/blob/v1.32.4/pkg/controller/namespace/deletion/namespaced_resources_deleter.go
import { isConflict, isNotFound, refFor } from '../../client/index.ts';
import type { Informer, KubeClient } from '../../client/index.ts';
import { ALL_KINDS, namespaceKind } from '../../api/kinds/index.ts';
import type { KubeObject } from '../common/types.ts';
import { Controller } from './controller.ts';
import type { ControllerOptions, SyncResult } from './controller.ts';
import type { InformerFactory } from './informer-factory.ts';

export const NAMESPACE_FINALIZER = 'kubernetes';
const RECHECK_MS = 1000;

export class NamespaceController {
  readonly controller: Controller;
  readonly #namespaces: Informer<KubeObject>;
  readonly #client: KubeClient;

  constructor(factory: InformerFactory, options: Pick<ControllerOptions, 'onError' | 'workers'> = {}) {
    this.#client = factory.client;
    this.#namespaces = factory.informer<KubeObject>(namespaceKind);
    this.controller = new Controller({ name: 'namespace', informers: [this.#namespaces], sync: (key) => this.#sync(key), ...options });
    const enqueue = (ns: KubeObject) => {
      if (ns.metadata.deletionTimestamp !== undefined) this.controller.enqueue(ns);
    };
    this.#namespaces.addHandler({ add: enqueue, update: (_old, ns) => enqueue(ns) });
  }

  async #sync(name: string): Promise<SyncResult | void> {
    const ns = this.#namespaces.get('', name);
    if (ns === undefined || ns.metadata.deletionTimestamp === undefined) return;
    const finalizers = (ns['spec'] as { finalizers?: string[] } | undefined)?.finalizers ?? [];
    if (!finalizers.includes(NAMESPACE_FINALIZER)) return;
    let left = 0;
    for (const kind of ALL_KINDS.filter((k) => k.namespaced)) {
      const resource = this.#client.resource<KubeObject>(refFor(kind)).inNamespace(name);
      const { items } = await resource.list();
      if (items.length === 0) continue;
      left += items.length;
      const pending = items.filter((o) => o.metadata.deletionTimestamp === undefined);
      if (pending.length > 0) await resource.deleteCollection({ propagationPolicy: 'Background' });
    }
    if (left > 0) return { requeueAfterMs: RECHECK_MS };
    const next = structuredClone(ns) as KubeObject;
    next['spec'] = { ...(ns['spec'] as object), finalizers: finalizers.filter((f) => f !== NAMESPACE_FINALIZER) };
    try {
      await this.#client.resource<KubeObject>(refFor(namespaceKind)).updateSubresource(next, 'finalize');
    } catch (error) {
      if (isNotFound(error)) return;
      if (isConflict(error)) return { requeueAfterMs: 100 };
      throw error;
    }
  }
}
