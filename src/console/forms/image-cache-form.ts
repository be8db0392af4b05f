// The ImageCache create form's logic (eci.alibabacloud.com/v1, cluster-scoped, seed 003): images
// to pull ahead of pods, pull secrets as `namespace:name`, checked by the server's validation.
import { imageCacheKind } from '../../api/kinds/image-cache.ts';
import type { KubeObject as ApiObject } from '../../api/object.ts';
import type { KubeObject } from '../api/client.ts';
import { mapFieldErrors } from './field-errors.ts';
import type { FormErrors, PathRule } from './field-errors.ts';
import { nameProblem } from './secret-form.ts';

export interface ImageCacheFormValues {
  name: string;
  /** One image per line. */
  images: string;
  /** `namespace:name`, chosen from the cluster's secrets. */
  pullSecrets: string[];
  imageCacheSize: string;
  retentionDays: string;
}

export function emptyImageCacheForm(): ImageCacheFormValues {
  return { name: '', images: '', pullSecrets: [], imageCacheSize: '', retentionDays: '' };
}

const lines = (text: string): string[] =>
  text
    .split(/[\n,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');

export function buildImageCache(v: ImageCacheFormValues): KubeObject {
  const spec: Record<string, unknown> = { images: lines(v.images) };
  if (v.pullSecrets.length > 0) spec['imagePullSecrets'] = v.pullSecrets;
  const int = (s: string): number | string => (/^\d+$/.test(s.trim()) ? Number(s.trim()) : s.trim());
  if (v.imageCacheSize.trim() !== '') spec['imageCacheSize'] = int(v.imageCacheSize);
  if (v.retentionDays.trim() !== '') spec['retentionDays'] = int(v.retentionDays);
  return { apiVersion: 'eci.alibabacloud.com/v1', kind: 'ImageCache', metadata: { name: v.name }, spec };
}

const RULES: PathRule[] = [
  { path: 'metadata.name', field: 'name' },
  { path: 'spec.images', field: 'images' },
  { path: 'spec.images[', field: 'images' },
  { path: 'spec.imagePullSecrets', field: 'pullSecrets' },
  { path: 'spec.imagePullSecrets[', field: 'pullSecrets' },
  { path: 'spec.imageCacheSize', field: 'imageCacheSize' },
  { path: 'spec.retentionDays', field: 'retentionDays' },
];

export function imageCacheErrorsFromCauses(causes: readonly { field?: string; message: string }[]): FormErrors {
  return mapFieldErrors(causes, RULES);
}

export function validateImageCacheForm(v: ImageCacheFormValues): FormErrors {
  const errors: FormErrors = {};
  const name = nameProblem(v.name);
  if (name !== undefined) errors['name'] = name;
  if (lines(v.images).length === 0) errors['images'] = 'Enter at least one image, one per line.';
  const object = buildImageCache(v) as unknown as ApiObject;
  for (const [k, msg] of Object.entries(imageCacheErrorsFromCauses(imageCacheKind.validate(object)))) if (errors[k] === undefined) errors[k] = msg;
  return errors;
}
