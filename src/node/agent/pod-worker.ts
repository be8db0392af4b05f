// One sync of one pod, as the kubelet's syncPod / SyncTerminatingPod (simplified): init containers
// one after another to completion, then the app containers (container-sync.ts: pull, env, create,
// start, restart per restartPolicy with CrashLoopBackOff); probes started for what runs and a
// container that failed its liveness or startup probe killed; then the status written. A pod
// marked for deletion is stopped with its grace period and then deleted with gracePeriodSeconds 0
// and a uid precondition, as the kubelet's status manager does.
// https://github.com/kubernetes/kubernetes/blob/v1.32.4/pkg/kubelet/kubelet.go (SyncPod)
// https://github.com/kubernetes/kubernetes/blob/v1.32.4/pkg/kubelet/kuberuntime/kuberuntime_manager.go (computePodActions)
// https://github.com/kubernetes/kubernetes/blob/v1.32.4/pkg/kubelet/status/status_manager.go (canBeDeleted)
import { rm } from 'node:fs/promises';
import { isConflict, isNotFound, referenceTo } from '../../client/index.ts';
import type { EventRecorder, KubeClient } from '../../client/index.ts';
import { removeCgroup } from '../runtime/index.ts';
import type { ContainerRuntime } from '../runtime/index.ts';
import type { PodNetwork } from '../network/index.ts';
import { ALLOCATED_EIP_ANNOTATION, eipSettingsOf } from '../../api/validation/eip-annotations.ts';
import type { Backoff } from './backoff.ts';
import { podCgroup } from './container-starter.ts';
import type { ContainerSync } from './container-sync.ts';
import type { ImageManager } from './image-manager.ts';
import { nextInitContainer } from './init-containers.ts';
import { msg, Reason } from './kubelet-messages.ts';
import type { AgentPaths } from './paths.ts';
import { tracked } from './pod-record.ts';
import type { PodRecord } from './pod-record.ts';
import { podStatus } from './pod-status.ts';
import { timestamp } from './pod-types.ts';
import type { Pod } from './pod-types.ts';
import type { Prober } from './prober.ts';
import { PODS } from './refs.ts';

export { INSECURE_ANNOTATION, PLAIN_HTTP_ANNOTATION } from './container-sync.ts';

export interface PodWorkerDeps {
  /** Pod networking; absent: every pod uses the host's network. */
  network?: PodNetwork | undefined;
  client: KubeClient;
  recorder: EventRecorder;
  runtime: ContainerRuntime;
  containers: ContainerSync;
  prober: Prober;
  images: ImageManager;
  crashBackoff: Backoff;
  paths: AgentPaths;
  now: () => Date;
  /** Sync the pod again after `ms`. */
  requeue: (uid: string, ms: number) => void;
  onError: (error: unknown) => void;
}

export class PodWorker {
  readonly #d: PodWorkerDeps;

  constructor(deps: PodWorkerDeps) {
    this.#d = deps;
  }

  async sync(pod: Pod, rec: PodRecord): Promise<'deleted' | 'synced'> {
    if (pod.metadata.deletionTimestamp !== undefined) {
      await this.terminate(rec, pod);
      await this.#deletePod(pod);
      return 'deleted';
    }
    if (!(await this.#ensureSandbox(pod, rec))) {
      await this.#writeStatus(pod, rec);
      return 'synced';
    }
    const scope = {};
    const { containers } = this.#d;
    // Init containers run one at a time; one that succeeds lets the next start in the same sync.
    const initializing = nextInitContainer(pod, rec).kind !== 'done';
    for (let next = nextInitContainer(pod, rec); next.kind === 'run'; next = nextInitContainer(pod, rec)) {
      const t = tracked(rec, next.container.name);
      await containers.step(pod, rec, next.container, t, 'init', scope);
      if (!t.done) break;
    }
    if (nextInitContainer(pod, rec).kind === 'done') {
      // Initialized, the app containers PodInitializing while they are pulled and created (the
      // kubelet writes the status before SyncPod acts).
      if (initializing) await this.#writeStatus(pod, rec);
      for (const c of pod.spec.containers) await containers.step(pod, rec, c, tracked(rec, c.name), 'app', scope);
    }
    this.#d.prober.sync(pod, rec);
    await this.#killUnhealthy(pod, rec);
    await this.#writeStatus(pod, rec);
    return 'synced';
  }

  /**
   * The pod's network namespace and IP before its first container (the kubelet's RunPodSandbox).
   * A failure is the kubelet's FailedCreatePodSandBox event, retried with backoff.
   */
  async #ensureSandbox(pod: Pod, rec: PodRecord): Promise<boolean> {
    const network = this.#d.network;
    if (rec.sandbox !== undefined) return true;
    if (network === undefined || pod.spec.hostNetwork === true) {
      if (pod.metadata.annotations?.[ALLOCATED_EIP_ANNOTATION] !== undefined && rec.eipWarned !== true) {
        rec.eipWarned = true;
        void this.#d.recorder.event(pod, 'Warning', Reason.EIPNotAttached, 'the pod runs in the host network (hostNetwork, or pod networking is off on this node), so its EIP cannot be routed to it');
      }
      return true;
    }
    try {
      let sandbox = await network.setUp({ uid: rec.uid, name: rec.name, namespace: rec.namespace, hostname: pod.spec.hostname ?? rec.name });
      const eip = pod.metadata.annotations?.[ALLOCATED_EIP_ANNOTATION];
      if (eip !== undefined && eip !== '') {
        const { bandwidthMbit } = eipSettingsOf(pod.metadata.annotations, rec.name);
        sandbox = await network.attachEip(sandbox, { eip, bandwidthMbit });
        void this.#d.recorder.event(pod, 'Normal', Reason.EIPAttached, `EIP ${eip} routes to pod IP ${sandbox.ip}; traffic limited to ${bandwidthMbit} Mbit/s each way`);
      }
      // Only a complete sandbox counts: a failed EIP is attached again at the next sync.
      rec.sandbox = sandbox;
      return true;
    } catch (err) {
      void this.#d.recorder.event(pod, 'Warning', Reason.FailedCreatePodSandBox, `Failed to create pod sandbox: ${(err as Error).message}`);
      this.#d.requeue(rec.uid, this.#d.crashBackoff.next(`${rec.uid}/sandbox`));
      return false;
    }
  }

