// The downward API for env vars: fieldRef (pod metadata, spec and status fields) and
// resourceFieldRef (a container's limits and requests, limits defaulting to the node's
// allocatable), valued as the kubelet values them. Pure.
// https://github.com/kubernetes/kubernetes/blob/v1.32.4/pkg/kubelet/kubelet_pods.go (podFieldSelectorRuntimeValue)
// https://github.com/kubernetes/kubernetes/blob/v1.32.4/pkg/fieldpath/fieldpath.go (ExtractFieldPathAsString)
// https://github.com/kubernetes/kubernetes/blob/v1.32.4/pkg/api/v1/resource/helpers.go (ExtractContainerResourceValue)
import { parseQuantity } from '../../api/validation/quantity.ts';
import { AgentError, AgentErrorCode } from './errors.ts';
import type { EnvVarSource, Pod, PodContainer } from './pod-types.ts';

export interface PodAddresses {
  podIP: string;
  hostIP: string;
}

/** The node's allocatable: limits.* of a container without limits (defaultPodLimitsForDownwardAPI). */
export interface NodeAllocatable {
  cpu: string;
  memory: string;
  'ephemeral-storage'?: string;
}

const NANO = 1_000_000_000n;

function configError(message: string): AgentError {
  return new AgentError(AgentErrorCode.CreateContainerConfig, message);
}

/** fieldpath.FormatMap: sorted `key="value"` lines, values quoted as Go's %q does for plain text. */
function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {}).sort().map((k) => `${k}=${JSON.stringify((m ?? {})[k])}`).join('\n');
}

/** `metadata.labels['key']` -> ['labels', 'key']. */
function subscript(path: string): [string, string] | undefined {
  const m = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(path);
  return m === null ? undefined : [m[1] as string, m[2] as string];
}

export function fieldRefValue(ref: NonNullable<EnvVarSource['fieldRef']>, pod: Pod, addresses: PodAddresses): string {
  const path = ref.fieldPath;
  if (ref.apiVersion !== undefined && ref.apiVersion !== 'v1') throw configError(`unsupported pod version: ${ref.apiVersion}`);
  const meta = pod.metadata;
  const sub = subscript(path);
  if (sub !== undefined) {
    const map = sub[0] === 'labels' ? meta.labels : meta.annotations;
    return map?.[sub[1]] ?? '';
  }
  switch (path) {
    case 'spec.nodeName': return pod.spec.nodeName ?? '';
    case 'spec.serviceAccountName': return pod.spec.serviceAccountName ?? '';
    case 'status.hostIP': return addresses.hostIP;
    case 'status.hostIPs': return addresses.hostIP;
    case 'status.podIP': return addresses.podIP;
    case 'status.podIPs': return addresses.podIP;
    case 'metadata.name': return meta.name ?? '';
    case 'metadata.namespace': return meta.namespace ?? '';
    case 'metadata.uid': return meta.uid ?? '';
    case 'metadata.labels': return formatMap(meta.labels);
    case 'metadata.annotations': return formatMap(meta.annotations);
    default: throw configError(`unsupported fieldPath: ${path}`);
  }
}

function quantity(value: string | number | undefined, what: string): bigint | undefined {
  if (value === undefined) return undefined;
  const q = parseQuantity(value);
  if (q === undefined) throw configError(`${what}: ${JSON.stringify(value)} is not a quantity`);
  return q;
}

/** ceil(a / b) for positive bigints. */
function ceilDiv(a: bigint, b: bigint): bigint {
  return a <= 0n ? a / b : (a + b - 1n) / b;
}

export function resourceFieldRefValue(ref: NonNullable<EnvVarSource['resourceFieldRef']>, pod: Pod, own: PodContainer, node: NodeAllocatable): string {
  const container = ref.containerName === undefined || ref.containerName === ''
    ? own
    : [...pod.spec.containers, ...(pod.spec.initContainers ?? [])].find((c) => c.name === ref.containerName);
  if (container === undefined) throw configError(`container ${ref.containerName ?? ''} not found`);
  const m = /^(limits|requests)\.(cpu|memory|ephemeral-storage)$/.exec(ref.resource);
  if (m === null) throw configError(`unsupported container resource : ${ref.resource}`);
  const [, kind, name] = m as unknown as [string, 'limits' | 'requests', 'cpu' | 'memory' | 'ephemeral-storage'];
  const res = container.resources ?? {};
  const limit = quantity(res.limits?.[name], `limits.${name}`) ?? quantity(node[name], `allocatable ${name}`) ?? 0n;
  // A request left out defaults to the limit (SetDefaults_Pod), else it is zero.
  const value = kind === 'limits' ? limit : (quantity(res.requests?.[name], `requests.${name}`) ?? quantity(res.limits?.[name], `limits.${name}`) ?? 0n);
  let divisor = quantity(ref.divisor, 'divisor') ?? 0n;
  if (divisor === 0n) divisor = NANO;
  if (name === 'cpu') {
    // convertResourceCPUToString: ceil(milli value / divisor's milli value).
    const milli = (q: bigint) => ceilDiv(q, 1_000_000n);
    return String(ceilDiv(milli(value), milli(divisor) === 0n ? 1n : milli(divisor)));
  }
  const whole = (q: bigint) => ceilDiv(q, NANO);
  return String(ceilDiv(whole(value), whole(divisor) === 0n ? 1n : whole(divisor)));
}
