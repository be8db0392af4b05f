// Image reference shape, as distribution/reference's grammar has it. The api part may not import
// the image engine, and only needs the shape: the tag for the pull-policy default, and a check.
// https://github.com/distribution/reference/blob/main/regexp.go

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const HOST = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])`;
const DOMAIN = `${HOST}(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REMOTE_NAME = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(`^((?:${DOMAIN}/)?${REMOTE_NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const ANCHORED_TAG = new RegExp(`^${TAG}$`);
const NAME_TOTAL_LENGTH_MAX = 255;
// Far above any real reference; keeps the regexp's work bounded on hostile input.
const MAX_INPUT = 4096;

export interface ImageRefParts {
  name: string;
  tag?: string;
  digest?: string;
}

/** The parts of a valid reference, or undefined. */
export function parseImageRef(image: string): ImageRefParts | undefined {
  if (image.length > MAX_INPUT) return undefined;
  const m = REFERENCE.exec(image);
  if (m === null) return undefined;
  const parts: ImageRefParts = { name: m[1] ?? '' };
  if (m[2] !== undefined) parts.tag = m[2];
  if (m[3] !== undefined) parts.digest = m[3];
  return parts;
}

/**
 * What is wrong with `image` as a reference, in distribution's words (as the kubelet would
 * report it), or undefined when it is valid.
 */
export function imageRefProblem(image: string): string | undefined {
  if (image === '') return 'repository name must have at least one component';
  const parts = parseImageRef(image);
  if (parts === undefined) {
    const named = image.split('@')[0]?.replace(/:[^/]*$/, '') ?? '';
    const slash = named.indexOf('/');
    const remote = slash >= 0 && looksLikeDomain(named.slice(0, slash)) && named.slice(0, slash) === named.slice(0, slash).toLowerCase()
      ? named.slice(slash + 1)
      : named;
    if (remote !== remote.toLowerCase() && parseImageRef(image.toLowerCase()) !== undefined) {
      return `invalid reference format: repository name (${remote}) must be lowercase`;
    }
    const tagAt = image.lastIndexOf(':');
    if (tagAt > image.lastIndexOf('/') && !image.includes('@') && !ANCHORED_TAG.test(image.slice(tagAt + 1))) {
      return 'invalid tag format';
    }
    return 'invalid reference format';
  }
  const slash = parts.name.indexOf('/');
  const path = slash >= 0 && looksLikeDomain(parts.name.slice(0, slash)) ? parts.name.slice(slash + 1) : parts.name;
  if (path.length > NAME_TOTAL_LENGTH_MAX) return `repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters`;
  return undefined;
}

function looksLikeDomain(component: string): boolean {
  return component === 'localhost' || component.includes('.') || component.includes(':') || component !== component.toLowerCase();
}

/**
 * The kubelet's default pull policy: `Always` for `:latest` or no tag and no digest, else
 * `IfNotPresent` (an unparsable image too).
 * https://github.com/kubernetes/kubernetes/blob/master/pkg/apis/core/v1/defaults.go (SetDefaults_Container)
 */
export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  const parts = parseImageRef(image);
  if (parts === undefined) return 'IfNotPresent';
  const tag = parts.tag ?? (parts.digest === undefined ? 'latest' : undefined);
  return tag === 'latest' ? 'Always' : 'IfNotPresent';
}
