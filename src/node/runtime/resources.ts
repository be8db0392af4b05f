// Container resources -> linux.resources, with the kubelet's arithmetic
// (pkg/kubelet/cm/helpers_linux.go MilliCPUToShares / MilliCPUToQuota and
// pkg/kubelet/kuberuntime/kuberuntime_container_linux.go calculateLinuxResources):
//   shares = milliCPU(request, else limit) * 1024 / 1000, clamped to [2, 262144];
//   quota  = milliCPU(limit) * period / 1000, at least 1000 µs, period 100000 µs;
//   memory.limit = limits.memory in bytes.
// https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#how-pods-with-resource-limits-are-run

import { parseQuantity } from '../../api/validation/quantity.ts';
import { RuntimeError, RuntimeErrorCode } from './errors.ts';
import type { OciResources } from './oci-spec-types.ts';
import type { ContainerResources, QuantityValue } from './spec-inputs.ts';

export const MIN_SHARES = 2;
export const MAX_SHARES = 262_144;
export const SHARES_PER_CPU = 1024;
export const QUOTA_PERIOD_US = 100_000;
export const MIN_QUOTA_US = 1000;

const NANO = 1_000_000_000n;
const NANO_PER_MILLI = 1_000_000n;

export function milliCpuToShares(milliCpu: number): number {
  if (milliCpu === 0) return MIN_SHARES;
  const shares = Math.floor((milliCpu * SHARES_PER_CPU) / 1000);
  return Math.min(MAX_SHARES, Math.max(MIN_SHARES, shares));
}

export function milliCpuToQuota(milliCpu: number, period = QUOTA_PERIOD_US): number {
  if (milliCpu === 0) return 0;
  return Math.max(MIN_QUOTA_US, Math.floor((milliCpu * period) / 1000));
}

/** linux.resources (without devices) for one container. */
export function linuxResources(resources: ContainerResources = {}): Omit<OciResources, 'devices'> {
  const cpuRequest = quantity(resources.requests?.cpu, 'requests.cpu', milli);
  const cpuLimit = quantity(resources.limits?.cpu, 'limits.cpu', milli);
  const memLimit = quantity(resources.limits?.memory, 'limits.memory', whole);
  const out: Omit<OciResources, 'devices'> = {};
  const cpu: NonNullable<OciResources['cpu']> = {
    shares: milliCpuToShares(cpuRequest === undefined && cpuLimit !== undefined ? cpuLimit : (cpuRequest ?? 0)),
  };
  if (cpuLimit !== undefined && cpuLimit > 0) {
    cpu.quota = milliCpuToQuota(cpuLimit);
    cpu.period = QUOTA_PERIOD_US;
  }
  out.cpu = cpu;
  if (memLimit !== undefined && memLimit > 0) out.memory = { limit: memLimit };
  return out;
}

/** Quantity.MilliValue(): rounded up. */
function milli(nano: bigint): number {
  return Number((nano + NANO_PER_MILLI - 1n) / NANO_PER_MILLI);
}

/** Quantity.Value(): rounded up. */
function whole(nano: bigint): number {
  return Number((nano + NANO - 1n) / NANO);
}

function quantity(value: QuantityValue | undefined, field: string, scale: (nano: bigint) => number): number | undefined {
  if (value === undefined) return undefined;
  const nano = parseQuantity(value);
  if (nano === undefined || nano < 0n) {
    throw new RuntimeError(RuntimeErrorCode.InvalidSpec, `resources.${field} ${JSON.stringify(value)} is not a valid non-negative quantity`);
  }
  return scale(nano);
}
