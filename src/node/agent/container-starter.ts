// Creates and starts one container: rootfs from the image's snapshots (overlay, else a copy), the
// OCI spec from the image config and the container spec, runc through the ContainerRuntime, logs in
// Kubernetes' /var/log/pods layout under the data directory.
// Networking: the pod's sandbox (its network namespace, /etc/hosts and /etc/resolv.conf; see
// ../network), or the host's network for hostNetwork pods and nodes without pod networking.
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ContentStore } from '../../image/index.ts';
import { buildOciSpec, prepareRootfs, removeBundle, rootfsUserDb } from '../runtime/index.ts';
import type { ContainerRuntime, ContainerStatus as RuntimeStatus, ImageRuntimeConfig, PreparedRootfs, ResolvedEnvVar } from '../runtime/index.ts';
import { AgentError, AgentErrorCode } from './errors.ts';
import type { EnsuredImage } from './image-manager.ts';
import { containerId } from './paths.ts';
import type { AgentPaths } from './paths.ts';
import type { PodSandbox } from '../network/index.ts';
import type { Pod, PodContainer } from './pod-types.ts';

export interface StartContainerRequest {
  pod: Pod;
  container: PodContainer;
  image: EnsuredImage;
  restartCount: number;
  /** The container's env with envFrom and valueFrom resolved (container-env.ts). */
  env: ResolvedEnvVar[];
  /** The pod's network namespace; absent: the host's network (hostNetwork, or no pod networking). */
  sandbox?: PodSandbox | undefined;
}

export interface StartedContainer {
  id: string;
  status: RuntimeStatus;
}

/** The cgroup parent of a pod's containers (removed with removeCgroup when the pod is gone). */
export function podCgroup(podUid: string): string {
  return `/ferry/pod${podUid}`;
}

export class ContainerStarter {
  readonly #runtime: ContainerRuntime;
  readonly #paths: AgentPaths;
  readonly #store: ContentStore;

  constructor(runtime: ContainerRuntime, paths: AgentPaths, store: ContentStore) {
    this.#runtime = runtime;
    this.#paths = paths;
    this.#store = store;
  }

  async start(req: StartContainerRequest): Promise<StartedContainer> {
    const { pod, container } = req;
    const uid = pod.metadata.uid as string;
    const id = containerId({ podUid: uid, container: container.name, restartCount: req.restartCount });
    const bundleDir = this.#paths.bundle(id);
    // A start that failed half way (or an agent killed mid-start) may have left this id behind.
    await this.#runtime.removeContainer(id, { force: true });
    if (existsSync(bundleDir)) await removeBundle(bundleDir);
    const lower = req.image.pull.lowerDirs ?? [];
    let rootfs: PreparedRootfs | undefined;
    try {
      // The image engine lists snapshot fs dirs top first; prepareRootfs takes snapshot dirs base first.
      rootfs = await prepareRootfs({ layers: [...lower].reverse().map((d) => dirname(d)), dir: bundleDir });
      const imageConfig = await this.#imageConfig(req.image);
      const spec = buildOciSpec({
        image: imageConfig,
        container: {
          name: container.name,
          command: container.command,
          args: container.args,
          workingDir: container.workingDir,
          env: req.env,
          resources: container.resources,
          securityContext: container.securityContext,
        },
        pod: {
          hostname: pod.spec.hostname ?? pod.metadata.name ?? 'pod',
          cgroupsPath: `${podCgroup(uid)}/${id}`,
          ...(req.sandbox === undefined
            ? { hostNetwork: true }
            : { netnsPath: req.sandbox.netns, hostsFile: req.sandbox.hostsFile, resolvConfFile: req.sandbox.resolvConf }),
        },
        users: rootfsUserDb(rootfs.path),
      });
      const logPath = this.#paths.logPath({ namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name ?? '', uid }, container.name, req.restartCount);
      const status = await this.#runtime.runContainer({ id, bundleDir, spec, rootfs, logPath });
      return { id, status };
    } catch (err) {
      await this.#runtime.removeContainer(id, { force: true }).catch(() => {});
      await rootfs?.release().catch(() => {});
      if (existsSync(bundleDir)) await removeBundle(bundleDir).catch(() => {});
      throw new AgentError(AgentErrorCode.CreateContainer, (err as Error).message, { cause: err });
    }
  }

  async #imageConfig(image: EnsuredImage): Promise<ImageRuntimeConfig> {
    const bytes = await this.#store.readBlob(image.pull.config.digest, { maxBytes: 8 << 20 });
    const parsed = JSON.parse(bytes.toString('utf8')) as { config?: ImageRuntimeConfig };
    return parsed.config ?? {};
  }
}
