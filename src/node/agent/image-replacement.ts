// The coordinator.cci.io/image-replacement annotation (seed 002): the node pulls a container's
// image through the rule that matches its prefix. The rules are re-checked here, not only at
// admission, because the agent may serve an apiserver that did not run Ferry's admission.
import { applyReplacement, isImageError, parseReplacementRules } from '../../image/index.ts';
import type { ReplacementRule } from '../../image/index.ts';
import { AgentError, AgentErrorCode } from './errors.ts';
import type { Pod, PodContainer } from './pod-types.ts';

export const IMAGE_REPLACEMENT_ANNOTATION = 'coordinator.cci.io/image-replacement';

export interface ReplacedImage {
  container: PodContainer;
  /** The event text when a rule changed the image. */
  note?: string;
}

function describe(rule: ReplacementRule): string {
  return `{repositoryPrefix: ${JSON.stringify(rule.repositoryPrefix)}, replaceWith: ${JSON.stringify(rule.replaceWith)}}`;
}

/** The container with the image the node should pull; throws AgentError(ImagePull) for invalid rules. */
export function replaceImage(pod: Pod, container: PodContainer): ReplacedImage {
  const json = pod.metadata.annotations?.[IMAGE_REPLACEMENT_ANNOTATION];
  if (json === undefined || container.image === undefined) return { container };
  let rules: ReplacementRule[];
  try {
    rules = parseReplacementRules(json);
  } catch (error) {
    if (!isImageError(error)) throw error;
    throw new AgentError(AgentErrorCode.ImagePull, `invalid ${IMAGE_REPLACEMENT_ANNOTATION} annotation: ${error.message}`, { cause: error });
  }
  const result = applyReplacement(container.image, rules);
  if (result.rule === undefined) return { container };
  return {
    container: { ...container, image: result.image },
    note: `Image "${container.image}" replaced with "${result.image}" by ${IMAGE_REPLACEMENT_ANNOTATION} rule ${describe(result.rule)}`,
  };
}
