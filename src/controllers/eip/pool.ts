// The admin's EIP pool (issue 5 section 5): the ConfigMap kube-system/ferry-eip-pool, key
// `addresses`, a comma or newline list of IPv4 addresses, ranges (`a.b.c.d-a.b.c.e`) and CIDR
// blocks. An address is allocated to one pod at a time; the pods' yangtse.io/allocated-ipv4-eip
// annotations are the record of which are taken, so nothing else needs to be stored.

export const EIP_POOL_NAMESPACE = 'kube-system';
export const EIP_POOL_CONFIGMAP = 'ferry-eip-pool';
export { ALLOCATED_EIP_ANNOTATION } from '../../api/validation/eip-annotations.ts';
/** A pool larger than this is refused: a typo such as /8 must not make a 16-million-entry list. */
export const MAX_POOL_SIZE = 65_536;

function toInt(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^(0|[1-9][0-9]{0,2})$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

function toIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

export interface ParsedPool {
  addresses: string[];
  errors: string[];
}

export function parsePool(text: string | undefined): ParsedPool {
  const out = new Set<string>();
  const errors: string[] = [];
  for (const raw of (text ?? '').split(/[\s,]+/)) {
    const item = raw.trim();
    if (item === '') continue;
    let first: number | undefined;
    let last: number | undefined;
    const cidr = /^([0-9.]+)\/(\d{1,2})$/.exec(item);
    const range = /^([0-9.]+)-([0-9.]+)$/.exec(item);
    if (cidr !== null) {
      const base = toInt(cidr[1] as string);
      const bits = Number(cidr[2]);
      if (base !== undefined && bits <= 32) {
        const size = 2 ** (32 - bits);
        first = base - (base % size);
        last = first + size - 1;
      }
    } else if (range !== null) {
      first = toInt(range[1] as string);
      last = toInt(range[2] as string);
    } else {
      first = last = toInt(item);
    }
    if (first === undefined || last === undefined || last < first) {
      errors.push(`${JSON.stringify(item)} is not an IPv4 address, range (a.b.c.d-a.b.c.e) or CIDR block`);
      continue;
    }
    if (out.size + (last - first + 1) > MAX_POOL_SIZE) {
      errors.push(`${JSON.stringify(item)} makes the pool larger than ${MAX_POOL_SIZE} addresses`);
      continue;
    }
    for (let n = first; n <= last; n++) out.add(toIp(n));
  }
  return { addresses: [...out], errors };
}

/** The first address of the pool not in `taken`, or undefined when all are. */
export function pickAddress(pool: readonly string[], taken: ReadonlySet<string>): string | undefined {
  return pool.find((a) => !taken.has(a));
}
