import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode, isImageError } from './errors.ts';
import { mirrorReference, mirrorReplacementRule, parseMirrorTarget } from './mirror.ts';
import { applyReplacement, validateReplacementRules } from './replacement.ts';

test('parseMirrorTarget: registry with optional prefix; trailing slashes dropped', () => {
  assert.deepEqual(parseMirrorTarget('mirror:5000'), { registry: 'mirror:5000', prefix: '' });
  assert.deepEqual(parseMirrorTarget('harbor.example.com/proxy/hub/'), { registry: 'harbor.example.com', prefix: 'proxy/hub' });
  assert.deepEqual(parseMirrorTarget('localhost/x'), { registry: 'localhost', prefix: 'x' });
  assert.deepEqual(parseMirrorTarget('[::1]:5000'), { registry: '[::1]:5000', prefix: '' });
});

test('parseMirrorTarget refuses what is not a registry, or a bad prefix', () => {
  for (const bad of ['mirror', 'library/x', 'mirror:5000/Upper', 'mirror:5000//x', 'bad host:5000']) {
    assert.throws(() => parseMirrorTarget(bad), (e: unknown) => isImageError(e, ErrorCode.InvalidArgument) && e.message.includes(`invalid mirror "${bad}"`), bad);
  }
});

test('mirrorReference keeps repository path, tag and digest', () => {
  const digest = `sha256:${'a'.repeat(64)}`;
  assert.equal(mirrorReference('nginx:1.27', 'mirror:5000').toString(), 'mirror:5000/library/nginx:1.27');
  assert.equal(mirrorReference('docker.io/library/nginx:1.27', 'mirror:5000/hub').toString(), 'mirror:5000/hub/library/nginx:1.27');
  assert.equal(mirrorReference('harbor.domain/a/b/c/d/redis:latest', 'mirror:5000').toString(), 'mirror:5000/a/b/c/d/redis:latest');
  assert.equal(mirrorReference(`ghcr.io/o/app@${digest}`, 'm.example').toString(), `m.example/o/app@${digest}`);
  assert.equal(mirrorReference('ghcr.io/o/app', 'm.example').toString(), 'm.example/o/app:latest');
});

test('mirrorReplacementRule gives a valid rule that rewrites the image to its mirror copy', () => {
  const cases: [string, string, string, string][] = [
    ['harbor.domain/a/nginx:1', 'mirror:5000', 'harbor.domain/a', 'mirror:5000/a'],
    ['nginx:latest', 'mirror:5000', '', 'mirror:5000/library'],
    ['library/nginx', 'mirror:5000/hub', 'library', 'mirror:5000/hub/library'],
    ['user/app:2', 'mirror:5000', 'user', 'mirror:5000/user'],
    ['docker.io/library/redis:7', 'mirror:5000', 'docker.io/library', 'mirror:5000/library'],
  ];
  for (const [image, mirror, prefix, replaceWith] of cases) {
    const rule = mirrorReplacementRule(image, mirror);
    assert.deepEqual(rule, { repositoryPrefix: prefix, replaceWith }, image);
    assert.deepEqual(validateReplacementRules(JSON.stringify([rule])), [], image);
    assert.equal(applyReplacement(image, [rule]).image.split('/')[0], mirror.split('/')[0], image);
  }
});

test('mirrorReplacementRule refuses a mirror that is the image itself', () => {
  assert.throws(() => mirrorReplacementRule('mirror:5000/a/app:1', 'mirror:5000'), (e: unknown) => isImageError(e, ErrorCode.InvalidArgument));
});
