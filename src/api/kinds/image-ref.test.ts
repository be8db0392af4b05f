import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultPullPolicy, imageRefProblem, parseImageRef } from './image-ref.ts';

const DIGEST = `sha256:${'a'.repeat(64)}`;

test('pull policy defaults from the tag', () => {
  assert.equal(defaultPullPolicy('nginx'), 'Always');
  assert.equal(defaultPullPolicy('nginx:latest'), 'Always');
  assert.equal(defaultPullPolicy('nginx:1.25'), 'IfNotPresent');
  assert.equal(defaultPullPolicy('localhost:5000/app'), 'Always');
  assert.equal(defaultPullPolicy('192.168.1.2:5000/test/nginx:v1'), 'IfNotPresent');
  assert.equal(defaultPullPolicy(`nginx@${DIGEST}`), 'IfNotPresent');
  assert.equal(defaultPullPolicy(`nginx:latest@${DIGEST}`), 'Always');
  assert.equal(defaultPullPolicy('Not A Ref'), 'IfNotPresent');
});

test('parts of a reference', () => {
  assert.deepEqual(parseImageRef('www.example.com/janedoe/awesomeapp:v1'), { name: 'www.example.com/janedoe/awesomeapp', tag: 'v1' });
  assert.deepEqual(parseImageRef(`r.io:443/a/b@${DIGEST}`), { name: 'r.io:443/a/b', digest: DIGEST });
});

test('reference problems in distribution’s words', () => {
  assert.equal(imageRefProblem('swr.cn-north-4.myhuaweicloud.com/org1/nginx:1.0.0.x86_64_test'), undefined);
  assert.equal(imageRefProblem('Nginx'), 'invalid reference format: repository name (Nginx) must be lowercase');
  assert.equal(imageRefProblem('nginx:bad tag'), 'invalid tag format');
  assert.equal(imageRefProblem('harbor***.pre.com/test/nginx:latest'), 'invalid reference format');
  assert.equal(imageRefProblem(''), 'repository name must have at least one component');
  assert.match(imageRefProblem(`r.io/${'a'.repeat(256)}`) ?? '', /must not be more than 255 characters/);
});

test('the lowercase message names the repository path without the registry', () => {
  assert.equal(imageRefProblem('r.example.com/Team/app:1'), 'invalid reference format: repository name (Team/app) must be lowercase');
});
