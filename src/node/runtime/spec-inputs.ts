// What the OCI spec is built from: the image config's `config` section and the parts of a
// Kubernetes container and pod the runtime needs. Shapes follow the OCI image spec
// (https://github.com/opencontainers/image-spec/blob/v1.1.0/config.md#properties) and core/v1.

/** The `config` object of an OCI / Docker image config. */
export interface ImageRuntimeConfig {
  User?: string | undefined;
  ExposedPorts?: Record<string, unknown> | null | undefined;
  Env?: string[] | null | undefined;
  Entrypoint?: string[] | null | undefined;
  Cmd?: string[] | null | undefined;
  WorkingDir?: string | undefined;
  Labels?: Record<string, string> | null | undefined;
  StopSignal?: string | undefined;
}

/** An env var whose value is already resolved (valueFrom / envFrom are the node agent's job). */
export interface ResolvedEnvVar {
  name: string;
  value?: string | undefined;
}

export type QuantityValue = string | number;

export interface ContainerResources {
  limits?: Record<string, QuantityValue> | undefined;
  requests?: Record<string, QuantityValue> | undefined;
}

export interface ContainerSecurityContext {
  runAsUser?: number | undefined;
  runAsGroup?: number | undefined;
  runAsNonRoot?: boolean | undefined;
  readOnlyRootFilesystem?: boolean | undefined;
  privileged?: boolean | undefined;
  allowPrivilegeEscalation?: boolean | undefined;
  capabilities?: { add?: string[] | undefined; drop?: string[] | undefined } | undefined;
}

export interface PodSecurityContext {
  runAsUser?: number | undefined;
  runAsGroup?: number | undefined;
  runAsNonRoot?: boolean | undefined;
  supplementalGroups?: number[] | undefined;
  fsGroup?: number | undefined;
}

/** core/v1 Container, the fields the runtime reads. */
export interface ContainerSpec {
  name: string;
  command?: string[] | undefined;
  args?: string[] | undefined;
  workingDir?: string | undefined;
  /** In spec order, after envFrom, values resolved. */
  env?: ResolvedEnvVar[] | undefined;
  resources?: ContainerResources | undefined;
  securityContext?: ContainerSecurityContext | undefined;
}

/** A volume ready on the host (hostPath, emptyDir, configMap/secret projections written by the agent). */
export interface VolumeBind {
  /** Absolute path inside the container. */
  containerPath: string;
  /** Absolute path on the host. */
  hostPath: string;
  readOnly?: boolean | undefined;
}

/** Pod-level settings shared by the pod's containers. */
export interface PodRuntimeSettings {
  /** Pod name, the container's hostname. */
  hostname: string;
  /** Join this network namespace (the pod's); absent: a new one with only loopback. */
  netnsPath?: string | undefined;
  /** Use the host's network namespace (hostNetwork: true); wins over netnsPath. */
  hostNetwork?: boolean | undefined;
  ipcPath?: string | undefined;
  utsPath?: string | undefined;
  /** Host files bind-mounted at /etc/hosts, /etc/resolv.conf, /etc/hostname. */
  hostsFile?: string | undefined;
  resolvConfFile?: string | undefined;
  hostnameFile?: string | undefined;
  volumes?: VolumeBind[] | undefined;
  securityContext?: PodSecurityContext | undefined;
  /** cgroupfs path for runc, e.g. /ferry/pod<uid>/<container id>. */
  cgroupsPath?: string | undefined;
  /** Kubernetes service env vars (FOO_SERVICE_HOST ...): usable in $(VAR) and added unless overridden. */
  serviceEnv?: Record<string, string> | undefined;
  oomScoreAdj?: number | undefined;
}
