// Query parameters shared by list and watch: selectors, resourceVersion, paging.
// https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-versions
import type { KindDefinition } from '../api/kind.ts';
import type { KubeObject } from '../api/object.ts';
import { matchesFields, parseFieldSelector } from './field-selector.ts';
import type { FieldRequirement } from './field-selector.ts';
import { selectorMatches } from '../api/validation/label-selector.ts';
import type { LabelSelector } from '../api/validation/label-selector.ts';
import { parseLabelSelector } from './label-selector.ts';
import { queryFlag } from './request-info.ts';
import { errors } from './status.ts';

export interface ListOptions {
  labels: LabelSelector;
  fields: FieldRequirement[];
  resourceVersion: string | undefined;
  resourceVersionMatch: string | undefined;
  limit: number | undefined;
  continueToken: string | undefined;
  timeoutSeconds: number | undefined;
  allowBookmarks: boolean;
  sendInitialEvents: boolean;
}

export function fieldValue(kind: KindDefinition, object: KubeObject, field: string): string | undefined {
  if (field === 'metadata.name') return object.metadata.name ?? '';
  if (field === 'metadata.namespace') return object.metadata.namespace ?? '';
  return kind.fieldSelectors[field]?.(object);
}

function nonNegativeInt(name: string, value: string | null): number | undefined {
  if (value === null || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw errors.badRequest(`${name}: Invalid value: ${JSON.stringify(value)}: must be a non-negative integer`);
  return n;
}

export function parseListOptions(kind: KindDefinition, query: URLSearchParams, name: string | undefined): ListOptions {
  const fields = parseFieldSelector(query.get('fieldSelector'));
  for (const f of fields) {
    if (f.field !== 'metadata.name' && f.field !== 'metadata.namespace' && kind.fieldSelectors[f.field] === undefined) {
      throw errors.badRequest(`field label not supported: ${f.field}`);
    }
  }
  // A watch on one object (GET .../pods/NAME?watch=true) is a watch with a name selector.
  if (name !== undefined) fields.push({ field: 'metadata.name', op: '=', value: name });
  const limit = nonNegativeInt('limit', query.get('limit'));
  return {
    labels: parseLabelSelector(query.get('labelSelector')),
    fields,
    resourceVersion: query.get('resourceVersion') ?? undefined,
    resourceVersionMatch: query.get('resourceVersionMatch') ?? undefined,
    limit: limit === 0 ? undefined : limit,
    continueToken: query.get('continue') || undefined,
    timeoutSeconds: nonNegativeInt('timeoutSeconds', query.get('timeoutSeconds')),
    allowBookmarks: queryFlag(query, 'allowWatchBookmarks'),
    sendInitialEvents: queryFlag(query, 'sendInitialEvents'),
  };
}

export function matches(kind: KindDefinition, options: ListOptions, object: KubeObject): boolean {
  return selectorMatches(options.labels, object.metadata.labels) && matchesFields(options.fields, (f) => fieldValue(kind, object, f));
}

interface ContinueToken {
  v: 'meta.k8s.io/v1';
  rv: number;
  start: string;
}

export function encodeContinue(revision: number, startAfter: string): string {
  const token: ContinueToken = { v: 'meta.k8s.io/v1', rv: revision, start: startAfter };
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

export function decodeContinue(text: string): { revision: number; startAfter: string } {
  try {
    const token = JSON.parse(Buffer.from(text, 'base64url').toString()) as Partial<ContinueToken>;
    if (token.v === 'meta.k8s.io/v1' && typeof token.rv === 'number' && typeof token.start === 'string') {
      return { revision: token.rv, startAfter: token.start };
    }
  } catch {
    // fall through to the error below
  }
  throw errors.badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
}

/** The revision a resourceVersion string names; undefined for "" and "0" (any, i.e. the newest). */
export function parseResourceVersion(value: string | undefined): number | undefined {
  if (value === undefined || value === '' || value === '0') return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw errors.badRequest(`resourceVersion: Invalid value: ${JSON.stringify(value)}: must be a non-negative integer`);
  return n;
}
