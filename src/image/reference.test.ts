import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode, InvalidReferenceError } from './errors.ts';
import { Reference, isDockerHub, parseReference, withDigest } from './reference.ts';

const HEX64 = 'f'.repeat(64);
const SHA256 = `sha256:${HEX64}`;
const SHA384 = `sha384:${'a'.repeat(96)}`;
const SHA512 = `sha512:${'b'.repeat(128)}`;

interface Parts {
  registry: string;
  repository: string;
  tag: string | undefined;
  digest: string | undefined;
}

function partsOf(ref: Reference): Parts {
  return { registry: ref.registry, repository: ref.repository, tag: ref.tag, digest: ref.digest };
}

// [input, registry, repository, tag, digest]; many taken from distribution/reference's
// reference_test.go and normalize_test.go, run through ParseNormalizedNamed.
const VALID: [string, string, string, string?, string?][] = [
  ['nginx', 'docker.io', 'library/nginx'],
  ['nginx:1.27', 'docker.io', 'library/nginx', '1.27'],
  ['library/ubuntu', 'docker.io', 'library/ubuntu'],
  ['docker/docker', 'docker.io', 'docker/docker'],
  ['other/library', 'docker.io', 'other/library'],
  ['docker.io/debian', 'docker.io', 'library/debian'],
  ['docker.io/library/debian:latest', 'docker.io', 'library/debian', 'latest'],
  ['index.docker.io/debian', 'docker.io', 'library/debian'],
  ['index.docker.io/docker/docker', 'docker.io', 'docker/docker'],
  ['localhost/debian', 'localhost', 'debian'],
  ['localhost/library/debian', 'localhost', 'library/debian'],
  ['localhost:5000/x', 'localhost:5000', 'x'],
  ['localhost:8000/private/moonbase', 'localhost:8000', 'private/moonbase'],
  ['localhost:5000', 'docker.io', 'library/localhost', '5000'],
  ['127.0.0.1:5000/docker/docker', '127.0.0.1:5000', 'docker/docker'],
  ['192.168.0.1', 'docker.io', 'library/192.168.0.1'],
  ['192.168.0.1:80', 'docker.io', 'library/192.168.0.1', '80'],
  ['192.168.0.1:8/debian', '192.168.0.1:8', 'debian'],
  ['192.168.1.1:5000/repo:5050', '192.168.1.1:5000', 'repo', '5050'],
  ['test.com:tag', 'docker.io', 'library/test.com', 'tag'],
  ['test.com/repo:tag', 'test.com', 'repo', 'tag'],
  ['test:5000/repo', 'test:5000', 'repo'],
  ['test:5000/repo:tag', 'test:5000', 'repo', 'tag'],
  [`test:5000/repo@${SHA256}`, 'test:5000', 'repo', undefined, SHA256],
  [`test:5000/repo:tag@${SHA256}`, 'test:5000', 'repo', 'tag', SHA256],
  ['test_com', 'docker.io', 'library/test_com'],
  ['lowercase:Uppercase', 'docker.io', 'library/lowercase', 'Uppercase'],
  ['foo_bar.com:8080', 'docker.io', 'library/foo_bar.com', '8080'],
  ['foo/foo_bar.com:8080', 'docker.io', 'foo/foo_bar.com', '8080'],
  ['sub-dom1.foo.com/bar/baz/quux:some-long-tag', 'sub-dom1.foo.com', 'bar/baz/quux', 'some-long-tag'],
  ['b.gcr.io/test.example.com/my-app:test.example.com', 'b.gcr.io', 'test.example.com/my-app', 'test.example.com'],
  ['xn--n3h.com/myimage:xn--n3h.com', 'xn--n3h.com', 'myimage', 'xn--n3h.com'],
  [`xn--7o8h.com/myimage:xn--7o8h.com@${SHA512}`, 'xn--7o8h.com', 'myimage', 'xn--7o8h.com', SHA512],
  [`ghcr.io/o/app@${SHA384}`, 'ghcr.io', 'o/app', undefined, SHA384],
  ['Foo/bar', 'Foo', 'bar'],
  ['EXAMPLE.com/x', 'EXAMPLE.com', 'x'],
  ['[::1]:5000/x', '[::1]:5000', 'x'],
  ['[2001:db8::1]/repo', '[2001:db8::1]', 'repo'],
  ['[2001:db8:1:2:3:4:5:6]/repo:tag', '[2001:db8:1:2:3:4:5:6]', 'repo', 'tag'],
  [`[2001:db8::1]:5000/repo:tag@${SHA256}`, '[2001:db8::1]:5000', 'repo', 'tag', SHA256],
  ['[fc00::1]:5000/docker/docker', '[fc00::1]:5000', 'docker/docker'],
  ['a/b__c/d---e/f.g_h', 'docker.io', 'a/b__c/d---e/f.g_h'],
  ['thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev', 'docker.io',
    'library/thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev'],
  [`${'a/'.repeat(127)}a:tag-puts-this-over-max`, 'docker.io', `${'a/'.repeat(127)}a`, 'tag-puts-this-over-max'],
  [`example.com/${'a'.repeat(255)}`, 'example.com', 'a'.repeat(255)],
  [`x:${'t'.repeat(128)}`, 'docker.io', 'library/x', 't'.repeat(128)],
  ['x:_under', 'docker.io', 'library/x', '_under'],
];

