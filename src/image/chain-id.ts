// OCI layer chain IDs (https://github.com/opencontainers/image-spec/blob/main/config.md#layer-chainid):
// chainID(L1) = diffID(L1); chainID(L1..Ln) = sha256(chainID(L1..Ln-1) + " " + diffID(Ln)).
// They name unpacked snapshots, so the pull, the snapshot store and prune must agree on them.
import { createHash } from 'node:crypto';

export function chainIds(diffIds: readonly string[]): string[] {
  const out: string[] = [];
  for (const d of diffIds) {
    const prev = out.at(-1);
    out.push(prev === undefined ? d : `sha256:${createHash('sha256').update(`${prev} ${d}`).digest('hex')}`);
  }
  return out;
}
