// Admission check of ECI's per-pod registry annotations, `k8s.aliyun.com/plain-http-registry` and
// `k8s.aliyun.com/insecure-registry` (../shared/seeds/003_62dc9a9d57294cba.txt, "Configurations"):
// on a pod, a workload's pod template and an ImageCache, each a comma-separated list of registry
// addresses; an address whose registry has a port must carry it (`192.168.XX.XX:5000`), so an
// item is exactly what stands before an image's first `/`, never a URL or a repository path.
// Issue 5 section 1 adds wildcard hosts (`*.example.com`), as containerd's hosts matching allows.
import type { FieldError } from '../kind.ts';
import { invalid, keyPath } from './field-errors.ts';
import { isIPv4, isIPv6 } from './ip.ts';
import { FIELD_IMMUTABLE_ERROR_MSG } from './object-meta.ts';

export const PLAIN_HTTP_REGISTRY_ANNOTATION = 'k8s.aliyun.com/plain-http-registry';
export const INSECURE_REGISTRY_ANNOTATION = 'k8s.aliyun.com/insecure-registry';
export const REGISTRY_ANNOTATIONS = [PLAIN_HTTP_REGISTRY_ANNOTATION, INSECURE_REGISTRY_ANNOTATION] as const;

const FORMS = 'name a registry as host, host:port, *.domain or *.domain:port';
const HOST_RULE =
  'the host must be a DNS name (dot-separated labels of 1-63 letters, digits and "-", not starting or ending with "-"), ' +
  '"*." and a DNS name, an IPv4 address or an IPv6 address in brackets';
const DNS_LABEL = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;
const DIGITS = /^[0-9]+$/;

/**
 * The errors of both annotations, if `annotations` has them: `path` is where the annotations sit
 * (`metadata.annotations`, `spec.template.metadata.annotations`). One Invalid value per bad item.
 */
export function validateRegistryAnnotations(annotations: unknown, path: string): FieldError[] {
  if (typeof annotations !== 'object' || annotations === null) return [];
  const errs: FieldError[] = [];
  for (const key of REGISTRY_ANNOTATIONS) {
    const value = (annotations as Record<string, unknown>)[key];
    if (typeof value !== 'string') continue;
    const field = keyPath(path, key);
    for (const problem of registryListProblems(value)) errs.push(invalid(field, value, problem));
  }
  return errs;
}

/**
 * On a Pod's update: the two annotations must stay as they were. The seed (003, "Important") says
 * ECI reads a pod's annotations only when the pod is created, so a later change would be accepted
 * and silently never applied; refusing it says so. Other annotations of a pod stay mutable, and a
 * workload's pod template may change them freely (they apply to the pods created after).
 */
export function validateRegistryAnnotationsUnchanged(annotations: unknown, oldAnnotations: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const key of REGISTRY_ANNOTATIONS) {
    const next = stringAt(annotations, key);
    const old = stringAt(oldAnnotations, key);
    if (next === old) continue;
    errs.push(invalid(keyPath(path, key), next ?? null, `${FIELD_IMMUTABLE_ERROR_MSG}: the registry annotations are read only when the pod is created`));
  }
  return errs;
}

function stringAt(annotations: unknown, key: string): string | undefined {
  if (typeof annotations !== 'object' || annotations === null) return undefined;
  const value = (annotations as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : undefined;
}

/** What is wrong with a list value, one message per bad item (items numbered from 1). */
export function registryListProblems(value: string): string[] {
  const problems: string[] = [];
  value.split(',').forEach((raw, i) => {
    const item = raw.trim();
    if (item === '') {
      problems.push(`item ${i + 1} is empty: separate registries with single commas`);
      return;
    }
    const problem = registryProblem(item);
    if (problem !== undefined) problems.push(`item ${JSON.stringify(item)}: ${problem}`);
  });
  return problems;
}

/** What is wrong with one item, or undefined. */
export function registryProblem(item: string): string | undefined {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(item);
  if (scheme !== null) return `must not have a scheme (${JSON.stringify(`${scheme[1] ?? ''}://`)}): ${FORMS}`;
  if (item.includes('/')) return `must not have a path: ${FORMS}`;
  if (/\s/.test(item)) return `must not contain spaces: ${FORMS}`;
  let host = item;
  let port: string | undefined;
  if (item.startsWith('[')) {
    const close = item.indexOf(']');
    if (close < 0) return `an IPv6 address needs its closing "]": ${FORMS}`;
    host = item.slice(1, close);
    const rest = item.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) return `only ":port" may follow "]": ${FORMS}`;
    if (rest !== '') port = rest.slice(1);
    // No zone (`%eth0`): a registry address names no interface, and the node's host list refuses it.
    if (!/^[0-9a-fA-F:.]+$/.test(host) || !isIPv6(host)) return `${JSON.stringify(host)} is not an IPv6 address`;
  } else {
    const colons = item.split(':').length - 1;
    if (colons > 1) return isIPv6(item) ? `an IPv6 address must be in brackets ("[${item}]"), as in an image name` : HOST_RULE;
    if (colons === 1) {
      host = item.slice(0, item.indexOf(':'));
      port = item.slice(item.indexOf(':') + 1);
    }
    const problem = hostProblem(host);
    if (problem !== undefined) return problem;
  }
  if (port !== undefined && !(DIGITS.test(port) && Number(port) >= 1 && Number(port) <= 65535)) {
    return `the port must be a number from 1 to 65535`;
  }
  return undefined;
}

function hostProblem(host: string): string | undefined {
  const name = host.startsWith('*.') ? host.slice(2) : host;
  if (name.includes('*')) return `a wildcard may only be a whole first label ("*.example.com"): ${HOST_RULE}`;
  const labels = name.split('.');
  // All-numeric labels read as an address, so they must make a real one (no 192.168.1.300).
  if (labels.every((label) => DIGITS.test(label))) {
    if (host !== name || !isIPv4(name)) return `${JSON.stringify(host)} is not an IPv4 address: ${HOST_RULE}`;
    return undefined;
  }
  if (name.length > 253 || !labels.every((label) => DNS_LABEL.test(label))) return HOST_RULE;
  return undefined;
}
