// The garbage collector, after kube-controller-manager's: an owner graph built from every kind's
// informer (ownerReferences by uid), and three duties, all through the API like any client:
// - a dependent whose owners are all gone is deleted (Background; the apiserver deleted the
//   owner at once under propagationPolicy=Background);
// - an owner held by the `foregroundDeletion` finalizer has its dependents deleted, and the
//   finalizer removed once no dependent that blocks owner deletion is left;
// - an owner held by the `orphan` finalizer has itself removed from its dependents'
//   ownerReferences, then the finalizer removed.
// A dependent that keeps some owners only loses the references to the absent ones.
// https://github.com/kubernetes/kubernetes/blob/v1.32.4/pkg/controller/garbagecollector/garbagecollector.go
// https://kubernetes.io/docs/concepts/architecture/garbage-collection/
import { isConflict, isNotFound, keyOf, refFor, splitKey } from '../../client/index.ts';
import type { Informer, KubeClient, ResourceClient } from '../../client/index.ts';
import { ALL_KINDS } from '../../api/kinds/index.ts';
import type { KindDefinition } from '../../api/kind.ts';
import type { KubeObject, OwnerReference } from '../common/types.ts';
import { Controller } from './controller.ts';
import type { ControllerOptions, SyncResult } from './controller.ts';
import type { InformerFactory } from './informer-factory.ts';

export const FOREGROUND_FINALIZER = 'foregroundDeletion';
export const ORPHAN_FINALIZER = 'orphan';
/** Events and Leases own nothing and are owned by nothing worth collecting; they are not watched. */
const SKIPPED = new Set(['Event', 'Lease']);

const kindKey = (k: { group: string; kind: string }) => `${k.group}/${k.kind}`;
const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '');

interface Node {
  kind: KindDefinition;
  key: string;
}

export class GarbageCollector {
  readonly controller: Controller;
  readonly #client: KubeClient;
  readonly #kinds = new Map<string, { def: KindDefinition; informer: Informer<KubeObject> }>();
  /** owner uid -> dependents (kind key + object key). */
  readonly #dependents = new Map<string, Map<string, Node>>();

  constructor(factory: InformerFactory, options: Pick<ControllerOptions, 'onError' | 'workers'> = {}) {
    this.#client = factory.client;
    for (const def of ALL_KINDS.filter((k) => !SKIPPED.has(k.kind))) {
      const informer = factory.informer<KubeObject>(def);
      this.#kinds.set(kindKey(def), { def, informer });
      informer.addHandler({
        add: (o) => this.#observe(def, undefined, o),
        update: (old, o) => this.#observe(def, old, o),
        delete: (o) => this.#gone(def, o),
      });
    }
    this.controller = new Controller({
      name: 'garbage-collector',
      informers: [...this.#kinds.values()].map((k) => k.informer),
      sync: (key) => this.#sync(key),
      ...options,
    });
  }

  #observe(def: KindDefinition, old: KubeObject | undefined, o: KubeObject): void {
    const node = { kind: def, key: keyOf(o) };
    for (const ref of old?.metadata.ownerReferences ?? []) this.#dependents.get(ref.uid)?.delete(`${kindKey(def)}|${node.key}`);
    for (const ref of o.metadata.ownerReferences ?? []) {
      let deps = this.#dependents.get(ref.uid);
      if (deps === undefined) this.#dependents.set(ref.uid, (deps = new Map()));
      deps.set(`${kindKey(def)}|${node.key}`, node);
    }
    if ((o.metadata.ownerReferences ?? []).length > 0) this.#enqueue('dependent', def, node.key);
    const finalizers = o.metadata.finalizers ?? [];
    if (o.metadata.deletionTimestamp !== undefined && (finalizers.includes(FOREGROUND_FINALIZER) || finalizers.includes(ORPHAN_FINALIZER))) {
      this.#enqueue('owner', def, node.key);
    }
  }

  #gone(def: KindDefinition, o: KubeObject): void {
    for (const ref of o.metadata.ownerReferences ?? []) {
      this.#dependents.get(ref.uid)?.delete(`${kindKey(def)}|${keyOf(o)}`);
      // An owner waiting in the foreground for its dependents may now be done.
      const owner = this.#cached(ref, o.metadata.namespace);
      if (owner !== undefined) this.#enqueue('owner', owner.def, keyOf(owner.object));
    }
    for (const dep of this.#dependents.get(o.metadata.uid ?? '')?.values() ?? []) this.#enqueue('dependent', dep.kind, dep.key);
  }

