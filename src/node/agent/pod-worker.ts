// One sync of one pod, as the kubelet's syncPod / SyncTerminatingPod (simplified): start what
// should run (pull, create, start), restart what exited per restartPolicy with CrashLoopBackOff,
// write the status; a pod marked for deletion is stopped with its grace period and then deleted
// with gracePeriodSeconds 0 and a uid precondition, as the kubelet's status manager does.
// https://github.com/kubernetes/kubernetes/blob/v1.32.4/pkg/kubelet/kubelet.go (SyncPod)
// https://github.com/kubernetes/kubernetes/blob/v1.32.4/pkg/kubelet/kuberuntime/kuberuntime_manager.go (doBackOff)
// https://github.com/kubernetes/kubernetes/blob/v1.32.4/pkg/kubelet/status/status_manager.go (canBeDeleted)
import { rm } from 'node:fs/promises';
import { parseHostList } from '../../image/index.ts';
import { isConflict, isNotFound, referenceTo } from '../../client/index.ts';
import type { EventRecorder, KubeClient } from '../../client/index.ts';
import { isRuntimeError, removeCgroup, RuntimeErrorCode } from '../runtime/index.ts';
import type { ContainerRuntime, ContainerStatus as RuntimeStatus } from '../runtime/index.ts';
import type { Backoff } from './backoff.ts';
import { podCgroup } from './container-starter.ts';
import type { ContainerStarter } from './container-starter.ts';
import { AgentErrorCode, isAgentError } from './errors.ts';
import type { ImageManager } from './image-manager.ts';
import { msg, Reason, Waiting } from './kubelet-messages.ts';
import type { AgentPaths } from './paths.ts';
import { tracked } from './pod-record.ts';
import type { PodRecord, TrackedContainer } from './pod-record.ts';
import { podStatus } from './pod-status.ts';
import { timestamp } from './pod-types.ts';
import type { ContainerStateTerminated, Pod, PodContainer } from './pod-types.ts';
import { replaceImage } from './image-replacement.ts';
import { podKeyring } from './pull-secrets.ts';
import type { PodKeyring } from './pull-secrets.ts';
import { PODS } from './refs.ts';

export const PLAIN_HTTP_ANNOTATION = 'k8s.aliyun.com/plain-http-registry';
export const INSECURE_ANNOTATION = 'k8s.aliyun.com/insecure-registry';

export interface PodWorkerDeps {
  client: KubeClient;
  recorder: EventRecorder;
  runtime: ContainerRuntime;
  starter: ContainerStarter;
  images: ImageManager;
  crashBackoff: Backoff;
  paths: AgentPaths;
  certsDir: string | undefined;
  now: () => Date;
  /** Sync the pod again after `ms`. */
  requeue: (uid: string, ms: number) => void;
  onError: (error: unknown) => void;
}

