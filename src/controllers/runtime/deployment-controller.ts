// The deployment controller: each sync claims the deployment's ReplicaSets, asks the pure plan
// (planDeploymentSync) for one step of the rollout, carries out its ReplicaSet writes in order,
// records its events and writes the status (with the revision annotation) when it changed. The
// writes bring ReplicaSet events that sync the deployment again for the next step.
// https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/deployment/deployment_controller.go
// https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/deployment/sync.go (getNewReplicaSet's AlreadyExists handling)
import { EventRecorder, isAlreadyExists, isNotFound, refFor, splitKey } from '../../client/index.ts';
import type { Informer, ResourceClient } from '../../client/index.ts';
import { deploymentKind, podKind, replicaSetKind } from '../../api/kinds/index.ts';
import { selectorMatches } from '../../api/validation/label-selector.ts';
import { semanticEqual } from '../../api/validation/object-meta.ts';
import { DEPLOYMENT_KIND, claimObjects, controllerOf } from '../common/controller-ref.ts';
import type { Deployment, DeploymentStatus, KubeObject, Pod, ReplicaSet } from '../common/types.ts';
import { REVISION_ANNOTATION } from '../deployment/annotations.ts';
import { resolveNameConflict } from '../deployment/pod-template-hash.ts';
import { planDeploymentSync } from '../deployment/sync.ts';
import type { ReplicaSetAction } from '../deployment/sync.ts';
import { applyClaim, hasControllerRef, NAMESPACE_INDEX, namespaceIndex, resolveControllerRef } from './claim.ts';
import { Controller } from './controller.ts';
import type { ControllerOptions, SyncResult } from './controller.ts';
import type { InformerFactory } from './informer-factory.ts';
import { messageOf, recordAll } from './util.ts';

/** Why applying a plan stopped early without an error: sync again at once with fresh caches. */
class Resync extends Error {}

export class DeploymentController {
  readonly controller: Controller;
  readonly #dInformer: Informer<Deployment>;
  readonly #rsInformer: Informer<ReplicaSet>;
  readonly #podInformer: Informer<Pod>;
  readonly #deployments: ResourceClient<Deployment>;
  readonly #replicaSets: ResourceClient<ReplicaSet>;
  readonly #recorder: EventRecorder;
  readonly #now: () => Date;

  constructor(factory: InformerFactory, options: Pick<ControllerOptions, 'onError' | 'workers'> & { now?: () => Date } = {}) {
    this.#now = options.now ?? (() => new Date());
    this.#dInformer = factory.informer<Deployment>(deploymentKind);
    this.#rsInformer = factory.informer<ReplicaSet>(replicaSetKind);
    this.#podInformer = factory.informer<Pod>(podKind);
    for (const i of [this.#dInformer, this.#rsInformer, this.#podInformer] as Informer<KubeObject>[]) i.addIndex(NAMESPACE_INDEX, namespaceIndex);
    this.#deployments = factory.client.resource<Deployment>(refFor(deploymentKind));
    this.#replicaSets = factory.client.resource<ReplicaSet>(refFor(replicaSetKind));
    this.#recorder = new EventRecorder(factory.client, 'deployment-controller', { onError: (e) => options.onError?.(e, { controller: 'deployment' }) });
    this.controller = new Controller({
      name: 'deployment',
      informers: [this.#dInformer, this.#rsInformer, this.#podInformer] as Informer<KubeObject>[],
      sync: (key) => this.#sync(key),
      ...options,
    });
    const enqueue = (d: Deployment): void => this.controller.enqueue(d);
    this.#dInformer.addHandler({ add: enqueue, update: (_o, n) => enqueue(n), delete: enqueue });
    const rsChanged = (rs: ReplicaSet): void => {
      const d = this.#owner(rs);
      if (d !== undefined) enqueue(d);
      else if (!hasControllerRef(rs)) this.#enqueueSelecting(rs);
    };
    this.#rsInformer.addHandler({
      add: rsChanged,
      update: (old, rs) => {
        const oldD = this.#owner(old);
        if (oldD !== undefined) enqueue(oldD);
        rsChanged(rs);
      },
      delete: rsChanged,
    });
    // Only the Recreate strategy looks at pods: it waits until the old ones are gone.
    this.#podInformer.addHandler({
      delete: (pod) => {
        const rs = resolveControllerRef(pod, 'ReplicaSet', (ns, name) => this.#rsInformer.get(ns, name));
        const d = rs === undefined ? undefined : this.#owner(rs);
        if (d !== undefined && d.spec?.strategy?.type === 'Recreate') enqueue(d);
      },
    });
  }

