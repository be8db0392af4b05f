// Issue 5 section 3: CCI's `coordinator.cci.io/image-replacement` annotation
// (../shared/seeds/002_ffbd970336bea3a6.txt) checked at admission through the real server with the
// real kubectl, and the api part's copy of the rules cross-checked against the image part's.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { imageReplacementProblems } from '../src/api/validation/image-replacement.ts';
import { parseReplacementRules, validateReplacementRules } from '../src/image/replacement.ts';
import { startTestControlPlane } from './fixtures/control-plane.ts';
import type { TestControlPlane } from './fixtures/control-plane.ts';

// The seed's "Procedure" example, verbatim, as it sits in a workload's YAML.
const SEED_ANNOTATION_YAML = `"coordinator.cci.io/image-replacement": '[
    {"repositoryPrefix":"harbor.domain","replaceWith":"swr.cn-north-4.myhuaweicloud.com/org1"},
    {"repositoryPrefix":"","replaceWith":"swr.cn-north-4.myhuaweicloud.com/org1"},
    {"repositoryPrefix":"harbor.domain/a/b/c/d","replaceWith":"swr.cn-north-4.myhuaweicloud.com/org2"}
]'`;

function indent(text: string, spaces: number): string {
  return text.split('\n').map((line, i) => (i === 0 ? line : ' '.repeat(spaces) + line)).join('\n');
}

function deployment(name: string, annotation: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
      annotations:
        ${indent(annotation, 8)}
    spec:
      containers:
      - name: container-0
        image: harbor.domain/ubuntu:latest
      - name: container-1
        image: nginx:latest
`;
}

function pod(name: string, annotation: string): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  annotations:
    ${indent(annotation, 4)}
spec:
  containers:
  - name: container-2
    image: harbor.domain/a/b/c/d/redis:latest
`;
}

describe('image-replacement admission (kubectl 1.32)', () => {
  let cp: TestControlPlane;
  const create = (stdin: string) => cp.kubectl(32, ['create', '-f', '-'], { stdin });
  before(async () => {
    cp = await startTestControlPlane();
  });
  after(async () => {
    await cp.close();
  });

  test("a Deployment with the seed's annotation is created", async () => {
    const result = await create(deployment('seed', SEED_ANNOTATION_YAML));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), 'deployment.apps/seed created');
    const stored = await cp.kubectl(32, ['get', 'deployment', 'seed', '-o', 'jsonpath={.spec.template.metadata.annotations.coordinator\\.cci\\.io/image-replacement}']);
    assert.equal(stored.code, 0, stored.stderr);
    assert.equal(parseReplacementRules(stored.stdout).length, 3);
  });

  test('a Deployment with an invalid annotation gets a 422 naming the field and the rule', async () => {
    const annotation = `coordinator.cci.io/image-replacement: '[{"repositoryPrefix":"harbor.domain/","replaceWith":"swr.cn-north-4.myhuaweicloud.com/org1"}]'`;
    const result = await create(deployment('x', annotation));
    assert.notEqual(result.code, 0);
    assert.equal(
      result.stderr.trim(),
      'The Deployment "x" is invalid: spec.template.metadata.annotations[coordinator.cci.io/image-replacement]: Invalid value: ' +
        '"[{\\"repositoryPrefix\\":\\"harbor.domain/\\",\\"replaceWith\\":\\"swr.cn-north-4.myhuaweicloud.com/org1\\"}]": ' +
        'rules[0].repositoryPrefix: must not end with "/"',
    );
    const missing = await cp.kubectl(32, ['get', 'deployment', 'x']);
    assert.match(missing.stderr, /NotFound/);
  });

  test('duplicate prefixes and bad JSON are refused on a Pod, on metadata.annotations', async () => {
    const dup = `coordinator.cci.io/image-replacement: '[{"repositoryPrefix":"","replaceWith":"a.io"},{"repositoryPrefix":"","replaceWith":"b.io"}]'`;
    const result = await create(pod('dup', dup));
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /^The Pod "dup" is invalid: metadata\.annotations\[coordinator\.cci\.io\/image-replacement\]: Invalid value: ".*": rules\[1\]\.repositoryPrefix: "" is used by an earlier rule: each repositoryPrefix must be unique\n?$/);
    const notJson = await create(pod('nojson', `coordinator.cci.io/image-replacement: 'harbor.domain=swr.io'`));
    assert.match(notJson.stderr, /metadata\.annotations\[coordinator\.cci\.io\/image-replacement\]: Invalid value: "harbor\.domain=swr\.io": must be valid JSON/);
  });

  test("a Pod with the seed's annotation is created", async () => {
    const result = await create(pod('seed-pod', SEED_ANNOTATION_YAML));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), 'pod/seed-pod created');
  });
});

describe('the api and image parts check the same rules with the same words', () => {
  const one = (prefix: unknown, replaceWith: unknown) => JSON.stringify([{ repositoryPrefix: prefix, replaceWith }]);
  const inputs = [
    '[]',
    '[{"repositoryPrefix":"harbor.domain","replaceWith":"swr.cn-north-4.myhuaweicloud.com/org1"}]',
    '[{"repositoryPrefix":"localhost:5000/a","replaceWith":"[::1]:5000/b"},{"repositoryPrefix":"team_x/a-b","replaceWith":"Mirror.Example:443"}]',
    '[{"repositoryPrefix":',
    'null',
    '{"repositoryPrefix":"a","replaceWith":"b"}',
    '["harbor.domain", [], null]',
    '[{"repositoryPrefix":"a.io"}]',
    '[{"repositoryPrefix":"a.io","replaceWith":"b.io","x":1}]',
    '[{"repositoryPrefix":"","replaceWith":"a.io"},{"repositoryPrefix":"","replaceWith":"b.io"}]',
    one(null, 5),
    one('harbor.domain/', 'b.io'),
    one('a.io', 'swr.io/org1/'),
    one('a.io/x', 'a.io/x'),
    one('a.io', ''),
    one('harbor_x.io', 'b.io'),
    one('a.io', 'b.io:http/x'),
    one('a.io', '[::1/x'),
    one('a.io', '[::1]x/y'),
    one(':5000', 'b.io'),
    one('a.io/Org', 'b.io'),
    one('a.io//x', 'b.io'),
    one('/a', 'b.io'),
    one('a.io/x:1', 'b.io'),
    one('a.io/x@sha256:abc', 'b.io'),
    one('a..io', 'b.io'),
    one('-a.io', 'b.io'),
  ];
  for (const input of inputs) {
    test(input, () => assert.deepEqual(imageReplacementProblems(input), validateReplacementRules(input)));
  }
});
