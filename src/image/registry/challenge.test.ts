import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseChallenges, preferredChallenge } from './challenge.ts';

test('parses the distribution registry Bearer challenge', () => {
  const [c] = parseChallenges(
    'Bearer realm="http://127.0.0.1:5171/token",service="test-registry",scope="repository:x/y:pull",error="insufficient_scope"',
  );
  assert.deepEqual(c, {
    scheme: 'bearer',
    params: {
      realm: 'http://127.0.0.1:5171/token',
      service: 'test-registry',
      scope: 'repository:x/y:pull',
      error: 'insufficient_scope',
    },
  });
});

test('parses several challenges in one header and in several headers', () => {
  const cs = parseChallenges(['Basic realm="a b", charset=UTF-8', 'Bearer realm="https://auth/token",scope="a:b:pull,push"']);
  assert.equal(cs.length, 2);
  assert.deepEqual(cs[0], { scheme: 'basic', params: { realm: 'a b', charset: 'UTF-8' } });
  assert.equal(cs[1]?.params.scope, 'a:b:pull,push');
  assert.equal(preferredChallenge(cs)?.scheme, 'bearer');
});

test('handles escapes, odd spacing and garbage without throwing', () => {
  const [c] = parseChallenges('Bearer  realm = "x\\"y" , service=svc');
  assert.equal(c?.params.realm, 'x"y');
  assert.equal(c?.params.service, 'svc');
  for (const junk of ['', '=', ',,,', '"', 'Bearer realm="unterminated', '==x', 'a=b']) {
    assert.doesNotThrow(() => parseChallenges(junk));
  }
  assert.equal(preferredChallenge(parseChallenges('Negotiate abc')), undefined);
});
