// Behaviour that spans objects: every namespace gets a `default-secret` (the seeds show one in
// each namespace), deleting a namespace deletes what is in it, and deleting an owner cascades to
// its dependents by ownerReferences (Background, Foreground, Orphan).
// The garbage collection here runs inside the apiserver process; ARCHITECTURE.md puts it with the
// controllers, where it moves once the client and controller runtime exist (issue 4).
// https://kubernetes.io/docs/concepts/architecture/garbage-collection/
import type { KindDefinition } from '../api/kind.ts';
import type { KubeObject } from '../api/object.ts';
import type { KindRegistry, PropagationPolicy, WriteHooks } from './context.ts';
import type { ObjectStore } from './object-store.ts';
import { ApiError } from './status.ts';
import { prepareCreate, timestamp } from './write-pipeline.ts';

const FOREGROUND = 'foregroundDeletion';
const ORPHAN = 'orphan';
export const DEFAULT_SECRET = 'default-secret';
export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

function ignoreGone(error: unknown): void {
  if (error instanceof ApiError && (error.reason === 'NotFound' || error.reason === 'Conflict' || error.reason === 'AlreadyExists')) return;
  throw error;
}

export class ClusterHooks implements WriteHooks {
  private readonly objects: ObjectStore;
  private readonly kinds: KindRegistry;
  private readonly now: () => Date;
  constructor(objects: ObjectStore, kinds: KindRegistry, now: () => Date) {
    this.objects = objects;
    this.kinds = kinds;
    this.now = now;
  }

  /** Creates the system namespaces (and so their default secrets) on a new store. */
  async bootstrap(): Promise<void> {
    const nsKind = this.kinds.byResource('', 'v1', 'namespaces');
    if (nsKind === undefined) return;
    for (const name of SYSTEM_NAMESPACES) {
      if ((await this.objects.get(nsKind, undefined, name)) !== undefined) continue;
      const ns = prepareCreate(nsKind, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, this.now());
      const created = await this.objects.create(nsKind, ns).catch(ignoreGone);
      if (created !== undefined) await this.created(nsKind, created);
    }
  }

