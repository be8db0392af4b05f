// HTTPS_PROXY / HTTP_PROXY / NO_PROXY as curl and Go's http.ProxyFromEnvironment read them.
import { splitPort } from './host-list.ts';

export interface ProxyEnv {
  HTTPS_PROXY?: string | undefined;
  https_proxy?: string | undefined;
  HTTP_PROXY?: string | undefined;
  http_proxy?: string | undefined;
  NO_PROXY?: string | undefined;
  no_proxy?: string | undefined;
}

/** The proxy URL to use for a request to `scheme://host`, or undefined for a direct connection. */
export function proxyFor(scheme: 'http' | 'https', host: string, env: ProxyEnv = process.env): URL | undefined {
  const raw = scheme === 'https' ? (env.HTTPS_PROXY ?? env.https_proxy) : (env.HTTP_PROXY ?? env.http_proxy);
  if (raw === undefined || raw === '') return undefined;
  if (bypassed(host, scheme, env.NO_PROXY ?? env.no_proxy ?? '')) return undefined;
  try {
    return new URL(/^[a-z]+:\/\//i.test(raw) ? raw : `http://${raw}`);
  } catch {
    return undefined;
  }
}

function bypassed(host: string, scheme: 'http' | 'https', noProxy: string): boolean {
  const [name, port = scheme === 'https' ? '443' : '80'] = splitPort(host.toLowerCase());
  const bare = name.replace(/^\[|\]$/g, '');
  for (const raw of noProxy.split(',')) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    const [entryName, entryPort] = splitPort(entry);
    if (entryPort !== undefined && entryPort !== port) continue;
    const pattern = entryName.replace(/^\[|\]$/g, '').replace(/^\*?\./, '');
    if (bare === pattern || bare.endsWith(`.${pattern}`)) return true;
  }
  return false;
}
