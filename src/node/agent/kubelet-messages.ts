// Event reasons and messages worded as the kubelet words them, so `kubectl describe pod` reads the
// same as on any Kubernetes node.
// https://github.com/kubernetes/kubernetes/blob/v1.32.4/pkg/kubelet/images/image_manager.go
// https://github.com/kubernetes/kubernetes/blob/v1.32.4/pkg/kubelet/events/event.go
// https://github.com/kubernetes/kubernetes/blob/v1.32.4/pkg/kubelet/kuberuntime/kuberuntime_container.go

export const Reason = {
  Pulling: 'Pulling',
  Pulled: 'Pulled',
  Failed: 'Failed',
  BackOff: 'BackOff',
  ErrImageNeverPull: 'ErrImageNeverPull',
  Created: 'Created',
  Started: 'Started',
  Killing: 'Killing',
  FailedToRetrieveImagePullSecret: 'FailedToRetrieveImagePullSecret',
  InvalidEnvironmentVariableNames: 'InvalidEnvironmentVariableNames',
  Unhealthy: 'Unhealthy',
  ProbeWarning: 'ProbeWarning',
  FailedCreatePodSandBox: 'FailedCreatePodSandBox',
  /** Ferry's own: the pod's EIP is routed to it (issue 5 section 5). */
  EIPAttached: 'EIPAttached',
  EIPNotAttached: 'EIPNotAttached',
  /** Ferry's own: a registry named insecure by the pod that the node's policy does not allow. */
  InsecureRegistryRefused: 'InsecureRegistryRefused',
  /** Ferry's own: which image-replacement rule changed the image (seed 002). */
  ImageReplaced: 'ImageReplaced',
} as const;

/** Container waiting reasons (kubelet images/types.go and kuberuntime). */
export const Waiting = {
  ContainerCreating: 'ContainerCreating',
  ErrImagePull: 'ErrImagePull',
  ImagePullBackOff: 'ImagePullBackOff',
  ErrImageNeverPull: 'ErrImageNeverPull',
  CrashLoopBackOff: 'CrashLoopBackOff',
  CreateContainerError: 'CreateContainerError',
  CreateContainerConfigError: 'CreateContainerConfigError',
  PodInitializing: 'PodInitializing',
} as const;

export const msg = {
  pulling: (image: string) => `Pulling image "${image}"`,
  pulled: (image: string, pullMs: number, totalMs: number, size: number) =>
    `Successfully pulled image "${image}" in ${goDuration(pullMs)} (${goDuration(totalMs)} including waiting). Image size: ${size} bytes.`,
  present: (image: string) => `Container image "${image}" already present on machine`,
  failedPull: (image: string, err: string) => `Failed to pull image "${image}": ${err}`,
  backOffPull: (image: string) => `Back-off pulling image "${image}"`,
  backOffPullWaiting: (image: string, err: string) => `Back-off pulling image "${image}": ErrImagePull: ${err}`,
  neverPull: (image: string) => `Container image "${image}" is not present with pull policy of Never`,
  error: (reason: string) => `Error: ${reason}`,
  created: (name: string) => `Created container ${name}`,
  started: (name: string) => `Started container ${name}`,
  killing: (name: string) => `Stopping container ${name}`,
  /** computePodActions' kill message for a failed liveness or startup probe. */
  probeKilling: (name: string, probe: 'liveness' | 'startup', restart: boolean) =>
    `Container ${name} failed ${probe} probe${restart ? ', will be restarted' : ''}`,
  crashLoop: (delayMs: number, container: string, pod: string, ns: string, uid: string) =>
    `back-off ${goDuration(delayMs)} restarting failed container=${container} pod=${pod}_${ns}(${uid})`,
  missingSecrets: (names: string[]) =>
    `Unable to retrieve some image pull secrets (${names.join(', ')}); attempting to pull the image may not succeed.`,
};

/** A duration as Go's time.Duration.String() prints it: 10s, 5m0s, 1.503s, 250ms. */
export function goDuration(ms: number): string {
  if (ms <= 0) return '0s';
  if (ms < 1000) return `${trim(ms.toFixed(3))}ms`;
  let s = ms / 1000;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const sec = `${trim(s.toFixed(3))}s`;
  if (h > 0) return `${h}h${m}m${sec}`;
  if (m > 0) return `${m}m${sec}`;
  return sec;
}

function trim(n: string): string {
  return n.includes('.') ? n.replace(/\.?0+$/, '') : n;
}
