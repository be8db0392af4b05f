// The OCI runtime spec (config.json, runtime-spec v1.0.2) for one container of a pod. Pure: the
// image's users come in through a UserDb (rootfsUserDb reads them from a prepared rootfs).
// https://github.com/opencontainers/runtime-spec/blob/v1.0.2/config.md

import { containerArgs, kubeEnv, processEnv } from './command-env.ts';
import { RuntimeError, RuntimeErrorCode } from './errors.ts';
import {
  ALL_CAPABILITIES, DEFAULT_CAPABILITIES, MASKED_PATHS, NOFILE_LIMIT, READONLY_PATHS, bindMount, defaultMounts,
} from './oci-defaults.ts';
import { OCI_RUNTIME_SPEC_VERSION } from './oci-spec-types.ts';
import type { OciCapabilities, OciMount, OciNamespace, OciSpec } from './oci-spec-types.ts';
import { linuxResources } from './resources.ts';
import type { ContainerSpec, ImageRuntimeConfig, PodRuntimeSettings } from './spec-inputs.ts';
import { resolveUser } from './user-spec.ts';
import type { UserDb } from './user-spec.ts';

/** Annotation listing the image's ExposedPorts ("80/tcp,443/tcp"): noted, not published. */
export const EXPOSED_PORTS_ANNOTATION = 'io.ferry.image.exposed-ports';
export const CONTAINER_NAME_ANNOTATION = 'io.kubernetes.cri.container-name';

export interface BuildSpecInput {
  image: ImageRuntimeConfig;
  container: ContainerSpec;
  pod: PodRuntimeSettings;
  /** The image's /etc/passwd and /etc/group. */
  users: UserDb;
  /** root.path: absolute, or relative to the bundle (default "rootfs"). */
  rootfsPath?: string | undefined;
  /** Whether securityContext.privileged may be honoured on this node (default false: refused). */
  allowPrivileged?: boolean | undefined;
}

export function buildOciSpec(input: BuildSpecInput): OciSpec {
  const { image, container, pod } = input;
  const sc = container.securityContext ?? {};
  const privileged = sc.privileged === true;
  if (privileged && input.allowPrivileged !== true) {
    throw new RuntimeError(RuntimeErrorCode.InvalidSpec, `container ${container.name}: privileged containers are not allowed on this node`);
  }
  const env = kubeEnv(container, pod.serviceEnv);
  const user = resolveUser(image.User, input.users, sc, pod.securityContext);
  const cwd = container.workingDir || image.WorkingDir || '/';
  if (!cwd.startsWith('/')) {
    throw new RuntimeError(RuntimeErrorCode.InvalidSpec, `container ${container.name}: workingDir ${JSON.stringify(cwd)} must be an absolute path`);
  }
  const readOnlyRoot = sc.readOnlyRootFilesystem === true;
  // Kubernetes allows privilege escalation unless told otherwise; Ferry runs third-party images,
  // so no_new_privileges is on unless allowPrivilegeEscalation is explicitly true (or privileged).
  const noNewPrivileges = !privileged && sc.allowPrivilegeEscalation !== true;

  const spec: OciSpec = {
    ociVersion: OCI_RUNTIME_SPEC_VERSION,
    process: {
      terminal: false,
      user: user.additionalGids.length > 0 ? { uid: user.uid, gid: user.gid, additionalGids: user.additionalGids } : { uid: user.uid, gid: user.gid },
      args: containerArgs(image, container, env),
      env: processEnv(image, pod.hostname, env),
      cwd,
      capabilities: capabilities(privileged, sc.capabilities),
      rlimits: [{ type: 'RLIMIT_NOFILE', hard: NOFILE_LIMIT, soft: NOFILE_LIMIT }],
      noNewPrivileges,
      ...(pod.oomScoreAdj === undefined ? {} : { oomScoreAdj: pod.oomScoreAdj }),
    },
    root: { path: input.rootfsPath ?? 'rootfs', readonly: readOnlyRoot },
    hostname: pod.hostname,
    mounts: mounts(pod, readOnlyRoot, privileged),
    annotations: annotations(image, container),
    linux: {
      namespaces: namespaces(pod),
      resources: {
        devices: [privileged ? { allow: true, access: 'rwm' } : { allow: false, access: 'rwm' }],
        ...linuxResources(container.resources),
      },
      ...(pod.cgroupsPath === undefined ? {} : { cgroupsPath: pod.cgroupsPath }),
      maskedPaths: privileged ? [] : [...MASKED_PATHS],
      readonlyPaths: privileged ? [] : [...READONLY_PATHS],
    },
  };
  return spec;
}