  #enqueue(role: 'dependent' | 'owner', def: KindDefinition, key: string): void {
    this.controller.queue.add(`${role}|${kindKey(def)}|${key}`);
  }

  #cached(ref: OwnerReference, namespace: string | undefined): { def: KindDefinition; object: KubeObject } | undefined {
    const entry = this.#kinds.get(`${groupOf(ref.apiVersion)}/${ref.kind}`);
    if (entry === undefined) return undefined;
    const object = entry.informer.get(entry.def.namespaced ? (namespace ?? '') : '', ref.name);
    return object?.metadata.uid === ref.uid ? { def: entry.def, object } : undefined;
  }

  #resource(def: KindDefinition, namespace: string | undefined): ResourceClient<KubeObject> {
    const r = this.#client.resource<KubeObject>(refFor(def));
    return def.namespaced ? r.inNamespace(namespace ?? '') : r;
  }

  /** Whether the owner is gone: the cache says so and a live read agrees (the cache may lag a new owner). */
  async #absent(ref: OwnerReference, namespace: string | undefined): Promise<boolean> {
    if (this.#cached(ref, namespace) !== undefined) return false;
    const entry = this.#kinds.get(`${groupOf(ref.apiVersion)}/${ref.kind}`);
    if (entry === undefined) return false; // a kind this server does not serve: never collect on its account
    try {
      const live = await this.#resource(entry.def, namespace).get(ref.name);
      return live.metadata.uid !== ref.uid;
    } catch (error) {
      if (isNotFound(error)) return true;
      throw error;
    }
  }

  async #sync(queueKey: string): Promise<SyncResult | void> {
    const [role, kk, key] = queueKey.split('|') as [string, string, string];
    const entry = this.#kinds.get(kk);
    if (entry === undefined) return;
    const { namespace, name } = splitKey(key);
    const object = entry.informer.get(namespace ?? '', name);
    if (object === undefined) return;
    try {
      return role === 'owner' ? await this.#processOwner(entry.def, object) : await this.#processDependent(entry.def, object);
    } catch (error) {
      if (isNotFound(error)) return; // deleted meanwhile
      if (isConflict(error)) return { requeueAfterMs: 100 };
      throw error;
    }
  }

  async #processDependent(def: KindDefinition, o: KubeObject): Promise<void> {
    const refs = o.metadata.ownerReferences ?? [];
    if (refs.length === 0 || o.metadata.deletionTimestamp !== undefined) return;
    const absent: OwnerReference[] = [];
    for (const ref of refs) if (await this.#absent(ref, o.metadata.namespace)) absent.push(ref);
    if (absent.length === 0) return;
    const client = this.#resource(def, o.metadata.namespace);
    if (absent.length === refs.length) {
      // Its own dependents go in the background too; a uid precondition spares a same-named successor.
      await client.delete(o.metadata.name ?? '', { propagationPolicy: 'Background', preconditions: { uid: o.metadata.uid ?? '' } });
      return;
    }
    const gone = new Set(absent.map((r) => r.uid));
    await this.#updateOwnerRefs(client, o, (r) => !gone.has(r.uid));
  }

  async #processOwner(def: KindDefinition, o: KubeObject): Promise<SyncResult | void> {
    const finalizers = o.metadata.finalizers ?? [];
    if (o.metadata.deletionTimestamp === undefined) return;
    const deps = [...(this.#dependents.get(o.metadata.uid ?? '')?.values() ?? [])]
      .map((d) => ({ d, object: this.#kinds.get(kindKey(d.kind))?.informer.get(splitKey(d.key).namespace ?? '', splitKey(d.key).name) }))
      .filter((x): x is { d: Node; object: KubeObject } => x.object?.metadata.ownerReferences?.some((r) => r.uid === o.metadata.uid) === true);
    if (finalizers.includes(ORPHAN_FINALIZER)) {
      for (const { d, object } of deps) {
        await this.#updateOwnerRefs(this.#resource(d.kind, object.metadata.namespace), object, (r) => r.uid !== o.metadata.uid).catch(ignoreGone);
      }
      await this.#removeFinalizer(def, o, ORPHAN_FINALIZER);
      return;
    }
    if (!finalizers.includes(FOREGROUND_FINALIZER)) return;
    let blocking = 0;
    for (const { d, object } of deps) {
      const ref = object.metadata.ownerReferences?.find((r) => r.uid === o.metadata.uid);
      if (ref?.blockOwnerDeletion === true) blocking++;
      if (object.metadata.deletionTimestamp !== undefined) continue;
      // A dependent with dependents of its own goes in the foreground as well, so the chain empties bottom up.
      const policy = (this.#dependents.get(object.metadata.uid ?? '')?.size ?? 0) > 0 ? 'Foreground' : 'Background';
      await this.#resource(d.kind, object.metadata.namespace).delete(object.metadata.name ?? '', { propagationPolicy: policy, preconditions: { uid: object.metadata.uid ?? '' } }).catch(ignoreGone);
    }
    if (blocking > 0) return { requeueAfterMs: 2000 }; // their deletion events requeue sooner
    await this.#removeFinalizer(def, o, FOREGROUND_FINALIZER);
  }

  async #updateOwnerRefs(client: ResourceClient<KubeObject>, o: KubeObject, keep: (r: OwnerReference) => boolean): Promise<void> {
    const next = structuredClone(o) as KubeObject;
    const refs = (o.metadata.ownerReferences ?? []).filter(keep);
    if (refs.length === 0) delete next.metadata.ownerReferences;
    else next.metadata.ownerReferences = refs;
    await client.update(next);
  }

  /** The apiserver deletes an object whose deletion waits on no finalizer any more. */
  async #removeFinalizer(def: KindDefinition, o: KubeObject, finalizer: string): Promise<void> {
    const next = structuredClone(o) as KubeObject;
    next.metadata.finalizers = (o.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    await this.#resource(def, o.metadata.namespace).update(next);
  }
}

function ignoreGone(error: unknown): void {
  if (!isNotFound(error) && !isConflict(error)) throw error;
}
