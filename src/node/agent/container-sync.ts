// One container of one pod in one sync, as the kubelet's SyncPod treats it: an instance that runs
// is watched for its exit; one that exited is recorded and restarted per restartPolicy with
// CrashLoopBackOff (an init container that succeeded is done); one to start is pulled, its env
// resolved (CreateContainerConfigError when a Secret, ConfigMap or key is missing), created and
// started.
// https://github.com/kubernetes/kubernetes/blob/v1.32.4/pkg/kubelet/kuberuntime/kuberuntime_manager.go (computePodActions, doBackOff)
// https://github.com/kubernetes/kubernetes/blob/v1.32.4/pkg/kubelet/kuberuntime/kuberuntime_container.go (startContainer)
import { referenceTo } from '../../client/index.ts';
import type { EventRecorder, KubeClient } from '../../client/index.ts';
import { isRuntimeError, RuntimeErrorCode } from '../runtime/index.ts';
import type { ContainerRuntime, ContainerStatus as RuntimeStatus } from '../runtime/index.ts';
import type { Backoff } from './backoff.ts';
import { apiEnvLookup, resolveEnv } from './container-env.ts';
import type { ContainerStarter } from './container-starter.ts';
import { AgentErrorCode, isAgentError } from './errors.ts';
import type { NodeAllocatable } from './field-refs.ts';
import type { ImageManager } from './image-manager.ts';
import { replaceImage } from './image-replacement.ts';
import { registrySettings } from './registry-settings.ts';
import { msg, Reason, Waiting } from './kubelet-messages.ts';
import { podIPOf } from './pod-record.ts';
import type { PodRecord, TrackedContainer } from './pod-record.ts';
import { HOST_IP } from './pod-status.ts';
import { timestamp } from './pod-types.ts';
import type { ContainerStateTerminated, Pod, PodContainer } from './pod-types.ts';
import { podKeyring } from './pull-secrets.ts';
import type { PodKeyring } from './pull-secrets.ts';

export { INSECURE_ANNOTATION, PLAIN_HTTP_ANNOTATION } from './registry-settings.ts';

/** How soon an ErrImagePull is looked at again, so it turns into ImagePullBackOff. */
const RECHECK_MS = 1000;

export interface ContainerSyncDeps {
  client: KubeClient;
  recorder: EventRecorder;
  runtime: ContainerRuntime;
  starter: ContainerStarter;
  images: ImageManager;
  crashBackoff: Backoff;
  certsDir: string | undefined;
  node: () => NodeAllocatable;
  now: () => Date;
  requeue: (uid: string, ms: number) => void;
  onError: (error: unknown) => void;
  /** Registries pods may name plain-HTTP or insecure (the admin's policy); undefined: any. */
  allowedInsecure?: readonly string[] | undefined;
  /** Apply coordinator.cci.io/image-replacement rules (default true). */
  imageReplacement?: boolean | undefined;
}

/** State shared by the containers of one pod sync: the pod's keyring is read once. */
export interface SyncScope {
  keyring?: Promise<PodKeyring> | undefined;
}

export type ContainerKind = 'init' | 'app';

export class ContainerSync {
  readonly #d: ContainerSyncDeps;

  constructor(deps: ContainerSyncDeps) {
    this.#d = deps;
  }