// [input, fragment the message must contain]
const INVALID: [string, string][] = [
  ['', 'empty'],
  [' ', 'whitespace'],
  ['nginx ', 'whitespace'],
  ['ng inx', 'whitespace'],
  ['nginx\n', 'whitespace'],
  ['nginx:', 'tag after ":" is empty'],
  ['nginx@', 'form "<algorithm>:<hex>"'],
  ['nginx:latest@', 'form "<algorithm>:<hex>"'],
  [':justtag', 'empty component'],
  [`@${SHA256}`, 'empty component'],
  ['/nginx', 'empty component'],
  ['nginx/', 'empty component'],
  ['docker///docker', 'empty component'],
  ['Uppercase:tag', 'must be lowercase'],
  ['Foo/Bar', 'must be lowercase'],
  ['docker/Docker', 'must be lowercase'],
  ['docker.io/docker/Docker', 'must be lowercase'],
  ['test:5000/Uppercase/lowercase:tag', 'must be lowercase'],
  ['-docker', 'path component "-docker"'],
  ['-docker/docker', 'path component "-docker"'],
  ['-docker.io/docker/docker', 'registry host "-docker.io"'],
  ['aa/asdf$$^/aa', 'path component "asdf$$^"'],
  ['a..b/c', 'registry host "a..b"'],
  ['foo_bar.com/x', 'registry host "foo_bar.com"'],
  ['fc00::1:5000/debian', 'invalid port'],
  ['example.com:/x', 'invalid port'],
  ['example.com:80a/x', 'invalid port'],
  ['[fc00::1]', 'tag "1]"'],
  ['[fc00::1]:5000', 'path component "[fc00::1]"'],
  ['[fe80::1%eth0]:5000/debian', 'IPv6'],
  ['[2001:db8:3:4::192.0.2.33]:5000/debian', 'IPv6'],
  ['[::1/x', 'IPv6'],
  [`repo@sha256:${'f'.repeat(34)}`, 'exactly 64 lowercase hex'],
  [`repo@sha256:${'F'.repeat(64)}`, 'exactly 64 lowercase hex'],
  [`repo@sha512:${'f'.repeat(64)}`, 'exactly 128 lowercase hex'],
  [`validname@invaliddigest:${HEX64}`, 'unsupported digest algorithm "invaliddigest"'],
  [`repo@md5:${'f'.repeat(32)}`, 'unsupported digest algorithm "md5"'],
  [`repo@SHA256:${HEX64}`, 'unsupported digest algorithm "SHA256"'],
  ['repo@sha256:../../etc/passwd', 'exactly 64'],
  [`repo@${SHA256}@${SHA256}`, 'exactly 64'],
  ['1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a', 'image ID'],
  [`${'a/'.repeat(128)}a:tag`, 'more than 255 characters'],
  [`example.com/${'a'.repeat(256)}`, 'more than 255 characters'],
  [`x:${'t'.repeat(129)}`, '129 characters long'],
  ['x:-dash', 'tag "-dash" is not valid'],
  ['x:.dot', 'tag ".dot" is not valid'],
  ['x:a:b', 'path component "x:a"'],
  ['a/b:c/d', 'path component "b:c"'],
  ['café', 'path component "café"'],
];

describe('parseReference', () => {
  for (const [input, registry, repository, tag, digest] of VALID) {
    test(`accepts ${JSON.stringify(input.length > 60 ? `${input.slice(0, 60)}...` : input)}`, () => {
      assert.deepEqual(partsOf(parseReference(input)), { registry, repository, tag, digest });
    });
  }

  for (const [input, fragment] of INVALID) {
    test(`rejects ${JSON.stringify(input.length > 60 ? `${input.slice(0, 60)}...` : input)}`, () => {
      assert.throws(
        () => parseReference(input),
        (err: unknown) => {
          assert.ok(err instanceof InvalidReferenceError, `not an InvalidReferenceError: ${String(err)}`);
          assert.equal(err.code, ErrorCode.InvalidReference);
          assert.ok(err.message.includes(fragment), `message ${JSON.stringify(err.message)} lacks ${JSON.stringify(fragment)}`);
          assert.ok(err.message.startsWith('invalid reference "'), err.message);
          return true;
        },
      );
    });
  }

  test('quotes the input in the message', () => {
    assert.throws(() => parseReference('Foo/Bar'), {
      message: 'invalid reference "Foo/Bar": repository name must be lowercase',
    });
  });

  test('cuts a very long input in the message', () => {
    const long = `${'A'.repeat(5000)}/x`;
    assert.throws(() => parseReference(`${long} `), (err: Error) => err.message.length < 600);
  });

  test('rejects non-string input with InvalidReferenceError', () => {
    assert.throws(() => parseReference(42 as unknown as string), InvalidReferenceError);
  });
});