/** How soon an ErrImagePull is looked at again, so it turns into ImagePullBackOff. */
const RECHECK_MS = 1000;

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
    let keyring: Promise<PodKeyring> | undefined;
    for (const c of pod.spec.containers) {
      const t = tracked(rec, c.name);
      if (t.done) continue;
      if (t.current !== undefined) {
        const st = await this.#status(t.current.id);
        if (st.state !== 'exited') {
          t.current.startedAt ??= st.startedAt;
          this.#watchExit(rec.uid, t);
          continue;
        }
        if (!this.#exited(pod, rec, c, t, st)) continue;
      }
      keyring ??= this.#keyring(pod);
      await this.#startContainer(pod, rec, c, t, await keyring);
    }
    await this.#writeStatus(pod, rec);
    return 'synced';
  }

  /** Records the exit; returns whether to start the next instance now. */
  #exited(pod: Pod, rec: PodRecord, c: PodContainer, t: TrackedContainer, st: RuntimeStatus): boolean {
    const current = t.current;
    if (current === undefined) return true;
    t.terminated ??= {
      exitCode: st.exitCode ?? 137,
      reason: st.reason ?? 'Error',
      ...(st.message === undefined ? {} : { message: st.message }),
      ...(current.startedAt === undefined && st.startedAt === undefined ? {} : { startedAt: current.startedAt ?? st.startedAt }),
      finishedAt: st.finishedAt ?? timestamp(this.#d.now()),
      containerID: `runc://${current.id}`,
    } satisfies ContainerStateTerminated;
    const policy = pod.spec.restartPolicy ?? 'Always';
    if (policy === 'Never' || (policy === 'OnFailure' && t.terminated.exitCode === 0)) {
      t.done = true;
      return false;
    }
    // The first restart is immediate; then each exit waits out the backoff since it finished.
    const key = `${rec.uid}/${c.name}`;
    const delay = this.#d.crashBackoff.delay(key);
    const since = Date.now() - Date.parse(t.terminated.finishedAt ?? '');
    if (delay !== undefined && since < delay) {
      t.waiting = { reason: Waiting.CrashLoopBackOff, message: msg.crashLoop(delay, c.name, rec.name, rec.namespace, rec.uid) };
      void this.#d.recorder.event(referenceTo(pod, `spec.containers{${c.name}}`), 'Warning', Reason.BackOff,
        `Back-off restarting failed container ${c.name} in pod ${rec.name}_${rec.namespace}(${rec.uid})`);
      this.#d.requeue(rec.uid, delay - since);
      return false;
    }
    this.#d.crashBackoff.next(key);
    return true;
  }

  async #startContainer(pod: Pod, rec: PodRecord, c: PodContainer, t: TrackedContainer, keys: PodKeyring): Promise<void> {
    const ref = referenceTo(pod, `spec.containers{${c.name}}`);
    const event = (type: 'Normal' | 'Warning', reason: string, text: string) => void this.#d.recorder.event(ref, type, reason, text);
    let image;
    let pulled = c;
    try {
      const replaced = replaceImage(pod, c);
      pulled = replaced.container;
      if (replaced.note !== undefined && t.restartCount === 0 && t.current === undefined) event('Normal', Reason.ImageReplaced, replaced.note);
      image = await this.#d.images.ensure({
        podUid: rec.uid, container: pulled, ref, credentials: keys.keyring.lookup(pulled.image ?? ''), settings: this.#settings(pod),
      });
    } catch (err) {
      const reason = !isAgentError(err) ? Waiting.ErrImagePull
        : err.code === AgentErrorCode.ImagePullBackOff ? Waiting.ImagePullBackOff
          : err.code === AgentErrorCode.ImageNeverPull ? Waiting.ErrImageNeverPull : Waiting.ErrImagePull;
      event('Warning', Reason.Failed, msg.error(reason));
      t.waiting = { reason, message: (err as Error).message };
      const left = this.#d.images.backoffRemaining(rec.uid, pulled.image ?? '');
      this.#d.requeue(rec.uid, reason === Waiting.ErrImagePull ? Math.min(RECHECK_MS, Math.max(left, 1)) : Math.max(left, RECHECK_MS));
      return;
    }
    // The exited instance goes; its log stays for `kubectl logs --previous`.
    if (t.current !== undefined) {
      await this.#d.runtime.removeContainer(t.current.id, { force: true });
      t.lastTerminated = t.terminated;
      t.restartCount++;
      t.current = undefined;
      t.terminated = undefined;
    }
    try {
      const started = await this.#d.starter.start({ pod, container: c, image, restartCount: t.restartCount });
      event('Normal', Reason.Created, msg.created(c.name));
      event('Normal', Reason.Started, msg.started(c.name));
      t.current = { id: started.id, image: pulled.image ?? '', imageID: image.imageID, startedAt: started.status.startedAt };
      t.waiting = undefined;
      this.#watchExit(rec.uid, t);
    } catch (err) {
      event('Warning', Reason.Failed, msg.error((err as Error).message));
      t.waiting = { reason: Waiting.CreateContainerError, message: (err as Error).message };
      this.#d.requeue(rec.uid, this.#d.crashBackoff.next(`${rec.uid}/${c.name}`));
    }
  }

  /** Stops every container of the pod (SIGTERM, the grace period, SIGKILL) and removes them and its files. */
  async terminate(rec: PodRecord, pod: Pod | undefined): Promise<void> {
    const grace = pod === undefined ? 0 : (pod.metadata.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30);
    await Promise.all([...rec.containers.values()].map(async (t) => {
      t.exitWatch?.abort();
      if (t.current === undefined) return;
      const st = await this.#status(t.current.id);
      if (st.state !== 'exited' && pod !== undefined) {
        void this.#d.recorder.event(referenceTo(pod, `spec.containers{${t.name}}`), 'Normal', Reason.Killing, msg.killing(t.name));
      }
      if (st.state !== 'exited') await this.#d.runtime.stopContainer(t.current.id, grace);
      await this.#d.runtime.removeContainer(t.current.id, { force: true });
    }));
    await this.cleanupPod(rec);
  }

  /** Files and cgroups of a pod whose containers are gone. */
  async cleanupPod(rec: { uid: string; namespace: string; name: string }): Promise<void> {
    this.#d.images.forgetPod(rec.uid);
    this.#d.crashBackoff.resetPrefix(`${rec.uid}/`);
    await removeCgroup(podCgroup(rec.uid)).catch(this.#d.onError);
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

  async #status(id: string): Promise<RuntimeStatus> {
    try {
      return await this.#d.runtime.containerStatus(id);
    } catch (err) {
      if (!isRuntimeError(err, RuntimeErrorCode.NotFound)) throw err;
      return { id, state: 'exited', exitCode: 137, reason: 'Unknown', message: 'the container could not be found' };
    }
  }

  #watchExit(uid: string, t: TrackedContainer): void {
    const current = t.current;
    if (current === undefined || t.exitWatch !== undefined) return;
    const abort = new AbortController();
    t.exitWatch = abort;
    this.#d.runtime.waitForExit(current.id, { signal: abort.signal }).then(
      () => this.#d.requeue(uid, 0),
      () => {},
    ).finally(() => {
      if (t.exitWatch === abort) t.exitWatch = undefined;
    });
  }

  async #keyring(pod: Pod): Promise<PodKeyring> {
    const keys = await podKeyring(this.#d.client, pod);
    if (keys.missing.length > 0) {
      void this.#d.recorder.event(pod, 'Warning', Reason.FailedToRetrieveImagePullSecret, msg.missingSecrets(keys.missing));
    }
    return keys;
  }

  /** certs.d (read live by the engine) plus the pod's plain-http / insecure registry annotations. */
  #settings(pod: Pod): { plainHttp: string[]; insecure: string[]; certsDir?: string } {
    const a = pod.metadata.annotations ?? {};
    const list = (key: string) => {
      try {
        return parseHostList(a[key], `${key} annotation`);
      } catch (err) {
        this.#d.onError(err);
        return [];
      }
    };
    return { plainHttp: list(PLAIN_HTTP_ANNOTATION), insecure: list(INSECURE_ANNOTATION), ...(this.#d.certsDir === undefined ? {} : { certsDir: this.#d.certsDir }) };
  }

  async #writeStatus(pod: Pod, rec: PodRecord): Promise<void> {
    const status = podStatus(pod, rec, timestamp(this.#d.now()));
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
