// What this host lets runc grant. runc sets rlimits while still holding the agent's capabilities;
// without CAP_SYS_RESOURCE (some sandboxes and rootless setups drop it) a limit above the agent's
// own hard limit fails the container start with EPERM, so the spec is clamped to what is possible.

import { readFileSync } from 'node:fs';
import type { OciSpec } from './oci-spec-types.ts';

const CAP_SYS_RESOURCE = 24n;

/** Highest RLIMIT_NOFILE a container can get here: the kernel's fs.nr_open, or our hard limit without CAP_SYS_RESOURCE. */
export function maxNofileLimit(): number {
  const nrOpen = Number(read('/proc/sys/fs/nr_open').trim()) || 1_048_576;
  const status = read('/proc/self/status');
  const capEff = /^CapEff:\s*([0-9a-f]+)$/m.exec(status)?.[1];
  const hasSysResource = capEff !== undefined && ((BigInt(`0x${capEff}`) >> CAP_SYS_RESOURCE) & 1n) === 1n;
  if (hasSysResource) return nrOpen;
  const hard = /^Max open files\s+\S+\s+(\S+)/m.exec(read('/proc/self/limits'))?.[1];
  return hard === undefined || hard === 'unlimited' ? nrOpen : Math.min(nrOpen, Number(hard));
}

/** The spec with RLIMIT_NOFILE lowered to maxNofileLimit() where it is above it. */
export function clampRlimits(spec: OciSpec, max = maxNofileLimit()): OciSpec {
  const rlimits = spec.process.rlimits.map((r) => (r.type === 'RLIMIT_NOFILE' ? { ...r, hard: Math.min(r.hard, max), soft: Math.min(r.soft, max) } : r));
  return { ...spec, process: { ...spec.process, rlimits } };
}

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