  /** computePodActions: a container that failed its liveness or startup probe is killed; its exit restarts it per restartPolicy. */
  async #killUnhealthy(pod: Pod, rec: PodRecord): Promise<void> {
    for (const c of pod.spec.containers) {
      const t = rec.containers.get(c.name);
      const id = t?.current?.id;
      if (t === undefined || id === undefined || t.terminated !== undefined) continue;
      const probe = this.#d.prober.failed(rec.uid, c.name, id);
      if (probe === undefined) continue;
      const restart = (pod.spec.restartPolicy ?? 'Always') !== 'Never';
      void this.#d.recorder.event(referenceTo(pod, `spec.containers{${c.name}}`), 'Normal', Reason.Killing, msg.probeKilling(c.name, probe, restart));
      const spec = probe === 'liveness' ? c.livenessProbe : c.startupProbe;
      const grace = spec?.terminationGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
      await this.#d.runtime.stopContainer(id, grace);
      // The exit watch syncs the pod again, which records the exit and restarts it.
      this.#d.requeue(rec.uid, 0);
    }
  }

  /** Stops every container of the pod (SIGTERM, the grace period, SIGKILL) and removes them and its files. */
  async terminate(rec: PodRecord, pod: Pod | undefined): Promise<void> {
    this.#d.prober.forgetPod(rec.uid);
    const grace = pod === undefined ? 0 : (pod.metadata.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30);
    await Promise.all([...rec.containers.values()].map(async (t) => {
      t.exitWatch?.abort();
      if (t.current === undefined) return;
      const st = await this.#d.containers.status(t.current.id);
      if (st.state !== 'exited' && pod !== undefined) {
        const init = (pod.spec.initContainers ?? []).some((c) => c.name === t.name);
        void this.#d.recorder.event(referenceTo(pod, `${init ? 'spec.initContainers' : 'spec.containers'}{${t.name}}`), 'Normal', Reason.Killing, msg.killing(t.name));
      }
      if (st.state !== 'exited') await this.#d.runtime.stopContainer(t.current.id, grace);
      await this.#d.runtime.removeContainer(t.current.id, { force: true });
    }));
    await this.cleanupPod(rec);
  }

  /** Files and cgroups of a pod whose containers are gone. */
  async cleanupPod(rec: { uid: string; namespace: string; name: string }): Promise<void> {
    this.#d.prober.forgetPod(rec.uid);
    this.#d.images.forgetPod(rec.uid);
    this.#d.crashBackoff.resetPrefix(`${rec.uid}/`);
    await removeCgroup(podCgroup(rec.uid)).catch(this.#d.onError);
    await this.#d.network?.tearDown(rec.uid).catch(this.#d.onError);
    await rm(this.#d.paths.podLogDir(rec), { recursive: true, force: true });
  }

  async #deletePod(pod: Pod): Promise<void> {
    const pods = this.#d.client.resource(PODS, pod.metadata.namespace);
    try {
      await pods.delete(pod.metadata.name ?? '', { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid as string } });
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  }

  async #writeStatus(pod: Pod, rec: PodRecord): Promise<void> {
    const status = podStatus(pod, rec, timestamp(this.#d.now()), this.#d.prober);
    const text = JSON.stringify(status);
    if (text === rec.lastStatus) return;
    try {
      await this.#d.client.resource(PODS, pod.metadata.namespace).patch(pod.metadata.name ?? '', { status }, 'merge', { subresource: 'status' });
      rec.lastStatus = text;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
