// Pieces every kind definition shares: verbs, subresources, the Name and Age columns, metadata
// validation.
import type { FieldError, SubresourceDefinition, TableColumn } from '../kind.ts';
import type { KubeObject } from '../object.ts';
import type { ObjectMetaOptions } from '../validation/object-meta.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from '../validation/object-meta.ts';
import { formatAge } from './age.ts';

export const STANDARD_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export const STATUS_SUBRESOURCE: SubresourceDefinition = { name: 'status', verbs: ['get', 'patch', 'update'] };

export const SCALE_SUBRESOURCE: SubresourceDefinition = {
  name: 'scale',
  kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
  verbs: ['get', 'patch', 'update'],
};

// metav1.ObjectMeta's SwaggerDoc, which kube-apiserver uses as these columns' descriptions.
const NAME_DESCRIPTION =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';
const AGE_DESCRIPTION =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

export const NAME_COLUMN: TableColumn = { name: 'Name', type: 'string', format: 'name', description: NAME_DESCRIPTION, priority: 0 };
export const AGE_COLUMN: TableColumn = { name: 'Age', type: 'string', description: AGE_DESCRIPTION, priority: 0 };

export function column(name: string, type: TableColumn['type'], description: string, priority: 0 | 1 = 0): TableColumn {
  return { name, type, description, priority };
}

export function nameOf(object: KubeObject): string {
  return object.metadata.name ?? '';
}

export function ageOf(object: KubeObject, now: Date): string {
  return formatAge(object.metadata.creationTimestamp, now);
}

/**
 * metadata's rules: the create rules (name, namespace) when there is no stored object, else the
 * update rules against it, as kube-apiserver's strategies call ValidateObjectMeta(Update).
 */
export function validateMeta(object: KubeObject, old: KubeObject | undefined, options: ObjectMetaOptions): FieldError[] {
  return old === undefined ? validateObjectMeta(object.metadata, options) : validateObjectMetaUpdate(object.metadata, old.metadata);
}
