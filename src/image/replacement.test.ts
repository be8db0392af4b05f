import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ErrorCode, ImageError } from './errors.ts';
import { parseReference } from './reference.ts';
import { applyReplacement, imagePrefix, parseReplacementRules, validateReplacementRules } from './replacement.ts';

// ../shared/seeds/002_ffbd970336bea3a6.txt, "Procedure" and "Table 1 Annotations", verbatim.
const SEED_ANNOTATION = `[
    {"repositoryPrefix":"harbor.domain","replaceWith":"swr.cn-north-4.myhuaweicloud.com/org1"},
    {"repositoryPrefix":"","replaceWith":"swr.cn-north-4.myhuaweicloud.com/org1"},
    {"repositoryPrefix":"harbor.domain/a/b/c/d","replaceWith":"swr.cn-north-4.myhuaweicloud.com/org2"}
]`;
const SEED_EXAMPLES: [annotation: string, before: string, after: string][] = [
  ['[\n\n{"repositoryPrefix":"harbor.domain","replaceWith":"swr.cn-north-4.myhuaweicloud.com/org1"}\n\n]', 'harbor.domain/ubuntu:latest', 'swr.cn-north-4.myhuaweicloud.com/org1/ubuntu:latest'],
  ['[\n\n{"repositoryPrefix":"","replaceWith":"swr.cn-north-4.myhuaweicloud.com/org1"}\n\n]', 'nginx:latest', 'swr.cn-north-4.myhuaweicloud.com/org1/nginx:latest'],
  ['[\n\n{"repositoryPrefix":"harbor.domain/a/b/c/d","replaceWith":"swr.cn-north-4.myhuaweicloud.com/org2"}\n\n]', 'harbor.domain/a/b/c/d/redis:latest', 'swr.cn-north-4.myhuaweicloud.com/org2/redis:latest'],
];

describe('seed 002 worked examples', () => {
  for (const [annotation, before, after] of SEED_EXAMPLES) {
    test(`${before} -> ${after}`, () => {
      const rules = parseReplacementRules(annotation);
      assert.deepEqual(applyReplacement(before, rules), { image: after, rule: rules[0] });
    });
  }

  test('the three rules together, in any order, give the same results', () => {
    const rules = parseReplacementRules(SEED_ANNOTATION);
    assert.equal(rules.length, 3);
    for (const order of [rules, [...rules].reverse(), [rules[1], rules[2], rules[0]]]) {
      const list = order.filter((r) => r !== undefined);
      for (const [, before, after] of SEED_EXAMPLES) assert.equal(applyReplacement(before, list).image, after);
    }
  });
});

describe('applyReplacement', () => {
  const rules = parseReplacementRules(SEED_ANNOTATION);

  test('the prefix is everything before the last "/"', () => {
    assert.equal(imagePrefix('harbor.domain/a/b/c/d/redis:latest'), 'harbor.domain/a/b/c/d');
    assert.equal(imagePrefix('nginx:latest'), '');
    assert.equal(imagePrefix('localhost:5000/app@sha256:' + 'a'.repeat(64)), 'localhost:5000');
  });

  test('a non-empty prefix matches only an equal prefix, not a longer or shorter one', () => {
    assert.deepEqual(applyReplacement('harbor.domain/a/redis:1', rules), { image: 'harbor.domain/a/redis:1' });
    assert.deepEqual(applyReplacement('harbor.domain/a/b/c/d/e/redis:1', rules), { image: 'harbor.domain/a/b/c/d/e/redis:1' });
    assert.deepEqual(applyReplacement('harbor.domainx/redis:1', rules), { image: 'harbor.domainx/redis:1' });
    assert.deepEqual(applyReplacement('other.io/redis', rules), { image: 'other.io/redis' });
  });

  test('tags and digests are kept', () => {
    const digest = `sha256:${'b'.repeat(64)}`;
    assert.equal(applyReplacement(`harbor.domain/ubuntu@${digest}`, rules).image, `swr.cn-north-4.myhuaweicloud.com/org1/ubuntu@${digest}`);
    assert.equal(applyReplacement(`nginx:1.27@${digest}`, rules).image, `swr.cn-north-4.myhuaweicloud.com/org1/nginx:1.27@${digest}`);
    assert.equal(applyReplacement('nginx', rules).image, 'swr.cn-north-4.myhuaweicloud.com/org1/nginx');
  });

  test('images are matched as written: Docker Hub names in full need their own rule', () => {
    assert.equal(applyReplacement('docker.io/library/nginx:latest', rules).image, 'docker.io/library/nginx:latest');
    assert.equal(applyReplacement('library/nginx:latest', rules).image, 'library/nginx:latest');
    const hub = parseReplacementRules('[{"repositoryPrefix":"docker.io/library","replaceWith":"mirror.local/hub"}]');
    assert.equal(applyReplacement('docker.io/library/nginx:latest', hub).image, 'mirror.local/hub/nginx:latest');
  });

  test('valid rules turn a valid image into a valid image', () => {
    const varied = parseReplacementRules('[{"repositoryPrefix":"localhost:5000/a","replaceWith":"[::1]:5000/b"},{"repositoryPrefix":"team_x/a-b","replaceWith":"Mirror.Example:443"}]');
    for (const image of ['localhost:5000/a/app:1', 'team_x/a-b/app', ...SEED_EXAMPLES.map(([, before]) => before)]) {
      const result = applyReplacement(image, [...rules, ...varied]);
      assert.ok(result.rule, image);
      assert.doesNotThrow(() => parseReference(result.image), result.image);
    }
  });

  test('no rules, no change', () => {
    assert.deepEqual(applyReplacement('nginx', []), { image: 'nginx' });
    assert.deepEqual(parseReplacementRules('[]'), []);
  });
});

