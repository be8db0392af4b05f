import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import type { Credential } from './credential.ts';
import { ErrorCode, ImageError, InvalidReferenceError } from './errors.ts';
import { Keyring } from './keyring.ts';
import { registryKey, registryKeyMatches } from './keyring-match.ts';
import { parseReference } from './reference.ts';

const b64 = (text: string): string => Buffer.from(text).toString('base64');
const entry = (username: string, password: string) => ({ username, password, email: `${username}@example.com` });
const isReference = (text: string): boolean => {
  try {
    parseReference(text);
    return true;
  } catch {
    return false;
  }
};
const ada: Credential = { username: 'ada', password: 'smash' };
const grace: Credential = { username: 'grace', password: 'squash' };

describe('Keyring lookup (kubelet keyring_test.go)', () => {
  // TestDockerKeyringLookup
  const keyring = Keyring.fromDockerConfigs([
    { 'bar.example.com/pong': entry('grace', 'squash'), 'bar.example.com': entry('ada', 'smash') },
  ]);
  const cases: [string, Credential[]][] = [
    ['bar.example.com/pong', [grace, ada]],
    ['bar.example.com/ping', [ada]],
    ['bar.example.com/pongz', [grace, ada]],
    ['bar.example.com/pong/pang', [grace, ada]],
    ['bar.example.com/pong:1.0', [grace, ada]],
    ['example.com/pong', []],
    ['foo.example.com/pong', []],
    // Looked up as the normalized name docker.io/library/bar.example.com.
    ['bar.example.com', []],
  ];
  for (const [image, expected] of cases) {
    test(`${image} -> [${expected.map((c) => c.username).join(', ')}]`, () => {
      assert.deepEqual(keyring.lookup(image), expected);
    });
  }

  test('a bare host matches its key directly, as in the kubelet', () => {
    assert.equal(registryKeyMatches('bar.example.com', 'bar.example.com'), true);
  });

  // TestIssue3797: a key with scheme and /v1/ matches by host.
  test('https://quay.io/v1/ covers every quay.io image', () => {
    const rex = Keyring.fromDockerConfigs([{ 'https://quay.io/v1/': entry('rex', 'tiny arms') }]);
    for (const image of ['quay.io/foo', 'quay.io/foo/bar']) {
      assert.deepEqual(rex.lookup(image), [{ username: 'rex', password: 'tiny arms' }], image);
    }
  });

  // TestDockerKeyringForGlob and TestKeyringMiss: keys stored with auth + email, looked up as
  // `<target>/foo/bar`. Targets that are not image references are checked on the raw match.
  const auth = { email: 'foo@bar.baz', auth: b64('foo:bar') };
  const hits: [string, string][] = [
    ['https://hello.kubernetes.io', 'hello.kubernetes.io'],
    ['https://*.docker.io', 'prefix.docker.io'],
    ['https://prefix.*.io', 'prefix.docker.io'],
    ['https://prefix.docker.*', 'prefix.docker.io'],
    ['https://*.docker.io/path', 'prefix.docker.io/path'],
    ['https://prefix.*.io/path', 'prefix.docker.io/path/subpath'],
    ['https://prefix.docker.*/path', 'prefix.docker.io/path'],
    ['https://*.docker.io:8888', 'prefix.docker.io:8888'],
    ['https://prefix.*.io:8888', 'prefix.docker.io:8888'],
    ['https://prefix.docker.*:8888', 'prefix.docker.io:8888'],
    ['https://*.docker.io/path:1111', 'prefix.docker.io/path:1111'],
    ['https://*.docker.io/v1/', 'prefix.docker.io/path:1111'],
    ['https://*.docker.io/v2/', 'prefix.docker.io/path:1111'],
    ['https://prefix.docker.*/path:1111', 'prefix.docker.io/path:1111'],
    ['prefix.docker.io:1111', 'prefix.docker.io:1111/path'],
    ['*.docker.io:1111', 'prefix.docker.io:1111/path'],
  ];
  const misses: [string, string][] = [
    ['https://hello.kubernetes.io', 'world.mesos.org/foo/bar'],
    ['https://*.docker.com', 'prefix.docker.io'],
    ['https://suffix.*.io', 'prefix.docker.io'],
    ['https://prefix.docker.c*', 'prefix.docker.io'],
    ['https://prefix.*.io/path:1111', 'prefix.docker.io/path/subpath:1111'],
    ['suffix.*.io', 'prefix.docker.io'],
  ];
  for (const [key, target, expected] of [
    ...hits.map(([k, t]) => [k, t, true] as const),
    ...misses.map(([k, t]) => [k, t, false] as const),
  ]) {
    test(`${key} ${expected ? 'covers' : 'misses'} ${target}/foo/bar`, () => {
      const image = `${target}/foo/bar`;
      const normalized = registryKey(key);
      assert.ok(normalized !== undefined);
      assert.equal(registryKeyMatches(normalized, image), expected);
      if (isReference(image)) {
        const found = Keyring.fromDockerConfigs([{ [key]: auth }]).lookup(image);
        assert.deepEqual(found, expected ? [{ username: 'foo', password: 'bar' }] : []);
      }
    });
  }
});

