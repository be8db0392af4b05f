// The roots a registry certificate may chain to: Node's bundled Mozilla roots, the system store
// (where distributions and admins put private CAs) and NODE_EXTRA_CA_CERTS, plus any CA the
// registry's certs.d entry names. Passing `ca` to Node replaces its defaults, so all are listed.
import { getCACertificates } from 'node:tls';

let baseRoots: string[] | undefined;

export function trustedRoots(extra: readonly string[]): string[] {
  baseRoots ??= [
    ...new Set([...getCACertificates('bundled'), ...getCACertificates('system'), ...getCACertificates('extra')]),
  ];
  return extra.length === 0 ? baseRoots : [...baseRoots, ...extra];
}