  /** Brings the container one step on; afterwards `t.done` says it will not run again. */
  async step(pod: Pod, rec: PodRecord, c: PodContainer, t: TrackedContainer, kind: ContainerKind, scope: SyncScope): Promise<void> {
    if (t.done) return;
    if (t.current !== undefined) {
      const st = await this.status(t.current.id);
      if (st.state !== 'exited') {
        t.current.startedAt ??= st.startedAt;
        this.watchExit(rec.uid, t);
        return;
      }
      if (!this.#exited(pod, rec, c, t, st, kind)) return;
    }
    scope.keyring ??= this.#keyring(pod);
    await this.#start(pod, rec, c, t, await scope.keyring);
  }

  /** Records the exit; returns whether to start the next instance now. */
  #exited(pod: Pod, rec: PodRecord, c: PodContainer, t: TrackedContainer, st: RuntimeStatus, kind: ContainerKind): boolean {
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
    const ok = t.terminated.exitCode === 0;
    // An init container runs to completion once; on failure it restarts unless the policy is Never.
    if (kind === 'init' ? ok || policy === 'Never' : policy === 'Never' || (policy === 'OnFailure' && ok)) {
      t.done = true;
      t.waiting = undefined;
      return false;
    }
    // The first restart is immediate; then each exit waits out the backoff since it finished.
    const key = `${rec.uid}/${c.name}`;
    const delay = this.#d.crashBackoff.delay(key);
    const since = Date.now() - Date.parse(t.terminated.finishedAt ?? '');
    if (delay !== undefined && since < delay) {
      t.waiting = { reason: Waiting.CrashLoopBackOff, message: msg.crashLoop(delay, c.name, rec.name, rec.namespace, rec.uid) };
      void this.#d.recorder.event(referenceTo(pod, fieldPath(pod, c)), 'Warning', Reason.BackOff,
        `Back-off restarting failed container ${c.name} in pod ${rec.name}_${rec.namespace}(${rec.uid})`);
      this.#d.requeue(rec.uid, delay - since);
      return false;
    }
    this.#d.crashBackoff.next(key);
    return true;
  }

  async #start(pod: Pod, rec: PodRecord, c: PodContainer, t: TrackedContainer, keys: PodKeyring): Promise<void> {
    const ref = referenceTo(pod, fieldPath(pod, c));
    const event = (type: 'Normal' | 'Warning', reason: string, text: string) => void this.#d.recorder.event(ref, type, reason, text);
    let image;
    let pulled = c;
    try {
      // A node may be set to ignore the rules (issue 5 section 3: only the elastic pool pulls from the mirror).
      const replaced = this.#d.imageReplacement === false ? { container: c, note: undefined } : replaceImage(pod, c);
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
    let env;
    try {
      const resolved = await resolveEnv({
        pod, container: c, addresses: { podIP: podIPOf(rec, HOST_IP), hostIP: HOST_IP }, node: this.#d.node(),
        lookup: apiEnvLookup(this.#d.client, rec.namespace),
      });
      for (const w of resolved.warnings) void this.#d.recorder.event(pod, 'Warning', Reason.InvalidEnvironmentVariableNames, w);
      env = resolved.env;
    } catch (err) {
      if (!isAgentError(err, AgentErrorCode.CreateContainerConfig)) throw err;
      // The kubelet retries at its next sync (pod_workers backOffPeriod); nothing is created meanwhile.
      event('Warning', Reason.Failed, msg.error(err.message));
      t.waiting = { reason: Waiting.CreateContainerConfigError, message: err.message };
      this.#d.requeue(rec.uid, this.#d.crashBackoff.initialMs);
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
      const started = await this.#d.starter.start({ pod, container: c, image, restartCount: t.restartCount, env, sandbox: rec.sandbox });
      event('Normal', Reason.Created, msg.created(c.name));
      event('Normal', Reason.Started, msg.started(c.name));
      t.current = { id: started.id, image: pulled.image ?? '', imageID: image.imageID, startedAt: started.status.startedAt };
      t.waiting = undefined;
      this.watchExit(rec.uid, t);
    } catch (err) {
      event('Warning', Reason.Failed, msg.error((err as Error).message));
      t.waiting = { reason: Waiting.CreateContainerError, message: (err as Error).message };
      this.#d.requeue(rec.uid, this.#d.crashBackoff.next(`${rec.uid}/${c.name}`));
    }
  }

  async status(id: string): Promise<RuntimeStatus> {
    try {
      return await this.#d.runtime.containerStatus(id);
    } catch (err) {
      if (!isRuntimeError(err, RuntimeErrorCode.NotFound)) throw err;
      return { id, state: 'exited', exitCode: 137, reason: 'Unknown', message: 'the container could not be found' };
    }
  }

  watchExit(uid: string, t: TrackedContainer): void {
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

  /** certs.d plus the pod's registry annotations within the admin's policy (registry-settings.ts). */
  #settings(pod: Pod): ReturnType<typeof registrySettings> {
    return registrySettings(pod.metadata.annotations, {
      certsDir: this.#d.certsDir, allowedInsecure: this.#d.allowedInsecure, onError: this.#d.onError,
      onRefused: (message) => void this.#d.recorder.event(pod, 'Warning', Reason.InsecureRegistryRefused, message),
    });
  }
}

/** The event field path: spec.initContainers{name} or spec.containers{name}. */
export function fieldPath(pod: Pod, c: PodContainer): string {
  const init = (pod.spec.initContainers ?? []).some((i) => i.name === c.name);
  return `${init ? 'spec.initContainers' : 'spec.containers'}{${c.name}}`;
}
