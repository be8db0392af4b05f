// Image replacement rules: rewrite an image's repository prefix before pulling it, so that a
// workload written for one registry pulls from a mirror. The rules and their worked examples are
// CCI's `coordinator.cci.io/image-replacement` annotation (../shared/seeds/002_ffbd970336bea3a6.txt,
// "Using Both Huawei Cloud SWR and a Third-Party Image Repository"); this module knows nothing of
// annotations or pods, only of a JSON list of `{repositoryPrefix, replaceWith}`.
//
// src/api/validation/image-replacement.ts checks the same rules at admission with the same
// messages (the api part may not import this one); test/image-replacement.test.ts cross-checks them.

import { ErrorCode, ImageError } from './errors.ts';

export interface ReplacementRule {
  /** Prefix to match: everything before an image's last `/`; `""` matches images with no `/`. */
  repositoryPrefix: string;
  /** What replaces the prefix. */
  replaceWith: string;
}

export interface ReplacementResult {
  /** The image to pull: the input when no rule applies. */
  image: string;
  /** The rule that rewrote it, if any. */
  rule?: ReplacementRule;
}

const FIELDS = ['repositoryPrefix', 'replaceWith'] as const;
const EXPECTED = 'a JSON list of {"repositoryPrefix": "...", "replaceWith": "..."} objects';

/**
 * The prefix an image is matched by: everything before its last `/` (the seed's
 * `harbor.domain/a/b/c/d/redis:latest` -> `harbor.domain/a/b/c/d`), `""` when it has none.
 * Tags and digests never hold a `/`, so they always stay in the name part.
 */
export function imagePrefix(image: string): string {
  const slash = image.lastIndexOf('/');
  return slash < 0 ? '' : image.slice(0, slash);
}

/**
 * Rewrites `image` by the rule whose repositoryPrefix equals its prefix. Prefixes are unique, so
 * at most one rule applies and their order does not matter (seed: "executed in any sequence").
 * Matching is on the image as written, not normalized: `nginx` matches the `""` rule, but
 * `docker.io/library/nginx` only a `docker.io/library` rule, as the seed matches "image values".
 */
export function applyReplacement(image: string, rules: readonly ReplacementRule[]): ReplacementResult {
  const prefix = imagePrefix(image);
  const rule = rules.find((r) => r.repositoryPrefix === prefix);
  if (rule === undefined) return { image };
  const rest = prefix === '' ? image : image.slice(prefix.length + 1);
  return { image: `${rule.replaceWith}/${rest}`, rule };
}

/**
 * Parses and checks a rule list (the annotation's value). Throws an ImageError with code
 * INVALID_REPLACEMENT_RULES listing every problem, so a rule never half-applies.
 */
export function parseReplacementRules(json: string): ReplacementRule[] {
  const problems = validateReplacementRules(json);
  if (problems.length > 0) {
    throw new ImageError(ErrorCode.InvalidReplacementRules, `invalid image replacement rules: ${problems.join('; ')}`);
  }
  return (JSON.parse(json) as ReplacementRule[]).map((r) => ({ repositoryPrefix: r.repositoryPrefix, replaceWith: r.replaceWith }));
}

/**
 * What is wrong with a rule list, one message per broken rule (empty when valid). The seed's
 * rules: a JSON list; each rule exactly `repositoryPrefix` and `replaceWith`, both strings;
 * prefixes unique; neither ends with `/`; replaceWith differs from repositoryPrefix; both are
 * "verified the same as the container image name", i.e. valid image name prefixes.
 */
export function validateReplacementRules(json: string): string[] {
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

// distribution/reference's grammar for what may stand before an image's last `/`, checked
// component by component so no input backtracks badly (as reference.ts does). The first component
// is a registry when Docker would take it for one (a `.`, a `:`, `localhost`, or upper case).
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
