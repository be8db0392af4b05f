import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildImageCache, emptyImageCacheForm, validateImageCacheForm } from './image-cache-form.ts';

test('an ImageCache from the form, validated by the server rules', () => {
  const v = { ...emptyImageCacheForm(), name: 'warm', images: 'registry.example.com/app:v1\nnginx', pullSecrets: ['default:test'], imageCacheSize: '20' };
  assert.deepEqual(validateImageCacheForm(v), {});
  assert.deepEqual(buildImageCache(v)['spec'], { images: ['registry.example.com/app:v1', 'nginx'], imagePullSecrets: ['default:test'], imageCacheSize: 20 });
  const errors = validateImageCacheForm({ ...v, images: 'nginx\nnginx', retentionDays: '0', imageCacheSize: 'big' });
  assert.match(errors['images'] ?? '', /Duplicate value/);
  assert.match(errors['retentionDays'] ?? '', /greater than or equal to 1/);
  assert.match(errors['imageCacheSize'] ?? '', /must be of type integer/);
  assert.match(validateImageCacheForm({ ...v, images: '' })['images'] ?? '', /at least one image/);
});