describe('Docker Hub fallback', () => {
  const hub = Keyring.fromDockerConfigs([{ auths: { 'https://index.docker.io/v1/': { auth: b64('foo:bar') } } }]);
  const foo: Credential[] = [{ username: 'foo', password: 'bar' }];

  test('Hub images get index.docker.io credentials', () => {
    for (const image of ['google/docker-registry', 'jenkins', 'docker.io/library/nginx:1', 'index.docker.io/google/docker-registry']) {
      assert.deepEqual(hub.lookup(image), foo, image);
    }
  });

  test('other registries do not', () => {
    for (const image of ['world.mesos.org/foo/bar', 'registry.tld/foo/bar', 'registry:5000/foo/bar', 'myhostdocker.io/foo/bar']) {
      assert.deepEqual(hub.lookup(image), [], image);
    }
  });

  test('a first component without "." or ":" counts as Hub, as in the kubelet', () => {
    assert.deepEqual(hub.lookup('localhost/foo'), foo);
    assert.deepEqual(hub.lookup('Foo/bar'), foo);
  });

  test('the fallback applies only when nothing matched', () => {
    const both = Keyring.fromDockerConfigs([
      { auths: { 'index.docker.io': { auth: b64('hub:1') }, 'docker.io/library': { auth: b64('lib:2') } } },
    ]);
    assert.deepEqual(both.lookup('nginx'), [{ username: 'lib', password: '2' }]);
    assert.deepEqual(both.lookup('someone/app'), [{ username: 'hub', password: '1' }]);
  });
});

describe('Keyring.add', () => {
  test('reads config.json / .dockerconfigjson and legacy .dockercfg documents', () => {
    const modern = Keyring.fromDockerConfigs([{ auths: { 'r.example.com': { auth: b64('a:1') } }, credsStore: 'desktop' }]);
    const legacy = Keyring.fromDockerConfigs([{ 'r.example.com': { auth: b64('a:1'), email: 'a@example.com' } }]);
    assert.deepEqual(modern.lookup('r.example.com/x'), [{ username: 'a', password: '1' }]);
    assert.deepEqual(legacy.lookup('r.example.com/x'), [{ username: 'a', password: '1' }]);
    assert.deepEqual(Keyring.fromDockerConfigs([{ credsStore: 'desktop' }]).lookup('r.example.com/x'), []);
    assert.deepEqual(Keyring.fromDockerConfigs([{ auths: null }, {}]).lookup('r.example.com/x'), []);
  });

  test('auth: padded or not, split on the first ":", wins over username/password', () => {
    const keyring = Keyring.fromDockerConfigs([
      {
        auths: {
          'padded.example.com': { auth: b64('user:pa:ss') },
          'unpadded.example.com': { auth: b64('ab:c').replace(/=+$/, '') },
          'both.example.com': { auth: b64('fromauth:x'), username: 'ignored', password: 'ignored' },
          'wrapped.example.com': { auth: `${b64('user:').slice(0, 4)}\n${b64('user:').slice(4)}` },
          'fields.example.com': { username: 'u', password: 'p', identitytoken: 'id', registrytoken: 'rt' },
          'empty-auth.example.com': { auth: '', username: 'u2', password: 'p2' },
          'folded.example.com': { Username: 'U', PASSWORD: 'P', IdentityToken: 'I' },
          'null.example.com': { username: 'n', password: null },
        },
      },
    ]);
    const look = (host: string) => keyring.lookup(`${host}/x`);
    assert.deepEqual(look('padded.example.com'), [{ username: 'user', password: 'pa:ss' }]);
    assert.deepEqual(look('unpadded.example.com'), [{ username: 'ab', password: 'c' }]);
    assert.deepEqual(look('both.example.com'), [{ username: 'fromauth', password: 'x' }]);
    assert.deepEqual(look('wrapped.example.com'), [{ username: 'user' }]);
    assert.deepEqual(look('fields.example.com'), [{ username: 'u', password: 'p', identityToken: 'id', registryToken: 'rt' }]);
    assert.deepEqual(look('empty-auth.example.com'), [{ username: 'u2', password: 'p2' }]);
    assert.deepEqual(look('folded.example.com'), [{ username: 'U', password: 'P', identityToken: 'I' }]);
    assert.deepEqual(look('null.example.com'), [{ username: 'n' }]);
  });

  test('http:// and https:// keys are one key; credentials keep insertion order', () => {
    const keyring = Keyring.fromDockerConfigs([
      { 'http://r.example.com': { auth: b64('first:1') }, 'https://r.example.com/v2/': { auth: b64('second:2') } },
      { auths: { 'r.example.com': { auth: b64('third:3') } } },
    ]);
    assert.deepEqual(keyring.lookup('r.example.com/app').map((c) => c.username), ['first', 'second', 'third']);
  });

  test('documents share one index sorted in reverse byte order', () => {
    const keyring = Keyring.fromDockerConfigs([
      { auths: { 'r.example.com': { auth: b64('host:1') } } },
      { auths: { 'r.example.com/org': { auth: b64('org:2') }, 'r.example.com/org/app': { auth: b64('app:3') } } },
    ]);
    assert.deepEqual(keyring.lookup('r.example.com/org/app:1').map((c) => c.username), ['app', 'org', 'host']);
    assert.deepEqual(keyring.lookup('r.example.com/other').map((c) => c.username), ['host']);
  });

  test('wildcard keys', () => {
    const keyring = Keyring.fromDockerConfigs([{ auths: { '*.example.com': { auth: b64('w:1') } } }]);
    assert.equal(keyring.lookup('reg.example.com/x').length, 1);
    assert.equal(keyring.lookup('example.com/x').length, 0);
    assert.equal(keyring.lookup('a.b.example.com/x').length, 0);
  });

  test('unparsable keys are skipped and listed', () => {
    const keyring = Keyring.fromDockerConfigs([{ auths: { 'bad host': { auth: b64('a:b') }, 'ok.example.com': {} } }]);
    assert.deepEqual(keyring.ignoredKeys, ['bad host']);
    assert.deepEqual(keyring.lookup('ok.example.com/x'), [{}]);
  });

  const bad: [string, unknown, RegExp][] = [
    ['an array', [], /docker config in secret ns\/s must be a JSON object .* got an array/],
    ['a string', 'nope', /got a string/],
    ['null', null, /got null/],
    ['non-object auths', { auths: [] }, /"auths" must be an object, got an array/],
    ['non-object entry', { auths: { 'r.example.com': 'c2VjcmV0OnNlY3JldA==' } }, /entry "r\.example\.com" in secret ns\/s: must be an object/],
    ['non-string field', { auths: { 'r.example.com': { username: 1 } } }, /"username" must be a string, got a number/],
    ['bad base64', { auths: { 'r.example.com': { auth: 'c2VjcmV0!!!' } } }, /entry "r\.example\.com" in secret ns\/s: "auth" is not valid base64/],
    ['wrong padding', { auths: { 'r.example.com': { auth: 'YWJjZA=' } } }, /not valid base64/],
    ['auth with a space', { auths: { 'r.example.com': { auth: `${b64('a:b')} ` } } }, /not valid base64/],
    ['auth without colon', { auths: { 'r.example.com': { auth: b64('secretsecret') } } }, /does not decode to "user:password"/],
  ];
  for (const [name, doc, message] of bad) {
    test(`rejects ${name} with INVALID_CREDENTIALS and no secret in the message`, () => {
      const keyring = Keyring.fromDockerConfigs([{ auths: { 'r.example.com': { auth: b64('kept:1') } } }]);
      assert.throws(
        () => keyring.add(doc, { source: 'secret ns/s' }),
        (err: unknown) => {
          assert.ok(err instanceof ImageError);
          assert.equal(err.code, ErrorCode.InvalidCredentials);
          assert.match(err.message, message);
          assert.ok(!/secret(secret|!!!)|c2VjcmV0/.test(err.message), err.message);
          return true;
        },
      );
      assert.deepEqual(keyring.lookup('r.example.com/x'), [{ username: 'kept', password: '1' }], 'add is all or nothing');
    });
  }
});