function namespaces(pod: PodRuntimeSettings): OciNamespace[] {
  const ns = (type: OciNamespace['type'], path: string | undefined): OciNamespace => (path === undefined ? { type } : { type, path });
  const out: OciNamespace[] = [ns('pid', undefined), ns('ipc', pod.ipcPath), ns('uts', pod.utsPath), ns('mount', undefined)];
  // Host network: no network namespace entry at all, so runc stays in the host's.
  if (pod.hostNetwork !== true) out.push(ns('network', pod.netnsPath));
  return out;
}

function mounts(pod: PodRuntimeSettings, readOnlyRoot: boolean, privileged: boolean): OciMount[] {
  const extra: OciMount[] = [];
  // containerd's CRI plugin mounts these read-only when the root filesystem is read-only.
  if (pod.hostsFile !== undefined) extra.push(bindMount('/etc/hosts', absolute(pod.hostsFile, 'hostsFile'), readOnlyRoot));
  if (pod.resolvConfFile !== undefined) extra.push(bindMount('/etc/resolv.conf', absolute(pod.resolvConfFile, 'resolvConfFile'), readOnlyRoot));
  if (pod.hostnameFile !== undefined) extra.push(bindMount('/etc/hostname', absolute(pod.hostnameFile, 'hostnameFile'), readOnlyRoot));
  for (const v of pod.volumes ?? []) {
    const dest = absolute(v.containerPath, 'volume mountPath');
    extra.push(bindMount(dest, absolute(v.hostPath, 'volume hostPath'), v.readOnly === true));
  }
  // A pod's own mount at a default destination (e.g. a memory emptyDir at /dev/shm) replaces the default.
  const taken = new Set(extra.map((m) => m.destination));
  return [...defaultMounts({ privileged }).filter((m) => !taken.has(m.destination)), ...extra];
}

function absolute(p: string, what: string): string {
  if (!p.startsWith('/')) throw new RuntimeError(RuntimeErrorCode.InvalidSpec, `${what} ${JSON.stringify(p)} must be an absolute path`);
  const normal = `/${p.split('/').filter((c) => c !== '' && c !== '.').join('/')}`;
  if (normal.split('/').includes('..')) throw new RuntimeError(RuntimeErrorCode.InvalidSpec, `${what} ${JSON.stringify(p)} must not contain ".."`);
  return normal;
}

/** securityContext.capabilities add/drop over the default set, with Kubernetes' names ("NET_ADMIN", "ALL"). */
function capabilities(privileged: boolean, adjust: { add?: string[] | undefined; drop?: string[] | undefined } | undefined): OciCapabilities {
  let caps = privileged ? [...ALL_CAPABILITIES] : [...DEFAULT_CAPABILITIES];
  if (!privileged && adjust !== undefined) {
    const norm = (c: string) => {
      const up = c.toUpperCase();
      return up === 'ALL' || up.startsWith('CAP_') ? up : `CAP_${up}`;
    };
    const drop = (adjust.drop ?? []).map(norm);
    const add = (adjust.add ?? []).map(norm);
    if (drop.includes('ALL')) caps = [];
    if (add.includes('ALL')) caps = [...ALL_CAPABILITIES];
    for (const c of add) if (c !== 'ALL' && !caps.includes(c)) caps.push(c);
    caps = caps.filter((c) => !drop.includes(c) || add.includes(c));
  }
  // Inheritable stays empty (CVE-2022-24769); ambient too, so a non-root user gets no effective caps.
  return { bounding: [...caps], effective: [...caps], inheritable: [], permitted: [...caps], ambient: [] };
}

function annotations(image: ImageRuntimeConfig, container: ContainerSpec): Record<string, string> {
  const out: Record<string, string> = { [CONTAINER_NAME_ANNOTATION]: container.name };
  const ports = Object.keys(image.ExposedPorts ?? {}).sort();
  if (ports.length > 0) out[EXPOSED_PORTS_ANNOTATION] = ports.join(',');
  return out;
}
