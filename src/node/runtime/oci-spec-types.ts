// The subset of the OCI runtime spec (config.json) that Ferry writes, runtime-spec v1.0.2:
// https://github.com/opencontainers/runtime-spec/blob/v1.0.2/config.md and config-linux.md.

export const OCI_RUNTIME_SPEC_VERSION = '1.0.2';

export interface OciSpec {
  ociVersion: string;
  process: OciProcess;
  root: { path: string; readonly?: boolean };
  hostname?: string;
  mounts: OciMount[];
  annotations?: Record<string, string>;
  linux: OciLinux;
}

export interface OciProcess {
  terminal: boolean;
  user: { uid: number; gid: number; additionalGids?: number[] };
  args: string[];
  env: string[];
  cwd: string;
  capabilities: OciCapabilities;
  rlimits: { type: string; hard: number; soft: number }[];
  noNewPrivileges: boolean;
  oomScoreAdj?: number;
}

export interface OciCapabilities {
  bounding: string[];
  effective: string[];
  inheritable: string[];
  permitted: string[];
  ambient: string[];
}

export interface OciMount {
  destination: string;
  type: string;
  source: string;
  options: string[];
}

export type OciNamespaceType = 'pid' | 'network' | 'mount' | 'ipc' | 'uts' | 'user' | 'cgroup';

export interface OciNamespace {
  type: OciNamespaceType;
  /** Join this namespace (e.g. the pod's /var/run/netns/x); absent: a new one. */
  path?: string;
}

export interface OciDeviceRule {
  allow: boolean;
  type?: 'a' | 'c' | 'b';
  major?: number;
  minor?: number;
  access?: string;
}

export interface OciResources {
  devices: OciDeviceRule[];
  memory?: { limit?: number };
  cpu?: { shares?: number; quota?: number; period?: number };
}

export interface OciLinux {
  namespaces: OciNamespace[];
  resources: OciResources;
  cgroupsPath?: string;
  maskedPaths: string[];
  readonlyPaths: string[];
}
