import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { globMatch, registryKey, registryKeyMatches } from './keyring-match.ts';

describe('registryKey', () => {
  // Normalization of BasicDockerKeyring.Add.
  const cases: [string, string | undefined][] = [
    ['https://index.docker.io/v1/', 'index.docker.io'],
    ['index.docker.io/v1/', 'index.docker.io'],
    ['http://registry.example.com', 'registry.example.com'],
    ['https://registry.example.com/', 'registry.example.com'],
    ['registry.example.com/v2/', 'registry.example.com'],
    ['registry.example.com/v2/org', 'registry.example.com/org'],
    ['registry.example.com/v1/org/app', 'registry.example.com/org/app'],
    // Only "/v1/" and "/v2/" with the slash are prefixes; "/v1" alone is a path.
    ['registry.example.com/v1', 'registry.example.com/v1'],
    ['registry.example.com/v3/', 'registry.example.com/v3/'],
    ['quay.io/org', 'quay.io/org'],
    ['localhost:5000', 'localhost:5000'],
    ['[::1]:5000/v2/', '[::1]:5000'],
    ['https://user@registry.example.com/v2/', 'registry.example.com'],
    ['registry.example.com?x=1', 'registry.example.com'],
    ['registry.example.com#frag', 'registry.example.com'],
    ['registry.example.com/a%2Fb', 'registry.example.com/a/b'],
    ['*.example.com', '*.example.com'],
    // Go accepts raw non-ASCII in a host.
    ['bücher.example/x', 'bücher.example/x'],
    // Keys Go's url.Parse rejects are skipped by the kubelet.
    ['bad host.example.com', undefined],
    ['registry.example.com:port', undefined],
    ['registry.example.com/%zz', undefined],
    ['[::1/x', undefined],
    ['reg\u0001.example.com', undefined],
    ['us{er@registry.example.com', undefined],
  ];
  for (const [location, key] of cases) {
    test(`${JSON.stringify(location)} -> ${String(key)}`, () => {
      assert.equal(registryKey(location), key);
    });
  }
});

describe('registryKeyMatches', () => {
  // kubelet keyring_test.go TestURLsMatch
  const cases: [string, string, boolean][] = [
    ['*.kubernetes.io', 'prefix.kubernetes.io', true],
    ['prefix.*.io', 'prefix.kubernetes.io', true],
    ['prefix.kubernetes.*', 'prefix.kubernetes.io', true],
    ['*-good.kubernetes.io', 'prefix-good.kubernetes.io', true],
    ['*.kubernetes.io/blah', 'prefix.kubernetes.io/blah', true],
    ['prefix.*.io/foo', 'prefix.kubernetes.io/foo/bar', true],
    ['*.kubernetes.io:1111/blah', 'prefix.kubernetes.io:1111/blah', true],
    ['prefix.*.io:1111/foo', 'prefix.kubernetes.io:1111/foo/bar', true],
    ['*.kubernetes.io', 'kubernetes.io', false],
    ['*.*.kubernetes.io', 'prefix.kubernetes.io', false],
    ['*.*.kubernetes.io', 'kubernetes.io', false],
    ['*kubernetes.io', 'a.kubernetes.io', false],
    ['*kubernetes.io', 'kubernetes.io', true],
    ['*.*.*.kubernetes.io', 'a.b.c.kubernetes.io', true],
    ['kubernetes.io', 'kubernetes.com', false],
    ['k*.io', 'quay.io', false],
    ['*.kubernetes.io:1234/blah', 'prefix.kubernetes.io:1111/blah', false],
    ['prefix.*.io/foo', 'prefix.kubernetes.io:1111/foo/bar', false],
    // and the points of section 1 of the anchors
    ['*.kubernetes.io', 'a.b.kubernetes.io', false],
    ['host.example.com/pong', 'host.example.com/pongz', true],
    ['registry.example.com', 'registry.example.com:443/x', false],
    ['registry.example.com:443', 'registry.example.com/x', false],
    ['Registry.example.com', 'registry.example.com/x', false],
    ['[::1]:5000', '[::1]:5000/x', true],
    ['registry.example.com/a', 'registry.example.com/b', false],
  ];
  for (const [glob, target, expected] of cases) {
    test(`${glob} ${expected ? 'matches' : 'does not match'} ${target}`, () => {
      assert.equal(registryKeyMatches(glob, target), expected);
    });
  }
});

describe('globMatch (Go filepath.Match)', () => {
  const cases: [string, string, boolean][] = [
    ['abc', 'abc', true],
    ['*', 'abc', true],
    ['*c', 'abc', true],
    ['a*', 'a', true],
    ['a*b*c*d*e*', 'axbxcxdxe', true],
    ['a*b?c*x', 'abxbbxdbxebxczzx', true],
    ['a*b?c*x', 'abxbbxdbxebxczzy', false],
    ['ab[c]', 'abc', true],
    ['ab[b-d]', 'abc', true],
    ['ab[e-g]', 'abc', false],
    ['ab[^c]', 'abc', false],
    ['ab[^b-d]', 'abe', true],
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'ab', false],
    ['a?b', 'a☺b', true],
    ['a[^a]b', 'a☺b', true],
    ['[a-ζ]*', 'α', true],
    ['*x', 'xxx', true],
    // malformed patterns match nothing
    ['[', 'a', false],
    ['[^', 'a', false],
    ['[]a]', ']', false],
    ['[-]', '-', false],
    ['[x-]', 'x', false],
    ['a[', 'a[', false],
    ['a\\', 'a\\', false],
    ['[a-b-c]', 'a', false],
  ];
  for (const [pattern, name, expected] of cases) {
    test(`${JSON.stringify(pattern)} vs ${JSON.stringify(name)} -> ${expected}`, () => {
      assert.equal(globMatch(pattern, name), expected);
    });
  }

  test('a pattern with many stars stays fast', () => {
    const started = performance.now();
    assert.equal(globMatch(`${'*a'.repeat(30)}*b`, 'a'.repeat(3000)), false);
    assert.ok(performance.now() - started < 2000, 'globMatch backtracked');
  });
});