  #owner(rs: ReplicaSet): Deployment | undefined {
    return resolveControllerRef(rs, 'Deployment', (ns, name) => this.#dInformer.get(ns, name));
  }

  #enqueueSelecting(rs: ReplicaSet): void {
    for (const d of this.#dInformer.byIndex(NAMESPACE_INDEX, rs.metadata.namespace ?? '')) {
      if (d.spec?.selector !== undefined && selectorMatches(d.spec.selector, rs.metadata.labels)) this.controller.enqueue(d);
    }
  }

  async #sync(key: string): Promise<SyncResult | void> {
    const { namespace = '', name } = splitKey(key);
    const d = this.#dInformer.get(namespace, name);
    if (d === undefined) return;
    const selector = d.spec?.selector;
    // An empty selector would select every ReplicaSet in the namespace (SelectingAll).
    if (selector === undefined || (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0)) {
      if (d.metadata.generation !== d.status?.observedGeneration) {
        await recordAll(this.#recorder, d, [{ type: 'Warning', reason: 'SelectingAll', message: 'This deployment is selecting all pods. A non-empty selector is required.' }]);
        await this.#writeStatus(d, { ...structuredClone(d.status ?? {}), observedGeneration: d.metadata.generation ?? 0 }, undefined);
      }
      return;
    }
    const nsRSs = this.#rsInformer.byIndex(NAMESPACE_INDEX, namespace);
    const rss = await applyClaim(this.#replicaSets, d, DEPLOYMENT_KIND, claimObjects(d, selector, nsRSs));
    const uids = new Set(rss.map((rs) => rs.metadata.uid));
    const pods = this.#podInformer.byIndex(NAMESPACE_INDEX, namespace).filter((p) => uids.has(controllerOf(p)?.uid));
    const plan = planDeploymentSync(d, rss, pods, this.#now());
    try {
      for (const action of plan.actions) await this.#apply(d, action);
    } catch (error) {
      if (error instanceof Resync) return { requeueAfterMs: 1000 };
      throw error;
    }
    void recordAll(this.#recorder, d, plan.events);
    await this.#writeStatus(d, plan.status, plan.revision);
    return plan.requeueAfterSeconds === undefined ? undefined : { requeueAfterMs: plan.requeueAfterSeconds * 1000 };
  }

  async #apply(d: Deployment, action: ReplicaSetAction): Promise<void> {
    const client = this.#replicaSets.inNamespace(d.metadata.namespace ?? '');
    if (action.type === 'update') {
      await client.update(action.replicaSet);
      return;
    }
    if (action.type === 'delete') {
      try {
        await client.delete(action.name, action.uid === undefined ? {} : { preconditions: { uid: action.uid } });
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
      return;
    }
    try {
      await client.create(action.replicaSet);
    } catch (error) {
      if (!isAlreadyExists(error)) {
        const message = `Failed to create new replica set "${action.replicaSet.metadata.name}": ${messageOf(error)}`;
        void recordAll(this.#recorder, d, [{ type: 'Warning', reason: 'FailedCreate', message }]);
        throw error;
      }
      const existing = await client.get(action.replicaSet.metadata.name ?? '');
      const resolved = resolveNameConflict(d, existing);
      // Ours (the cache had not seen it yet): plan again once it has. Otherwise the hash
      // collided: bump collisionCount so the next sync picks another name.
      if (resolved.kind === 'collision') await this.#writeStatus(d, { ...structuredClone(d.status ?? {}), collisionCount: resolved.collisionCount }, undefined);
      throw new Resync();
    }
  }

  /** One status write carrying the revision annotation too; skipped when nothing changed. */
  async #writeStatus(d: Deployment, status: DeploymentStatus, revision: string | undefined): Promise<void> {
    if (semanticEqual(d.status, status) && revision === undefined) return;
    const next = structuredClone(d) as Deployment;
    next.status = status;
    if (revision !== undefined) next.metadata.annotations = { ...next.metadata.annotations, [REVISION_ANNOTATION]: revision };
    try {
      await this.#deployments.inNamespace(d.metadata.namespace ?? '').updateStatus(next);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
}
