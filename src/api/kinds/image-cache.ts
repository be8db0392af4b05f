// eci.alibabacloud.com/v1 ImageCache (cluster-scoped): images pulled ahead of the pods that use
// them, as Alibaba ECI documents it (seed 003). Its annotations (plain-http and insecure
// registries) are checked where they are used, not here.
import type { FieldError, KindDefinition } from '../kind.ts';
import type { KubeObject } from '../object.ts';
import { duplicate, indexPath, invalid, required, typeInvalid } from '../validation/field-errors.ts';
import { isDNS1123Label, isDNS1123Subdomain } from '../validation/names.ts';
import { validateRegistryAnnotations } from '../validation/registry-annotations.ts';
import { AGE_COLUMN, NAME_COLUMN, STANDARD_VERBS, STATUS_SUBRESOURCE, ageOf, column, nameOf, validateMeta } from './common.ts';
import { imageRefProblem } from './image-ref.ts';
import { asObject, stringAt } from './json-access.ts';

/** A wrong JSON type, worded as a CRD's schema validation words it. */
function wrongType(field: string, value: unknown, want: string): FieldError {
  const got = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value === 'number' ? 'number' : typeof value;
  return typeInvalid(field, got, `${field} in body must be of type ${want}: ${JSON.stringify(got)}`);
}

function validateImages(images: unknown, errs: FieldError[]): void {
  const path = 'spec.images';
  if (images === undefined || images === null || (Array.isArray(images) && images.length === 0)) {
    errs.push(required(path));
    return;
  }
  if (!Array.isArray(images)) {
    errs.push(wrongType(path, images, 'array'));
    return;
  }
  const seen = new Set<string>();
  images.forEach((image, i) => {
    const p = indexPath(path, i);
    if (typeof image !== 'string') return errs.push(wrongType(p, image, 'string'));
    if (image === '') return errs.push(required(p));
    const problem = imageRefProblem(image);
    if (problem !== undefined) errs.push(invalid(p, image, problem));
    if (seen.has(image)) errs.push(duplicate(p, image));
    seen.add(image);
  });
}

/** Each entry names a Secret anywhere in the cluster as `namespace:name`. */
function validatePullSecrets(secrets: unknown, errs: FieldError[]): void {
  const path = 'spec.imagePullSecrets';
  if (secrets === undefined || secrets === null) return;
  if (!Array.isArray(secrets)) {
    errs.push(wrongType(path, secrets, 'array'));
    return;
  }
  secrets.forEach((entry, i) => {
    const p = indexPath(path, i);
    if (typeof entry !== 'string') return errs.push(wrongType(p, entry, 'string'));
    const parts = entry.split(':');
    if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
      return errs.push(invalid(p, entry, "must be in the form '<namespace>:<name>', e.g. 'default:my-registry-secret'"));
    }
    const [namespace, name] = parts as [string, string];
    for (const msg of isDNS1123Label(namespace)) errs.push(invalid(p, entry, `namespace part ${msg}`));
    for (const msg of isDNS1123Subdomain(name)) errs.push(invalid(p, entry, `name part ${msg}`));
  });
}

function validatePositiveInteger(value: unknown, field: string, min: number, errs: FieldError[]): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    errs.push(wrongType(field, value, 'integer'));
    return;
  }
  if (value < min) errs.push(invalid(field, value, `must be greater than or equal to ${min}`));
}

export function validateImageCacheSpec(object: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = asObject(object.spec);
  if (spec === undefined) return [required('spec.images')];
  validateImages(spec.images, errs);
  validatePullSecrets(spec.imagePullSecrets, errs);
  // The cache size is in GiB; the seed's examples use 20-25.
  validatePositiveInteger(spec.imageCacheSize, 'spec.imageCacheSize', 1, errs);
  validatePositiveInteger(spec.retentionDays, 'spec.retentionDays', 1, errs);
  return errs;
}

export const imageCacheKind: KindDefinition = {
  group: 'eci.alibabacloud.com',
  version: 'v1',
  kind: 'ImageCache',
  listKind: 'ImageCacheList',
  resource: 'imagecaches',
  singular: 'imagecache',
  namespaced: false,
  shortNames: ['ic'],
  categories: [],
  verbs: STANDARD_VERBS,
  subresources: [STATUS_SUBRESOURCE],
  schema: 'com.alibabacloud.eci.v1.ImageCache',
  hasStatus: true,
  defaults() {},
  validate(object, old) {
    // ECI's registry annotations apply to an ImageCache's pulls too (seed 003, "Pull an image from
    // a self-managed image repository to create an ImageCache").
    return [
      ...validateMeta(object, old, { namespaced: false }),
      ...validateRegistryAnnotations(object.metadata.annotations, 'metadata.annotations'),
      ...validateImageCacheSpec(object),
    ];
  },
  // `kubectl get ic` shows NAME, PHASE, PROGRESS, AGE as ECI's does (issue 5, section 4).
  table: {
    columns: [
      NAME_COLUMN,
      column('Phase', 'string', 'Preparing, Creating, Ready, Failed, Updating or UpdateFailed.'),
      column('Progress', 'string', 'How much of the caching is done across the target nodes, e.g. "100%".'),
      AGE_COLUMN,
    ],
    cells(object, now) {
      return [nameOf(object), stringAt(object, 'status', 'phase'), stringAt(object, 'status', 'progress'), ageOf(object, now)];
    },
  },
  fieldSelectors: {},
};