  async created(kind: KindDefinition, object: KubeObject): Promise<void> {
    if (kind.kind !== 'Namespace' || kind.group !== '') return;
    const secretKind = this.kinds.byResource('', 'v1', 'secrets');
    if (secretKind === undefined) return;
    const namespace = object.metadata.name ?? '';
    // An empty docker config: the platform's own registry credentials go here when configured.
    const config = Buffer.from(JSON.stringify({ auths: {} })).toString('base64');
    const secret = prepareCreate(
      secretKind,
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: DEFAULT_SECRET, namespace }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': config } },
      this.now(),
    );
    await this.objects.create(secretKind, secret).catch(ignoreGone);
  }

  async deleted(kind: KindDefinition, object: KubeObject, propagation: PropagationPolicy): Promise<void> {
    if (kind.kind === 'Namespace' && kind.group === '') {
      await this.emptyNamespace(object.metadata.name ?? '');
      return;
    }
    if (propagation === 'Orphan') await this.orphanDependents(kind, object);
    else await this.deleteDependents(kind, object, propagation);
  }

  async terminating(kind: KindDefinition, object: KubeObject): Promise<void> {
    if (kind.kind === 'Namespace' && kind.group === '') {
      await this.finalizeNamespace(kind, object);
      return;
    }
    const finalizers = object.metadata.finalizers ?? [];
    if (finalizers.includes(ORPHAN)) {
      await this.orphanDependents(kind, object);
      await this.removeFinalizer(kind, object, ORPHAN);
    } else if (finalizers.includes(FOREGROUND)) {
      await this.deleteDependents(kind, object, 'Foreground');
      await this.removeFinalizer(kind, object, FOREGROUND);
    }
  }

  private async dependents(owner: KindDefinition, object: KubeObject): Promise<{ kind: KindDefinition; object: KubeObject }[]> {
    const uid = object.metadata.uid;
    const out: { kind: KindDefinition; object: KubeObject }[] = [];
    for (const kind of this.kinds.all) {
      if (owner.namespaced && !kind.namespaced) continue;
      const { items } = await this.objects.list(kind, owner.namespaced ? object.metadata.namespace : undefined);
      for (const item of items) {
        if (item.metadata.ownerReferences?.some((r) => r.uid === uid) === true) out.push({ kind, object: item });
      }
    }
    return out;
  }

  private async deleteDependents(kind: KindDefinition, object: KubeObject, propagation: PropagationPolicy): Promise<void> {
    for (const dependent of await this.dependents(kind, object)) {
      await this.deleteOne(dependent.kind, dependent.object, propagation).catch(ignoreGone);
    }
  }

  /** Deletes like a client's DELETE would: pods on a node are marked for their node agent. */
  private async deleteOne(kind: KindDefinition, object: KubeObject, propagation: PropagationPolicy): Promise<void> {
    if (object.metadata.deletionTimestamp !== undefined) return;
    const spec = object['spec'] as { nodeName?: string; terminationGracePeriodSeconds?: number } | undefined;
    const graceful = kind.kind === 'Pod' && spec?.nodeName !== undefined && spec.nodeName !== '';
    if (graceful || (object.metadata.finalizers ?? []).length > 0 || propagation === 'Foreground') {
      const marked = structuredClone(object);
      if (marked.metadata.generation !== undefined && marked.metadata.generation > 0) marked.metadata.generation += 1;
      const grace = graceful ? (spec?.terminationGracePeriodSeconds ?? 30) : 0;
      marked.metadata.deletionTimestamp = timestamp(new Date(this.now().getTime() + grace * 1000));
      marked.metadata.deletionGracePeriodSeconds = grace;
      if (propagation === 'Foreground' && !graceful) marked.metadata.finalizers = [...(marked.metadata.finalizers ?? []), FOREGROUND];
      const updated = await this.objects.update(kind, marked, Number(object.metadata.resourceVersion));
      await this.terminating(kind, updated);
      return;
    }
    const gone = await this.objects.delete(kind, object, Number(object.metadata.resourceVersion));
    await this.deleted(kind, gone, propagation);
  }

  private async orphanDependents(kind: KindDefinition, object: KubeObject): Promise<void> {
    for (const dependent of await this.dependents(kind, object)) {
      const next = structuredClone(dependent.object);
      next.metadata.ownerReferences = (next.metadata.ownerReferences ?? []).filter((r) => r.uid !== object.metadata.uid);
      if (next.metadata.ownerReferences.length === 0) delete next.metadata.ownerReferences;
      await this.objects.update(dependent.kind, next, Number(dependent.object.metadata.resourceVersion)).catch(ignoreGone);
    }
  }

  private async removeFinalizer(kind: KindDefinition, object: KubeObject, finalizer: string): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const live = await this.objects.get(kind, object.metadata.namespace, object.metadata.name ?? '');
      if (live === undefined || live.metadata.uid !== object.metadata.uid) return;
      const rest = (live.metadata.finalizers ?? []).filter((f) => f !== finalizer);
      try {
        if (rest.length === 0 && live.metadata.deletionTimestamp !== undefined) {
          const spec = live['spec'] as { nodeName?: string } | undefined;
          if (kind.kind === 'Pod' && spec?.nodeName) {
            live.metadata.finalizers = [];
            await this.objects.update(kind, live, Number(live.metadata.resourceVersion));
          } else {
            const gone = await this.objects.delete(kind, live, Number(live.metadata.resourceVersion));
            await this.deleted(kind, gone, 'Background');
          }
        } else {
          live.metadata.finalizers = rest;
          await this.objects.update(kind, live, Number(live.metadata.resourceVersion));
        }
        return;
      } catch (error) {
        if (!(error instanceof ApiError && error.reason === 'Conflict')) throw error;
      }
    }
  }

  /** What the namespace controller does: delete the contents, then release the namespace. */
  private async finalizeNamespace(kind: KindDefinition, object: KubeObject): Promise<void> {
    await this.emptyNamespace(object.metadata.name ?? '');
    for (let attempt = 0; attempt < 5; attempt++) {
      const live = await this.objects.get(kind, undefined, object.metadata.name ?? '');
      if (live === undefined || live.metadata.uid !== object.metadata.uid) return;
      try {
        if ((live.metadata.finalizers ?? []).length > 0) {
          const next = structuredClone(live);
          (next['spec'] as { finalizers?: string[] }).finalizers = [];
          await this.objects.update(kind, next, Number(live.metadata.resourceVersion));
        } else {
          await this.objects.delete(kind, live, Number(live.metadata.resourceVersion));
        }
        return;
      } catch (error) {
        if (!(error instanceof ApiError && error.reason === 'Conflict')) throw error;
      }
    }
  }

  private async emptyNamespace(namespace: string): Promise<void> {
    for (const kind of this.kinds.all) {
      if (!kind.namespaced) continue;
      const { items } = await this.objects.list(kind, namespace);
      for (const item of items) await this.deleteOne(kind, item, 'Background').catch(ignoreGone);
    }
  }
}
