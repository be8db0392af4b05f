// The roots a registry certificate may chain to: Node's bundled Mozilla roots, the system store
// (where distributions and admins put private CAs) and NODE_EXTRA_CA_CERTS, plus any CA the
// registry's certs.d entry names. Passing `ca` to Node replaces its defaults, so all are listed.
import { createRequire } from 'node:module';
import type * as TlsModule from 'node:tls';

// Required on first use: node:tls is only needed for HTTPS registries (see http.ts).
const load = createRequire(import.meta.url);

let baseRoots: string[] | undefined;

export function trustedRoots(extra: readonly string[]): string[] {
  const { getCACertificates } = load('node:tls') as typeof TlsModule;
  baseRoots ??= [
    ...new Set([...getCACertificates('bundled'), ...getCACertificates('system'), ...getCACertificates('extra')]),
  ];
  return extra.length === 0 ? baseRoots : [...baseRoots, ...extra];
}