describe('validateReplacementRules: the seed rules one by one', () => {
  const one = (prefix: unknown, replaceWith: unknown) => JSON.stringify([{ repositoryPrefix: prefix, replaceWith }]);
  const cases: [name: string, json: string, problems: string[]][] = [
    ['the seed annotation is valid', SEED_ANNOTATION, []],
    ['ports, IPv6 and localhost registries', '[{"repositoryPrefix":"localhost:5000/a","replaceWith":"[::1]:5000/b"},{"repositoryPrefix":"team_x/a-b","replaceWith":"Mirror.Example:443"}]', []],
    ['not JSON', '[{"repositoryPrefix":', ['must be valid JSON: a JSON list of {"repositoryPrefix": "...", "replaceWith": "..."} objects']],
    ['not a list', '{"repositoryPrefix":"a","replaceWith":"b"}', ['must be a JSON list of {"repositoryPrefix": "...", "replaceWith": "..."} objects']],
    ['a rule that is not an object', '["harbor.domain"]', ['rules[0]: must be an object with exactly "repositoryPrefix" and "replaceWith"']],
    ['a missing field', '[{"repositoryPrefix":"a.io"}]', ['rules[0].replaceWith: required']],
    ['an extra field', '[{"repositoryPrefix":"a.io","replaceWith":"b.io","x":1}]', ['rules[0]: unknown field "x": a rule has exactly "repositoryPrefix" and "replaceWith"']],
    ['a field that is not a string', one(null, 5), ['rules[0].repositoryPrefix: must be a string', 'rules[0].replaceWith: must be a string']],
    [
      'prefixes are unique',
      '[{"repositoryPrefix":"","replaceWith":"a.io"},{"repositoryPrefix":"","replaceWith":"b.io"}]',
      ['rules[1].repositoryPrefix: "" is used by an earlier rule: each repositoryPrefix must be unique'],
    ],
    ['repositoryPrefix ends with "/"', one('harbor.domain/', 'b.io'), ['rules[0].repositoryPrefix: must not end with "/"']],
    ['replaceWith ends with "/"', one('a.io', 'swr.io/org1/'), ['rules[0].replaceWith: must not end with "/"']],
    ['replaceWith equals repositoryPrefix', one('a.io/x', 'a.io/x'), ['rules[0].replaceWith: must differ from repositoryPrefix']],
    ['replaceWith is empty', one('a.io', ''), ['rules[0].replaceWith: must not be empty']],
    [
      'a bad registry host',
      one('harbor_x.io', 'b.io'),
      ['rules[0].repositoryPrefix: "harbor_x.io" is not a valid image name prefix: registry "harbor_x.io" must be host[:port], the host in dot-separated labels of letters, digits and "-"'],
    ],
    [
      'a bad port',
      one('a.io', 'b.io:http/x'),
      ['rules[0].replaceWith: "b.io:http/x" is not a valid image name prefix: registry "b.io:http" must be host[:port], the host in dot-separated labels of letters, digits and "-"'],
    ],
    [
      'an upper-case path component',
      one('a.io/Org', 'b.io'),
      ['rules[0].repositoryPrefix: "a.io/Org" is not a valid image name prefix: path component "Org" must be lowercase letters and digits, separated by ".", "_", "__" or dashes'],
    ],
    ['an empty path component', one('a.io//x', 'b.io'), ['rules[0].repositoryPrefix: "a.io//x" is not a valid image name prefix: it has an empty path component']],
    [
      'a tag is not part of a prefix',
      one('a.io/x:1', 'b.io'),
      ['rules[0].repositoryPrefix: "a.io/x:1" is not a valid image name prefix: path component "x:1" must be lowercase letters and digits, separated by ".", "_", "__" or dashes'],
    ],
  ];
  for (const [name, json, problems] of cases) {
    test(name, () => assert.deepEqual(validateReplacementRules(json), problems));
  }

  test('parseReplacementRules throws an ImageError with a stable code, naming every problem', () => {
    assert.throws(
      () => parseReplacementRules(one('a.io/', 'a.io/')),
      (err: unknown) =>
        err instanceof ImageError &&
        err.code === ErrorCode.InvalidReplacementRules &&
        err.message === 'invalid image replacement rules: rules[0].replaceWith: must differ from repositoryPrefix; rules[0].repositoryPrefix: must not end with "/"; rules[0].replaceWith: must not end with "/"',
    );
  });

  test('a hostile value is checked in linear time', () => {
    const long = `a${'-'.repeat(200_000)}!`;
    const started = performance.now();
    assert.equal(validateReplacementRules(one(long, `${long}.io`)).length, 2);
    assert.ok(performance.now() - started < 500);
  });
});