describe('Keyring.merge and matches', () => {
  const pod = Keyring.fromDockerConfigs([{ auths: { 'r.example.com': { auth: b64('pod:1') }, 'docker.io': { auth: b64('podhub:1') } } }], {
    source: 'secret default/regcred',
  });
  const node = Keyring.fromDockerConfigs([
    { auths: { 'r.example.com': { auth: b64('node:2') }, 'https://index.docker.io/v1/': { auth: b64('nodehub:2') } } },
  ]);
  const merged = pod.merge(node);

  test('pod secrets come first, then the node keyring, each with its own Hub fallback', () => {
    assert.deepEqual(merged.lookup('r.example.com/app').map((c) => c.username), ['pod', 'node']);
    assert.deepEqual(merged.lookup('nginx').map((c) => c.username), ['podhub', 'nodehub']);
    assert.deepEqual(merged.lookup('other.example.com/app'), []);
  });

  test('merge leaves both inputs unchanged and add() goes to the first part', () => {
    merged.add({ auths: { 'new.example.com': { auth: b64('new:3') } } });
    assert.deepEqual(merged.lookup('new.example.com/x').map((c) => c.username), ['new']);
    assert.deepEqual(pod.lookup('new.example.com/x'), []);
    assert.deepEqual(node.lookup('r.example.com/app').map((c) => c.username), ['node']);
  });

  test('matches() tells the key and source of each credential', () => {
    assert.deepEqual(merged.matches('r.example.com/app'), [
      { key: 'r.example.com', credential: { username: 'pod', password: '1' }, source: 'secret default/regcred' },
      { key: 'r.example.com', credential: { username: 'node', password: '2' }, source: undefined },
    ]);
    assert.equal(merged.matches('nginx')[1]?.key, 'index.docker.io');
  });

  test('lookup accepts a Reference and rejects invalid names', () => {
    assert.deepEqual(merged.lookup(parseReference('r.example.com/app@sha256:' + 'a'.repeat(64))).length, 2);
    assert.throws(() => merged.lookup('Not Valid'), InvalidReferenceError);
  });
});
