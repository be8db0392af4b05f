// Host lists in the syntax of the per-pod registry annotations
// (k8s.aliyun.com/plain-http-registry, k8s.aliyun.com/insecure-registry; seeds 003): a comma list of
// `host`, `host:port` or `*.domain` entries. A registry served on a port must be named with that
// port: `reg.example.com` does not cover `reg.example.com:5000`.
import { ErrorCode, ImageError } from '../errors.ts';

const ENTRY = /^(\*\.)?([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?$/;

export function parseHostList(text: string | readonly string[] | undefined, what = 'registry list'): string[] {
  if (text === undefined) return [];
  const items = typeof text === 'string' ? text.split(',') : text.flatMap((t) => t.split(','));
  const out: string[] = [];
  for (const raw of items) {
    const item = raw.trim();
    if (item === '') continue;
    if (!ENTRY.test(item)) {
      throw new ImageError(
        ErrorCode.InvalidArgument,
        `invalid ${what} entry "${item}": expected host, host:port or *.domain, without scheme or path`,
      );
    }
    out.push(item.toLowerCase());
  }
  return out;
}

/** Whether `host` (a registry host as in a reference: `name[:port]`) is covered by `list`. */
export function hostListMatches(list: readonly string[], host: string): boolean {
  const h = host.toLowerCase();
  for (const entry of list) {
    if (entry === h) return true;
    if (entry.startsWith('*.')) {
      const [pattern, patternPort] = splitPort(entry.slice(1));
      const [name, port] = splitPort(h);
      if (patternPort === port && name.endsWith(pattern) && name.length > pattern.length) return true;
    }
  }
  return false;
}

export function splitPort(host: string): [string, string | undefined] {
  // A bare IPv6 address (`::1` in NO_PROXY) has no port: its last group is not one.
  if (!host.startsWith('[') && host.indexOf(':') !== host.lastIndexOf(':')) return [host, undefined];
  const m = /^(.*?)(?::(\d+))?$/.exec(host);
  if (!m || host.endsWith(']')) return [host, undefined];
  return [m[1] ?? host, m[2]];
}
