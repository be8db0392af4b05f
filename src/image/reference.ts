// Image references, parsed and normalized the way Docker and the kubelet do it:
// distribution/reference's grammar plus ParseNormalizedNamed's Docker Hub defaults.
// Grammar: https://github.com/distribution/reference/blob/main/reference.go
// Normalization: https://github.com/distribution/reference/blob/main/normalize.go
//
// The parser checks component by component instead of running the single grammar regexp: each
// check is linear, so no input can make it backtrack badly, and each failure gets its own message.
// reference.test.ts cross-checks it against a transcription of the grammar regexp.

import { digestProblem, quoteForMessage } from './digest.ts';
import { InvalidReferenceError } from './errors.ts';

export const DOCKER_HUB_REGISTRY = 'docker.io';
/** The Docker Index's old name, still found in image names and credential files. */
export const LEGACY_DOCKER_HUB_REGISTRY = 'index.docker.io';
/** Tag implied by a reference with neither tag nor digest (Docker's `TagNameOnly`). */
export const DEFAULT_TAG = 'latest';
const OFFICIAL_REPOSITORY_PREFIX = 'library/';
/** distribution/reference RepositoryNameTotalLengthMax: counts the path only, not the registry. */
export const MAX_REPOSITORY_LENGTH = 255;
// Inputs are echoed in messages; past this they are cut so one bad manifest cannot flood a log.
const MAX_QUOTED_INPUT = 256;

const DOMAIN_LABEL = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/;
const IPV6_HOST = /^\[[a-fA-F0-9:]+\]$/;
const PORT_SUFFIX = /^:[0-9]+$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const BARE_IDENTIFIER = /^[a-f0-9]{64}$/;

export interface ReferenceParts {
  registry: string;
  repository: string;
  tag?: string | undefined;
  digest?: string | undefined;
}

/**
 * A fully qualified image reference: `registry/repository[:tag][@digest]`. Always valid: the
 * constructor checks every part, so a Reference can be used in URLs and file names as is.
 */
export class Reference {
  /** Registry host with optional port, e.g. `docker.io`, `localhost:5000`, `[::1]:5000`. */
  readonly registry: string;
  /** Repository path, e.g. `library/nginx`. */
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;

  /** Builds a reference from parts, applying the Docker Hub defaults; throws InvalidReferenceError. */
  constructor(parts: ReferenceParts) {
    let { registry, repository } = parts;
    if (registry === LEGACY_DOCKER_HUB_REGISTRY) registry = DOCKER_HUB_REGISTRY;
    if (registry === DOCKER_HUB_REGISTRY && !repository.includes('/')) {
      repository = OFFICIAL_REPOSITORY_PREFIX + repository;
    }
    const problem =
      registryProblem(registry) ??
      repositoryProblem(repository) ??
      (parts.tag === undefined ? undefined : tagProblem(parts.tag)) ??
      (parts.digest === undefined ? undefined : digestProblem(parts.digest));
    if (problem !== undefined) throw invalid(`${registry}/${repository}`, problem);
    this.registry = registry;
    this.repository = repository;
    this.tag = parts.tag;
    this.digest = parts.digest;
    Object.freeze(this);
  }

  /** `registry/repository`: what the kubelet looks credentials up by. */
  get name(): string {
    return `${this.registry}/${this.repository}`;
  }

  /** Canonical form; `:latest` is added when there is neither tag nor digest. */
  toString(): string {
    return this.name + this.#suffix();
  }

  toJSON(): string {
    return this.toString();
  }

  /** Docker's short form: `nginx:latest`, `user/app:1`, `ghcr.io/o/app@sha256:...`. */
  familiar(): string {
    let name = this.name;
    if (this.registry === DOCKER_HUB_REGISTRY) {
      name = this.repository;
      const rest = name.slice(OFFICIAL_REPOSITORY_PREFIX.length);
      if (name.startsWith(OFFICIAL_REPOSITORY_PREFIX) && !rest.includes('/')) name = rest;
      // Unlike Docker's FamiliarString, keep the registry when the first component would read as
      // a host (`docker.io/localhost/x`, `docker.io/a.b/c`), so the short form parses back the same.
      if (looksLikeHost(name.split('/')[0] ?? '') && name.includes('/')) name = this.name;
    }
    return name + this.#suffix();
  }

  /** The same reference pinned to `digest`; the tag, if any, is kept. */
  withDigest(digest: string): Reference {
    return new Reference({ registry: this.registry, repository: this.repository, tag: this.tag, digest });
  }

  #suffix(): string {
    if (this.tag === undefined && this.digest === undefined) return `:${DEFAULT_TAG}`;
    return (this.tag === undefined ? '' : `:${this.tag}`) + (this.digest === undefined ? '' : `@${this.digest}`);
  }
}

/** `ref` pinned to `digest`; the tag, if any, is kept. Throws InvalidReferenceError on a bad digest. */
export function withDigest(ref: Reference, digest: string): Reference {
  return ref.withDigest(digest);
}

export function isDockerHub(ref: Reference): boolean {
  return ref.registry === DOCKER_HUB_REGISTRY;
}

/**
 * Parses an image reference and applies Docker's defaults (`nginx` -> `docker.io/library/nginx`).
 * Throws InvalidReferenceError saying what is wrong and quoting the input.
 */
