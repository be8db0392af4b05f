// Node registration and heartbeats: the Node is created (or its labels and status updated), a
// Lease in kube-node-lease is renewed every 10 s, and the Node's status every 60 s, as the kubelet
// does since NodeLease went GA.
// https://github.com/kubernetes/kubernetes/blob/v1.32.4/pkg/kubelet/kubelet_node_status.go
// https://github.com/kubernetes/component-helpers/blob/master/apimachinery/lease/controller.go
import type { KubeObject } from '../../api/object.ts';
import { isAlreadyExists, isConflict, isNotFound } from '../../client/index.ts';
import type { KubeClient, ResourceClient } from '../../client/index.ts';
import type { RuncStatus } from '../runtime/index.ts';
import { mergeTaints, nodeLabels, nodeObject, nodeStatus } from './node-status.ts';
import type { Taint } from './node-status.ts';
import { LEASES, NODES } from './refs.ts';

export const LEASE_NAMESPACE = 'kube-node-lease';
export const LEASE_DURATION_SECONDS = 40;

export interface HeartbeatOptions {
  client: KubeClient;
  nodeName: string;
  dataDir: string;
  runc: () => RuncStatus;
  now: () => Date;
  leaseRenewMs: number;
  statusUpdateMs: number;
  /** Extra node labels and the node's taints, applied at every registration. */
  labels: Record<string, string>;
  taints: Taint[];
  /** status.images (node-images.ts), once the agent has an image store. */
  images?: (() => Promise<unknown[]>) | undefined;
  onError: (error: unknown) => void;
}

/** RFC 3339 with microseconds: metav1.MicroTime, the Lease's renewTime. */
function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export class Heartbeat {
  readonly #o: HeartbeatOptions;
  readonly #nodes: ResourceClient;
  readonly #leases: ResourceClient;
  #leaseTimer: NodeJS.Timeout | undefined;
  #statusTimer: NodeJS.Timeout | undefined;
  #uid: string | undefined;

  constructor(options: HeartbeatOptions) {
    this.#o = options;
    this.#nodes = options.client.resource(NODES);
    this.#leases = options.client.resource(LEASES, LEASE_NAMESPACE);
  }

  /** Registers the node and renews its lease once; then keeps both fresh until stop(). */
  async start(): Promise<void> {
    await this.register();
    await this.renewLease();
    this.#leaseTimer = setInterval(() => void this.renewLease().catch(this.#o.onError), this.#o.leaseRenewMs);
    this.#statusTimer = setInterval(() => void this.updateStatus().catch(this.#o.onError), this.#o.statusUpdateMs);
  }

  stop(): void {
    clearInterval(this.#leaseTimer);
    clearInterval(this.#statusTimer);
  }

  async register(): Promise<void> {
    const { nodeName } = this.#o;
    const status = await nodeStatus({ nodeName, dataDir: this.#o.dataDir, runc: this.#o.runc(), now: this.#o.now() });
    try {
      const created = await this.#nodes.create(nodeObject(nodeName, status, { labels: this.#o.labels, taints: this.#o.taints }));
      this.#uid = created.metadata.uid;
      return;
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
    // Registered before (an agent restart): refresh labels and this node's taints, then the whole
    // status. The taints are merged with the live ones, so the write is guarded by resourceVersion.
    let existing: KubeObject | undefined;
    for (let attempt = 0; existing === undefined; attempt++) {
      const live = await this.#nodes.get(nodeName);
      const taints = mergeTaints(((live['spec'] as { taints?: Taint[] } | undefined)?.taints) ?? [], this.#o.taints);
      const spec = this.#o.taints.length === 0 ? {} : { spec: { taints } };
      try {
        existing = await this.#nodes.patch(nodeName, {
          metadata: { labels: nodeLabels(nodeName, this.#o.labels), resourceVersion: live.metadata.resourceVersion }, ...spec,
        }, 'merge');
      } catch (err) {
        if (!isConflict(err) || attempt >= 4) throw err;
      }
    }
    this.#uid = existing.metadata.uid;
    await this.updateStatus(existing);
  }

  async updateStatus(current?: KubeObject): Promise<void> {
    const { nodeName } = this.#o;
    const live = current ?? (await this.#nodes.get(nodeName));
    const previous = (live['status'] as { conditions?: { type: string; status: string; lastTransitionTime?: string }[] } | undefined)?.conditions;
    const status = await nodeStatus({ nodeName, dataDir: this.#o.dataDir, runc: this.#o.runc(), now: this.#o.now(), previous });
    if (this.#o.images !== undefined) status['images'] = await this.#o.images().catch(() => []);
    await this.#nodes.patch(nodeName, { status }, 'merge', { subresource: 'status' });
  }

  async renewLease(): Promise<void> {
    const { nodeName } = this.#o;
    const spec = { holderIdentity: nodeName, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: microTime(this.#o.now()) };
    try {
      await this.#leases.patch(nodeName, { spec }, 'merge');
    } catch (err) {
      if (!isNotFound(err)) throw err;
      const owner = this.#uid === undefined ? [] : [{ apiVersion: 'v1', kind: 'Node', name: nodeName, uid: this.#uid }];
      await this.#leases.create({ metadata: { name: nodeName, namespace: LEASE_NAMESPACE, ownerReferences: owner }, spec });
    }
  }
}
