// Bearer-token authentication. kubectl sends its token only over TLS (research note 0.1), so the
// server is HTTPS-only. Tokens are compared by their SHA-256 in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

// Paths kube-apiserver serves to anyone (system:public-info-viewer): the version and health probes.
const PUBLIC_PATHS = new Set(['/version', '/healthz', '/livez', '/readyz']);

export interface Authenticator {
  /** The user name, or undefined when the request carries no valid credential. */
  authenticate(req: IncomingMessage): string | undefined;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

export function tokenAuthenticator(tokens: Map<string, string>): Authenticator {
  const entries = [...tokens].map(([token, user]) => ({ hash: digest(token), user }));
  // A keep-alive connection sends the same header on every request: check it once per connection.
  const verified = new WeakMap<object, { header: string; user: string }>();
  return {
    authenticate(req) {
      const header = req.headers.authorization;
      if (header === undefined) return undefined;
      const known = verified.get(req.socket);
      if (known !== undefined && known.header === header) return known.user;
      const user = check(header);
      if (user !== undefined) verified.set(req.socket, { header, user });
      return user;
    },
  };
  function check(header: string): string | undefined {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (m === null) return undefined;
    const hash = digest(m[1] as string);
    let user: string | undefined;
    for (const entry of entries) if (timingSafeEqual(entry.hash, hash)) user = entry.user;
    return user;
  }
}

export function isPublicPath(pathname: string): boolean {
  return PUBLIC_PATHS.has(pathname) || /^\/(healthz|livez|readyz)\/[a-z-]+$/.test(pathname);
}