export function parseReference(text: string): Reference {
  if (typeof text !== 'string') {
    throw new InvalidReferenceError(`invalid reference: expected a string, got ${typeof text}`);
  }
  if (text === '') throw invalid(text, 'the image reference is empty');
  if (/\s/.test(text)) throw invalid(text, 'an image reference cannot contain spaces or other whitespace');
  if (BARE_IDENTIFIER.test(text)) {
    throw invalid(text, 'a 64-character hex string is an image ID, not a repository name; pin a digest with "name@sha256:<hex>"');
  }

  const [defaultedRegistry, remainder] = splitDockerDomain(text);
  // ParseNormalizedNamed checks case before the grammar, so "Foo/Bar" reports the case problem.
  const remote = remainder.split(/[:@]/, 1)[0] ?? '';
  if (remote.toLowerCase() !== remote) {
    throw invalid(text, 'repository name must be lowercase');
  }

  const full = `${defaultedRegistry}/${remainder}`;
  let nameAndTag = full;
  let digest: string | undefined;
  const at = full.indexOf('@');
  if (at >= 0) {
    digest = full.slice(at + 1);
    nameAndTag = full.slice(0, at);
    const problem = digestProblem(digest);
    if (problem !== undefined) throw invalid(text, problem);
  }

  let name = nameAndTag;
  let tag: string | undefined;
  const colon = nameAndTag.lastIndexOf(':');
  if (colon > nameAndTag.lastIndexOf('/')) {
    tag = nameAndTag.slice(colon + 1);
    name = nameAndTag.slice(0, colon);
    const problem = tagProblem(tag);
    if (problem !== undefined) throw invalid(text, problem);
  }

  const slash = name.indexOf('/');
  const registry = name.slice(0, slash);
  const repository = name.slice(slash + 1);
  const problem = registryProblem(registry) ?? repositoryProblem(repository);
  if (problem !== undefined) throw invalid(text, problem);
  return new Reference({ registry, repository, tag, digest });
}

/** Splits off the registry the way normalize.go's splitDockerDomain does, on the raw input. */
function splitDockerDomain(text: string): [registry: string, remainder: string] {
  const slash = text.indexOf('/');
  if (slash < 0) return [DOCKER_HUB_REGISTRY, OFFICIAL_REPOSITORY_PREFIX + text];
  let registry = text.slice(0, slash);
  let remainder = text.slice(slash + 1);
  if (registry === LEGACY_DOCKER_HUB_REGISTRY) {
    registry = DOCKER_HUB_REGISTRY;
  } else if (!looksLikeHost(registry)) {
    registry = DOCKER_HUB_REGISTRY;
    remainder = text;
  }
  if (registry === DOCKER_HUB_REGISTRY && !remainder.includes('/')) {
    remainder = OFFICIAL_REPOSITORY_PREFIX + remainder;
  }
  return [registry, remainder];
}

/** Docker's rule for "the first component is a registry, not a Hub namespace". */
function looksLikeHost(component: string): boolean {
  return (
    component === 'localhost' ||
    component.includes('.') ||
    component.includes(':') ||
    component.toLowerCase() !== component
  );
}

function registryProblem(registry: string): string | undefined {
  let host = registry;
  let port = '';
  if (registry.startsWith('[')) {
    const close = registry.indexOf(']');
    host = close < 0 ? registry : registry.slice(0, close + 1);
    port = close < 0 ? '' : registry.slice(close + 1);
    if (!IPV6_HOST.test(host)) {
      return `registry host ${quoteForMessage(registry)} is not valid: an IPv6 address is written as "[hex:hex::hex]" with no zone`;
    }
  } else {
    const colon = registry.indexOf(':');
    if (colon >= 0) {
      host = registry.slice(0, colon);
      port = registry.slice(colon);
    }
    if (host === '' || !host.split('.').every((label) => DOMAIN_LABEL.test(label))) {
      return `registry host ${quoteForMessage(registry)} is not valid: use letters, digits and "-" in dot-separated labels`;
    }
  }
  if (port !== '' && !PORT_SUFFIX.test(port)) {
    return `registry ${quoteForMessage(registry)} has an invalid port: write "host:<digits>"`;
  }
  return undefined;
}

function repositoryProblem(repository: string): string | undefined {
  if (repository === '') return 'repository name must have at least one component';
  if (repository.toLowerCase() !== repository) return 'repository name must be lowercase';
  for (const component of repository.split('/')) {
    if (component === '') return 'repository path has an empty component ("//" or a leading or trailing "/")';
    if (!PATH_COMPONENT.test(component)) {
      return (
        `repository path component ${quoteForMessage(component)} is not valid: use lowercase letters and digits, ` +
        'separated by ".", "_", "__" or dashes, and start and end with a letter or digit'
      );
    }
  }
  if (repository.length > MAX_REPOSITORY_LENGTH) {
    return `repository name must not be more than ${MAX_REPOSITORY_LENGTH} characters (it has ${repository.length})`;
  }
  return undefined;
}

function tagProblem(tag: string): string | undefined {
  if (tag === '') return 'the tag after ":" is empty';
  if (TAG.test(tag)) return undefined;
  if (tag.length > 128) return `tag is ${tag.length} characters long; the limit is 128`;
  return (
    `tag ${quoteForMessage(tag)} is not valid: use letters, digits, "_", "." and "-", ` +
    'starting with a letter, digit or "_"'
  );
}

function invalid(input: string, problem: string): InvalidReferenceError {
  return new InvalidReferenceError(`invalid reference ${quoteForMessage(input, MAX_QUOTED_INPUT)}: ${problem}`);
}
