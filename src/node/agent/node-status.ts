// The Node object the agent registers and refreshes: capacity from this machine, addresses,
// nodeInfo, and conditions (Ready False with the runc install hint when runc is missing), as the
// kubelet's setters do.
// https://github.com/kubernetes/kubernetes/blob/v1.32.4/pkg/kubelet/nodestatus/setters.go
import { readFile, statfs } from 'node:fs/promises';
import { arch, availableParallelism, hostname, platform, release, totalmem } from 'node:os';
import type { KubeObject } from '../../api/object.ts';
import type { RuncStatus } from '../runtime/index.ts';
import { timestamp } from './pod-types.ts';

export const KUBELET_VERSION = 'v1.32.4-ferry';
export const MAX_PODS = 110;

export interface NodeFacts {
  nodeName: string;
  dataDir: string;
  runc: RuncStatus;
  now: Date;
  /** Conditions as last written, to keep lastTransitionTime when a status does not change. */
  previous?: { type: string; status: string; lastTransitionTime?: string }[] | undefined;
}

/** Go's runtime.GOARCH names. */
function goArch(): string {
  const a = arch();
  return a === 'x64' ? 'amd64' : a === 'ia32' ? '386' : a;
}

async function osImage(): Promise<string> {
  try {
    const text = await readFile('/etc/os-release', 'utf8');
    const m = /^PRETTY_NAME=(.*)$/m.exec(text);
    return m === null ? 'Linux' : (m[1] as string).replace(/^["']|["']$/g, '');
  } catch {
    return 'Linux';
  }
}

async function storageBytes(dir: string): Promise<number> {
  try {
    const s = await statfs(dir);
    return s.blocks * s.bsize;
  } catch {
    return 0;
  }
}

/** core/v1 Taint. */
export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** The kubelet's own labels, then the node's extra ones (--node-labels), which may not replace them. */
export function nodeLabels(nodeName: string, extra: Record<string, string> = {}): Record<string, string> {
  const own = { 'kubernetes.io/hostname': nodeName, 'kubernetes.io/os': platform(), 'kubernetes.io/arch': goArch(), 'beta.kubernetes.io/os': platform(), 'beta.kubernetes.io/arch': goArch() };
  return { ...extra, ...own };
}

/**
 * The node's taints after (re-)registration: those it already has, with this node's own taints
 * added or replaced (same key and effect), so taints others set (the node controller's
 * not-ready, an admin's) are kept.
 */
export function mergeTaints(existing: Taint[], own: Taint[]): Taint[] {
  const same = (a: Taint, b: Taint) => a.key === b.key && a.effect === b.effect;
  return [...existing.filter((t) => !own.some((o) => same(o, t))), ...own];
}

export async function nodeStatus(facts: NodeFacts): Promise<Record<string, unknown>> {
  const now = timestamp(facts.now);
  const resources = {
    cpu: String(availableParallelism()),
    memory: `${Math.floor(totalmem() / 1024)}Ki`,
    pods: String(MAX_PODS),
    'ephemeral-storage': String(await storageBytes(facts.dataDir)),
  };
  const ready = facts.runc.available
    ? { status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }
    : { status: 'False', reason: 'ContainerRuntimeNotReady', message: `container runtime is down: ${facts.runc.message}` };
  const condition = (type: string, status: string, reason: string, message: string) => {
    const prev = facts.previous?.find((c) => c.type === type);
    const since = prev !== undefined && prev.status === status && prev.lastTransitionTime !== undefined ? prev.lastTransitionTime : now;
    return { type, status, lastHeartbeatTime: now, lastTransitionTime: since, reason, message };
  };
  return {
    capacity: resources,
    allocatable: resources,
    conditions: [
      condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
      condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
      condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
      condition('Ready', ready.status, ready.reason, ready.message),
    ],
    addresses: [
      { type: 'InternalIP', address: '127.0.0.1' },
      { type: 'Hostname', address: hostname().toLowerCase() },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: 0 } },
    nodeInfo: {
      machineID: '',
      systemUUID: '',
      bootID: '',
      kernelVersion: release(),
      osImage: await osImage(),
      containerRuntimeVersion: facts.runc.available ? `runc://${facts.runc.version}` : 'runc://unknown',
      kubeletVersion: KUBELET_VERSION,
      kubeProxyVersion: '',
      operatingSystem: platform(),
      architecture: goArch(),
    },
  };
}

export function nodeObject(nodeName: string, status: Record<string, unknown>, options: { labels?: Record<string, string>; taints?: Taint[] } = {}): KubeObject {
  const taints = options.taints ?? [];
  return {
    apiVersion: 'v1', kind: 'Node', metadata: { name: nodeName, labels: nodeLabels(nodeName, options.labels) }, spec: taints.length === 0 ? {} : { taints }, status,
  };
}
