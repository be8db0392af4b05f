// Admission check of CCI's `coordinator.cci.io/image-replacement` annotation on a pod or a pod
// template: the rules of ../shared/seeds/002_ffbd970336bea3a6.txt ("Replacement Policy Key"),
// each broken rule one kubectl-shaped Invalid value on the annotation's key.
//
// The image part applies the rules (src/image/replacement.ts) and checks them again there, since
// it is a library of its own and a node may serve pods another apiserver admitted. The api part may
// not import it, so this file repeats only the checks, with the same messages word for word;
// test/image-replacement.test.ts cross-checks the two on every rule.
import type { FieldError } from '../kind.ts';
import { invalid, keyPath } from './field-errors.ts';

export const IMAGE_REPLACEMENT_ANNOTATION = 'coordinator.cci.io/image-replacement';

const FIELDS = ['repositoryPrefix', 'replaceWith'] as const;
const EXPECTED = 'a JSON list of {"repositoryPrefix": "...", "replaceWith": "..."} objects';

/**
 * The annotation's errors, if `annotations` has it: `path` is where the annotations sit
 * (`metadata.annotations`, `spec.template.metadata.annotations`).
 */
export function validateImageReplacementAnnotation(annotations: unknown, path: string): FieldError[] {
  if (typeof annotations !== 'object' || annotations === null) return [];
  const value = (annotations as Record<string, unknown>)[IMAGE_REPLACEMENT_ANNOTATION];
  if (typeof value !== 'string') return [];
  const field = keyPath(path, IMAGE_REPLACEMENT_ANNOTATION);
  return imageReplacementProblems(value).map((problem) => invalid(field, value, problem));
}

/**
 * What is wrong with the annotation's value, one message per broken rule: a JSON list; each rule
 * exactly `repositoryPrefix` and `replaceWith`, both strings; prefixes unique; neither ends with
 * `/`; replaceWith differs from repositoryPrefix; both are valid image name prefixes.
 */
export function imageReplacementProblems(json: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return [`must be valid JSON: ${EXPECTED}`];
  }
  if (!Array.isArray(value)) return [`must be ${EXPECTED}`];
  const problems: string[] = [];
  const seen = new Set<string>();
  value.forEach((item: unknown, i) => {
    const at = `rules[${i}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      problems.push(`${at}: must be an object with exactly "repositoryPrefix" and "replaceWith"`);
      return;
    }
    const rule = item as Record<string, unknown>;
    for (const key of Object.keys(rule)) {
      if (!(FIELDS as readonly string[]).includes(key)) problems.push(`${at}: unknown field ${JSON.stringify(key)}: a rule has exactly "repositoryPrefix" and "replaceWith"`);
    }
    const fields: string[] = [];
    for (const key of FIELDS) {
      const v = rule[key];
      if (v === undefined) problems.push(`${at}.${key}: required`);
      else if (typeof v !== 'string') problems.push(`${at}.${key}: must be a string`);
      else fields.push(v);
    }
    if (fields.length !== FIELDS.length) return;
    const [prefix = '', replaceWith = ''] = fields;
    if (seen.has(prefix)) problems.push(`${at}.repositoryPrefix: ${JSON.stringify(prefix)} is used by an earlier rule: each repositoryPrefix must be unique`);
    seen.add(prefix);
    if (replaceWith === '') problems.push(`${at}.replaceWith: must not be empty`);
    else if (replaceWith === prefix) problems.push(`${at}.replaceWith: must differ from repositoryPrefix`);
    for (const [key, v] of [['repositoryPrefix', prefix], ['replaceWith', replaceWith]] as const) {
      if (v === '') continue;
      const problem = v.endsWith('/') ? 'must not end with "/"' : prefixProblem(v);
      if (problem !== undefined) problems.push(`${at}.${key}: ${problem}`);
    }
  });
  return problems;
}

// distribution/reference's grammar for what may stand before an image's last `/` (as in
// ../kinds/image-ref.ts), checked component by component so no input backtracks badly. The first
// component is a registry when Docker would take it for one (a `.`, a `:`, `localhost`, upper case).
const DOMAIN_LABEL = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/;
const IPV6_HOST = /^\[[a-fA-F0-9:]+\]$/;
const PORT = /^[0-9]+$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

function prefixProblem(prefix: string): string | undefined {
  const [first = '', ...rest] = prefix.split('/');
  const looksLikeHost = first === 'localhost' || first.includes('.') || first.includes(':') || first !== first.toLowerCase();
  const components = looksLikeHost ? rest : [first, ...rest];
  if (looksLikeHost && !isHostPort(first)) {
    return `${JSON.stringify(prefix)} is not a valid image name prefix: registry ${JSON.stringify(first)} must be host[:port], the host in dot-separated labels of letters, digits and "-"`;
  }
  for (const component of components) {
    if (component === '') return `${JSON.stringify(prefix)} is not a valid image name prefix: it has an empty path component`;
    if (!PATH_COMPONENT.test(component)) {
      return (
        `${JSON.stringify(prefix)} is not a valid image name prefix: path component ${JSON.stringify(component)} must be lowercase ` +
        'letters and digits, separated by ".", "_", "__" or dashes'
      );
    }
  }
  return undefined;
}

function isHostPort(registry: string): boolean {
  let host = registry;
  let port: string | undefined;
  if (registry.startsWith('[')) {
    const close = registry.indexOf(']');
    if (close < 0) return false;
    host = registry.slice(0, close + 1);
    const after = registry.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) return false;
    if (after !== '') port = after.slice(1);
    if (!IPV6_HOST.test(host)) return false;
  } else {
    const colon = registry.indexOf(':');
    if (colon >= 0) {
      host = registry.slice(0, colon);
      port = registry.slice(colon + 1);
    }
    if (!host.split('.').every((label) => DOMAIN_LABEL.test(label))) return false;
  }
  return port === undefined || PORT.test(port);
}
