import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cachesHolding, normalizeImage } from './images.ts';

test('image names normalize as docker does, so short cache names match what nodes report', () => {
  assert.equal(normalizeImage('nginx'), 'docker.io/library/nginx:latest');
  assert.equal(normalizeImage('team/app:v1'), 'docker.io/team/app:v1');
  assert.equal(normalizeImage('127.0.0.1:5000/janedoe/app'), '127.0.0.1:5000/janedoe/app:latest');
  assert.equal(normalizeImage('localhost/app@sha256:abc'), 'localhost/app@sha256:abc');
  const caches = [
    { name: 'warm', images: ['nginx', 'registry.example.com/app:v1'] },
    { name: 'other', images: ['busybox'] },
  ];
  assert.deepEqual(cachesHolding(['docker.io/library/nginx:latest'], caches), ['warm']);
  assert.deepEqual(cachesHolding(['registry.example.com/app:v2'], caches), []);
});
