// Mirroring a pulled image to a registry of one's own, so that image replacement rules
// (replacement.ts, CCI's `coordinator.cci.io/image-replacement`) can point workloads at it.
//
// Mapping: the mirror keeps the image's repository path, under an optional prefix:
//   mirror `mirror:5000`       docker.io/library/nginx:1.27       -> mirror:5000/library/nginx:1.27
//                              harbor.domain/a/redis:latest        -> mirror:5000/a/redis:latest
//   mirror `mirror:5000/hub`   docker.io/library/nginx:1.27       -> mirror:5000/hub/library/nginx:1.27
// Tag and digest are kept. Because only the registry part (and the prefix) changes, one rule per
// source prefix rewrites every image under it: `{repositoryPrefix: "harbor.domain/a", replaceWith:
// "mirror:5000/a"}`; mirrorReplacementRule() computes it for an image as a workload writes it.
// The registry name is not part of the path, so images of two registries with the same path meet
// in one mirror repository unless each registry is mirrored under its own prefix.
import { ErrorCode, ImageError } from './errors.ts';
import { push } from './push.ts';
import type { PushOptions, PushResult } from './push-types.ts';
import { INDEX_DIGEST_ANNOTATION } from './pull.ts';
import { parseReference, Reference } from './reference.ts';
import { applyReplacement, imagePrefix, type ReplacementRule } from './replacement.ts';

export interface MirrorTarget {
  /** host[:port] of the mirror registry. */
  registry: string;
  /** Repository path prefix on it, without slashes at either end; `""` for none. */
  prefix: string;
}

/** Parses `REGISTRY[/PREFIX]` (`mirror:5000`, `harbor.example.com/proxy/hub`). */
export function parseMirrorTarget(text: string): MirrorTarget {
  const trimmed = text.replace(/\/+$/, '');
  const slash = trimmed.indexOf('/');
  const registry = slash < 0 ? trimmed : trimmed.slice(0, slash);
  const prefix = slash < 0 ? '' : trimmed.slice(slash + 1);
  const bad = (why: string): ImageError =>
    new ImageError(ErrorCode.InvalidArgument, `invalid mirror "${text}": ${why}; expected REGISTRY[/PREFIX], e.g. mirror.example.com:5000/hub`);
  // A registry needs a dot, a port or `localhost`, or it would read as a Docker Hub path.
  if (!/[.:]/.test(registry) && registry !== 'localhost') throw bad(`"${registry}" is not a registry host (it needs a dot, a port, or to be localhost)`);
  try {
    new Reference({ registry, repository: prefix === '' ? 'x' : `${prefix}/x` });
  } catch (err) {
    throw bad((err as Error).message.replace(/^invalid reference "[^"]*": /, ''));
  }
  return { registry, prefix };
}

/** Where `image` lives on the mirror: same repository path (under the prefix), same tag and digest. */
export function mirrorReference(image: string | Reference, mirror: string | MirrorTarget): Reference {
  const ref = typeof image === 'string' ? parseReference(image) : image;
  const target = typeof mirror === 'string' ? parseMirrorTarget(mirror) : mirror;
  return new Reference({
    registry: target.registry,
    repository: target.prefix === '' ? ref.repository : `${target.prefix}/${ref.repository}`,
    tag: ref.tag,
    digest: ref.digest,
  });
}

/**
 * The replacement rule that sends `image`, as a workload writes it (`nginx:1.27`,
 * `harbor.domain/a/redis:latest`), to its mirrored copy. Every image with the same prefix follows.
 */
export function mirrorReplacementRule(image: string, mirror: string | MirrorTarget): ReplacementRule {
  const target = mirrorReference(image, mirror);
  const rule: ReplacementRule = { repositoryPrefix: imagePrefix(image), replaceWith: imagePrefix(target.toString()) };
  const { image: replaced } = applyReplacement(image, [rule]);
  // Sanity: the rule must name the mirrored image itself, whatever the workload's spelling.
  if (rule.replaceWith === rule.repositoryPrefix || parseReference(replaced).name !== target.name) {
    throw new ImageError(ErrorCode.InvalidArgument, `no replacement rule maps ${image} to its mirror ${target.toString()}: the mirror is the image's own registry`);
  }
  return rule;
}

/**
 * Pushes a stored image (pulled before) to the mirror under mirrorReference()'s name, digests kept.
 * A source pinned to the digest of a multi-platform index pushes that index (all its platforms
 * must be stored); otherwise what pull stored, one platform, unless `allPlatforms` says more.
 */
export async function mirrorImage(image: string | Reference, mirror: string | MirrorTarget, options: PushOptions): Promise<PushResult> {
  const ref = typeof image === 'string' ? parseReference(image) : image;
  const dest = mirrorReference(ref, mirror);
  let allPlatforms = options.allPlatforms;
  if (allPlatforms === undefined && ref.digest !== undefined) {
    const stored = await options.store.resolve(ref.toString());
    allPlatforms = stored !== undefined && stored.digest !== ref.digest && stored.annotations?.[INDEX_DIGEST_ANNOTATION] === ref.digest;
  }
  return push(ref, dest, { ...options, allPlatforms });
}
