// The registry settings of one pull from an object's annotations (a pod, or an ImageCache: issue 5
// sections 1 and 4): certs.d (read live by the engine) plus the plain-HTTP and insecure registries
// the object names, cut down to what the admin allows (`--allow-insecure-registries`).
import { hostListMatches, parseHostList } from '../../image/index.ts';
import type { RegistrySettings } from '../../image/index.ts';
import { INSECURE_REGISTRY_ANNOTATION, PLAIN_HTTP_REGISTRY_ANNOTATION } from '../../api/validation/registry-annotations.ts';

export const PLAIN_HTTP_ANNOTATION = PLAIN_HTTP_REGISTRY_ANNOTATION;
export const INSECURE_ANNOTATION = INSECURE_REGISTRY_ANNOTATION;

export interface RegistrySettingsOptions {
  certsDir: string | undefined;
  /** Registries that may be named insecure (host list syntax); undefined: any. */
  allowedInsecure: readonly string[] | undefined;
  /** An annotation named registries the policy refuses; `message` says so and what to do. */
  onRefused: (message: string) => void;
  /** An annotation that does not parse (admission normally refuses it first). */
  onError: (error: unknown) => void;
}

export function registrySettings(annotations: Record<string, string> | undefined, o: RegistrySettingsOptions): RegistrySettings & { plainHttp: string[]; insecure: string[] } {
  const a = annotations ?? {};
  const list = (key: string): string[] => {
    let hosts: string[];
    try {
      hosts = parseHostList(a[key], `${key} annotation`);
    } catch (err) {
      o.onError(err);
      return [];
    }
    const allowed = o.allowedInsecure;
    if (allowed === undefined) return hosts;
    const ok = (h: string) => allowed.includes(h) || (!h.startsWith('*.') && hostListMatches(allowed, h));
    const refused = hosts.filter((h) => !ok(h));
    if (refused.length > 0) {
      o.onRefused(`${key} names ${refused.join(', ')}, which this node's policy does not allow to be reached insecurely (allowed: ${allowed.join(', ') || 'none'}); ` +
        'pulls from there verify TLS as usual. Ask a cluster admin to allow the registry, or trust its CA (ferry registry trust)');
    }
    return hosts.filter(ok);
  };
  return { plainHttp: list(PLAIN_HTTP_ANNOTATION), insecure: list(INSECURE_ANNOTATION), ...(o.certsDir === undefined ? {} : { certsDir: o.certsDir }) };
}
