// Behaviour that spans objects at write time: the system namespaces exist, and every namespace
// gets a `default-secret` (the seeds show one in each namespace). Deletion that spans objects
// (ownerReferences, namespace contents) is the controllers' garbage collector and namespace
// controller, as ARCHITECTURE.md places them.
import type { KindDefinition } from '../api/kind.ts';
import type { KubeObject } from '../api/object.ts';
import type { KindRegistry, WriteHooks } from './context.ts';
import type { ObjectStore } from './object-store.ts';
import { ApiError } from './status.ts';
import { prepareCreate } from './write-pipeline.ts';

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
}
