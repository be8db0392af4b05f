// The node's container runtime: OCI specs from image config + container spec, rootfs from
// snapshots, runc with one monitor process per container, CRI-format logs.
export { RuntimeError, RuntimeErrorCode, isRuntimeError } from './errors.ts';
export { detectRunc, findRunc, RUNC_FALLBACK_PATHS, RUNC_INSTALL_HINT } from './detect-runc.ts';
export type { DetectRuncOptions, RuncStatus } from './detect-runc.ts';
export { buildOciSpec, CONTAINER_NAME_ANNOTATION, EXPOSED_PORTS_ANNOTATION } from './oci-spec.ts';
export type { BuildSpecInput } from './oci-spec.ts';
export type * from './oci-spec-types.ts';
export { OCI_RUNTIME_SPEC_VERSION } from './oci-spec-types.ts';
export type * from './spec-inputs.ts';
export { containerArgs, DEFAULT_PATH_ENV, expandKubeVars, kubeEnv, mergeEnv, processEnv } from './command-env.ts';
export { linuxResources, milliCpuToQuota, milliCpuToShares } from './resources.ts';
export { parseGroup, parsePasswd, resolveUser, userDbFrom } from './user-spec.ts';
export type { GroupEntry, PasswdEntry, ResolvedUser, UserDb } from './user-spec.ts';
export { rootfsUserDb } from './rootfs-users.ts';
export { readFileInRoot, resolveInRoot } from './safe-path.ts';
export { prepareRootfs, releaseRootfs, removeBundle } from './rootfs.ts';
export type { PrepareRootfsOptions, PreparedRootfs, RootfsMode } from './rootfs.ts';
export { mountsUnder, readMountInfo } from './mounts.ts';
export type { MountInfo } from './mounts.ts';
export { removeCgroup } from './cgroups.ts';
export { checkContainerId, Runc } from './runc.ts';
export type { RuncOptions, RuncState, RuncStatusName } from './runc.ts';
export { ContainerRuntime } from './container-runtime.ts';
export { execInContainer, MAX_EXEC_OUTPUT_BYTES } from './exec.ts';
export type { ExecRequest, ExecResult } from './exec.ts';
export type {
  ContainerInfo, ContainerRuntimeOptions, ContainerState, ContainerStatus, RunContainerRequest,
} from './container-runtime.ts';
export { CriLogEncoder, formatTimestamp, MAX_LOG_LINE_BYTES, parseCriLine, parseTimestamp } from './cri-log.ts';
export type { CriLogRecord, LogStream } from './cri-log.ts';
export { formatLogLine, readLogs } from './log-reader.ts';
export type { LogLine, ReadLogsOptions } from './log-reader.ts';
export { clampRlimits, maxNofileLimit } from './host-limits.ts';