describe('Reference', () => {
  test('toString gives the canonical form with :latest for a bare name', () => {
    assert.equal(parseReference('nginx').toString(), 'docker.io/library/nginx:latest');
    assert.equal(parseReference('nginx').tag, undefined);
    assert.equal(parseReference('user/app:1').toString(), 'docker.io/user/app:1');
    assert.equal(parseReference(`nginx@${SHA256}`).toString(), `docker.io/library/nginx@${SHA256}`);
    assert.equal(parseReference(`nginx:1@${SHA256}`).toString(), `docker.io/library/nginx:1@${SHA256}`);
    assert.equal(JSON.stringify({ image: parseReference('nginx') }), '{"image":"docker.io/library/nginx:latest"}');
  });

  test('name is registry/repository without tag or digest', () => {
    assert.equal(parseReference(`localhost:5000/a/b:1@${SHA256}`).name, 'localhost:5000/a/b');
  });

  test('familiar gives the Docker short form', () => {
    const cases: [string, string][] = [
      ['docker.io/library/nginx', 'nginx:latest'],
      ['user/app:1', 'user/app:1'],
      ['library/a/b:1', 'library/a/b:1'],
      [`nginx@${SHA256}`, `nginx@${SHA256}`],
      ['ghcr.io/o/app:v1', 'ghcr.io/o/app:v1'],
      ['localhost:5000/x', 'localhost:5000/x:latest'],
      // Docker would print "localhost/foo", which parses back to another registry.
      ['docker.io/localhost/foo', 'docker.io/localhost/foo:latest'],
      ['docker.io/a.b/c', 'docker.io/a.b/c:latest'],
      ['docker.io/library/a.b', 'a.b:latest'],
    ];
    for (const [input, familiar] of cases) assert.equal(parseReference(input).familiar(), familiar, input);
  });

  test('withDigest pins a digest and keeps the tag', () => {
    const ref = parseReference('nginx:1.27');
    const pinned = withDigest(ref, SHA256);
    assert.equal(pinned.toString(), `docker.io/library/nginx:1.27@${SHA256}`);
    assert.equal(ref.digest, undefined, 'the original is unchanged');
    assert.equal(ref.withDigest(SHA512).digest, SHA512);
    assert.throws(() => ref.withDigest('sha256:abc'), InvalidReferenceError);
    assert.throws(() => ref.withDigest('sha256:../x'), InvalidReferenceError);
  });

  test('is immutable', () => {
    const ref = parseReference('nginx');
    assert.throws(() => {
      (ref as { registry: string }).registry = 'evil.example';
    }, TypeError);
    assert.equal(ref.registry, 'docker.io');
  });

  test('the constructor validates and applies Hub defaults', () => {
    assert.equal(new Reference({ registry: 'index.docker.io', repository: 'x' }).toString(), 'docker.io/library/x:latest');
    assert.throws(() => new Reference({ registry: 'a b', repository: 'x' }), InvalidReferenceError);
    assert.throws(() => new Reference({ registry: 'r.io', repository: '../x' }), InvalidReferenceError);
    assert.throws(() => new Reference({ registry: 'r.io', repository: 'x', tag: '' }), InvalidReferenceError);
    assert.throws(() => new Reference({ registry: 'r.io', repository: 'x', digest: 'sha1:00' }), InvalidReferenceError);
  });

  test('isDockerHub', () => {
    assert.equal(isDockerHub(parseReference('nginx')), true);
    assert.equal(isDockerHub(parseReference('index.docker.io/x/y')), true);
    assert.equal(isDockerHub(parseReference('ghcr.io/x/y')), false);
    assert.equal(isDockerHub(parseReference('localhost/x')), false);
  });
});

