// Required node affinity: spec.nodeSelector (every label equal) and
// requiredDuringSchedulingIgnoredDuringExecution (any term; within a term every expression and
// field). A term with a malformed requirement matches nothing; an empty term is skipped.
// https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/component-helpers/scheduling/corev1/nodeaffinity/nodeaffinity.go
// https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/apimachinery/pkg/labels/selector.go (Requirement.Matches)
import type { Node, NodeSelectorRequirement, NodeSelectorTerm, Pod } from '../common/types.ts';

const INT64 = /^[+-]?[0-9]+$/;
const MAX_INT64 = 2n ** 63n - 1n;
const MIN_INT64 = -(2n ** 63n);

/** strconv.ParseInt(s, 10, 64), or undefined. */
function parseInt64(s: string | undefined): bigint | undefined {
  if (s === undefined || !INT64.test(s)) return undefined;
  const n = BigInt(s);
  return n > MAX_INT64 || n < MIN_INT64 ? undefined : n;
}

/** undefined: the requirement is malformed (labels.NewRequirement would refuse it). */
function labelRequirementMatches(r: NodeSelectorRequirement, labels: Record<string, string>): boolean | undefined {
  const values = r.values ?? [];
  const has = Object.hasOwn(labels, r.key);
  const value = labels[r.key];
  switch (r.operator) {
    case 'In':
      if (values.length === 0) return undefined;
      return has && values.includes(value as string);
    case 'NotIn':
      if (values.length === 0) return undefined;
      return !has || !values.includes(value as string);
    case 'Exists':
      if (values.length !== 0) return undefined;
      return has;
    case 'DoesNotExist':
      if (values.length !== 0) return undefined;
      return !has;
    case 'Gt':
    case 'Lt': {
      const bound = values.length === 1 ? parseInt64(values[0]) : undefined;
      if (bound === undefined) return undefined;
      const actual = has ? parseInt64(value) : undefined;
      if (actual === undefined) return false;
      return r.operator === 'Gt' ? actual > bound : actual < bound;
    }
    default:
      return undefined;
  }
}

/** matchFields supports only metadata.name with In or NotIn and exactly one value. */
function fieldRequirementMatches(r: NodeSelectorRequirement, nodeName: string): boolean | undefined {
  if (r.key !== 'metadata.name' || (r.values ?? []).length !== 1) return undefined;
  const v = (r.values ?? [])[0];
  if (r.operator === 'In') return nodeName === v;
  if (r.operator === 'NotIn') return nodeName !== v;
  return undefined;
}

function termMatches(term: NodeSelectorTerm, node: Node): boolean {
  const labels = node.metadata.labels ?? {};
  let ok = true;
  for (const r of term.matchExpressions ?? []) {
    const m = labelRequirementMatches(r, labels);
    if (m === undefined) return false;
    ok &&= m;
  }
  const name = node.metadata.name ?? '';
  for (const r of term.matchFields ?? []) {
    const m = fieldRequirementMatches(r, name);
    if (m === undefined) return false;
    // Go skips field matching for a node without a name.
    if (name !== '') ok &&= m;
  }
  return ok;
}

function isEmptyTerm(term: NodeSelectorTerm): boolean {
  return (term.matchExpressions ?? []).length === 0 && (term.matchFields ?? []).length === 0;
}

/** NodeSelector.Match: any non-empty term matches. No terms (or only empty ones) match nothing. */
export function nodeSelectorTermsMatch(terms: readonly NodeSelectorTerm[], node: Node): boolean {
  return terms.some((t) => !isEmptyTerm(t) && termMatches(t, node));
}

/** GetRequiredNodeAffinity(pod).Match(node). */
export function requiredNodeAffinityMatches(pod: Pod, node: Node): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(pod.spec?.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (required === undefined || required === null) return true;
  return nodeSelectorTermsMatch(required.nodeSelectorTerms ?? [], node);
}

/** The NodeAffinity score before normalization: the weights of the preferred terms that match. */
export function preferredNodeAffinityScore(pod: Pod, node: Node): number {
  let score = 0;
  for (const p of pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []) {
    if (p.weight === 0) continue;
    if (!isEmptyTerm(p.preference) && termMatches(p.preference, node)) score += p.weight;
  }
  return score;
}
