// Components the Kubernetes client library has no model for: the ImageCache custom kind
// (eci.alibabacloud.com/v1, as Alibaba Cloud documents it in "kubernetes ImageCache API":
// spec images, imagePullSecrets as `namespace:name`, imageCacheSize in GiB, retentionDays; status
// phase, progress, imageCacheId, times and events) and the meta/v1 types only paths refer to.
// Custom kinds are named as Kubernetes names CRD schemas: the group reversed, then version and kind.
import type { SchemaNode } from '../schema.ts';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const ref = (name: string): SchemaNode => ({ $ref: `#/components/schemas/${name}` });
const dateTime = (description: string): SchemaNode => ({ type: 'string', format: 'date-time', description });
const string = (description: string): SchemaNode => ({ type: 'string', description });

export const IMAGE_CACHE = 'com.alibabacloud.eci.v1.ImageCache';
export const IMAGE_CACHE_LIST = 'com.alibabacloud.eci.v1.ImageCacheList';

const gvk = (kind: string) => [{ group: 'eci.alibabacloud.com', version: 'v1', kind }];

const imageCache: SchemaNode = {
  type: 'object',
  description: 'ImageCache pre-pulls a set of images so that pods using them start without pulling.',
  properties: {
    apiVersion: string('APIVersion defines the versioned schema of this representation of an object.'),
    kind: string('Kind is a string value representing the REST resource this object represents.'),
    metadata: ref(META + 'ObjectMeta'),
    spec: {
      type: 'object',
      description: 'The images to cache and how long to keep them.',
      required: ['images'],
      properties: {
        images: { type: 'array', description: 'The images in the image cache.', items: { type: 'string' } },
        imagePullSecrets: {
          type: 'array',
          description: 'Secrets of private registries, each as namespace:secretName.',
          items: { type: 'string' },
        },
        imageCacheSize: {
          type: 'integer',
          format: 'int32',
          description: 'The size of the image cache in GiB (20 to 32768, default 20).',
        },
        retentionDays: {
          type: 'integer',
          format: 'int32',
          description: 'How many days the cache is kept (1 to 65536); unset means it does not expire.',
        },
      },
    },
    status: {
      type: 'object',
      description: 'The state of the image cache.',
      properties: {
        phase: string('The status of the image cache.'),
        progress: string('The creation progress of the image cache, e.g. 100%.'),
        imageCacheId: string('The ID of the image cache.'),
        startTime: dateTime('When the image cache was created.'),
        lastUpdatedTime: dateTime('When the image cache was last updated.'),
        expireDateTime: dateTime('When the image cache expires.'),
        events: {
          type: 'array',
          description: 'Events that occurred while the image cache was created.',
          items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        },
      },
    },
  },
  'x-kubernetes-group-version-kind': gvk('ImageCache'),
};

const imageCacheList: SchemaNode = {
  type: 'object',
  description: 'ImageCacheList is a list of ImageCache.',
  required: ['items'],
  properties: {
    apiVersion: string('APIVersion defines the versioned schema of this representation of an object.'),
    kind: string('Kind is a string value representing the REST resource this object represents.'),
    metadata: ref(META + 'ListMeta'),
    items: { type: 'array', description: 'List of imagecaches.', items: ref(IMAGE_CACHE) },
  },
  'x-kubernetes-group-version-kind': gvk('ImageCacheList'),
};

export const handWrittenSchemas: Record<string, SchemaNode> = {
  [IMAGE_CACHE]: imageCache,
  [IMAGE_CACHE_LIST]: imageCacheList,
  // The request body of every PATCH; its content type says how to read it.
  [META + 'Patch']: {
    type: 'object',
    description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.',
  },
};