// A transcription of distribution/reference's grammar regexps and ParseNormalizedNamed, kept
// deliberately naive so the fuzz test can compare the real parser with it.
function oracle(s: string): Parts | undefined {
  const alnum = '[a-z0-9]+';
  const sep = '(?:[._]|__|[-]+)';
  const label = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
  const domain = `(?:${label}(?:\\.${label})*|\\[(?:[a-fA-F0-9:]+)\\])(?::[0-9]+)?`;
  const component = `${alnum}(?:${sep}${alnum})*`;
  const remote = `${component}(?:/${component})*`;
  const reference = new RegExp(
    `^((?:${domain}/)?${remote})(?::([\\w][\\w.-]{0,127}))?(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}))?$`,
  );
  const name = new RegExp(`^(?:(${domain})/)?(${remote})$`);

  if (s === '' || /^[a-f0-9]{64}$/.test(s)) return undefined;
  let dom: string;
  let rest: string;
  const slash = s.indexOf('/');
  if (slash < 0) {
    [dom, rest] = ['docker.io', `library/${s}`];
  } else {
    const first = s.slice(0, slash);
    const after = s.slice(slash + 1);
    if (first === 'localhost' || /[.:]/.test(first) || first.toLowerCase() !== first) {
      [dom, rest] = [first === 'index.docker.io' ? 'docker.io' : first, after];
    } else {
      [dom, rest] = ['docker.io', s];
    }
    if (dom === 'docker.io' && !rest.includes('/')) rest = `library/${rest}`;
  }
  const remoteName = rest.split(':')[0] ?? '';
  if (remoteName.toLowerCase() !== remoteName) return undefined;
  const m = reference.exec(`${dom}/${rest}`);
  if (m === null) return undefined;
  const nm = name.exec(m[1] ?? '');
  const registry = nm?.[1] ?? '';
  const repository = nm?.[2] ?? m[1] ?? '';
  if (repository.length > 255) return undefined;
  const digest = m[3];
  if (digest !== undefined) {
    const [alg, hex] = digest.split(':') as [string, string];
    const lengths: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };
    if (lengths[alg] === undefined || !new RegExp(`^[a-f0-9]{${lengths[alg]}}$`).test(hex)) return undefined;
  }
  // Ferry rejects what Go accepts with an empty domain ("a_b.c/x"): there is no registry to ask.
  if (registry === '') return undefined;
  return { registry, repository, tag: m[2], digest };
}

// mulberry32: tiny seeded PRNG, so every run fuzzes the same inputs.
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('parseReference fuzz', () => {
  const random = prng(0x5eed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const atoms = [
    ...'abcxyz0189ABZ._-/:@[] %é\t',
    'sha256:', 'sha512:', HEX64, 'ff', 'localhost', 'docker.io', 'index.docker.io', '::1', 'library/', '__', '--', ':5000',
  ];
  const seeds = VALID.map(([input]) => input).filter((s) => s.length < 120);

  function mutate(s: string): string {
    let out = s;
    const edits = 1 + Math.floor(random() * 3);
    for (let i = 0; i < edits; i++) {
      const at = Math.floor(random() * (out.length + 1));
      const op = random();
      if (op < 0.4) out = out.slice(0, at) + pick(atoms) + out.slice(at);
      else if (op < 0.7) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(random() * 3));
      else if (op < 0.9) out = out.slice(0, at) + pick(atoms) + out.slice(at + 1);
      else out = out + pick(seeds);
    }
    return out;
  }

  test('agrees with the grammar, throws only InvalidReferenceError, and round-trips', () => {
    let accepted = 0;
    const inputs: string[] = [];
    for (let i = 0; i < 6000; i++) inputs.push(mutate(pick(seeds)));
    for (let i = 0; i < 3000; i++) {
      let s = '';
      const n = Math.floor(random() * 12);
      for (let j = 0; j < n; j++) s += pick(atoms);
      inputs.push(s);
    }
    for (const input of inputs) {
      let got: Parts | undefined;
      try {
        const ref = parseReference(input);
        got = partsOf(ref);
        accepted++;
        const again = parseReference(ref.toString());
        assert.equal(again.toString(), ref.toString(), `toString round trip of ${JSON.stringify(input)}`);
        assert.deepEqual({ ...partsOf(again), tag: undefined }, { ...got, tag: undefined });
        assert.equal(parseReference(ref.familiar()).toString(), ref.toString(), `familiar round trip of ${JSON.stringify(input)}`);
      } catch (err) {
        if (!(err instanceof InvalidReferenceError)) throw err;
        assert.ok(err.message.startsWith('invalid reference'), err.message);
      }
      assert.deepEqual(got, oracle(input), `parser and grammar disagree on ${JSON.stringify(input)}`);
    }
    assert.ok(accepted > 1000, `only ${accepted} of ${inputs.length} fuzz inputs were valid`);
    assert.ok(accepted < inputs.length - 1000, 'the fuzz inputs are nearly all valid');
  });
});
