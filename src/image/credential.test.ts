import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { credentialFingerprint, describeCredential, isAnonymous } from './credential.ts';

describe('credentialFingerprint', () => {
  test('is "anonymous" for no credential or an empty one', () => {
    assert.equal(credentialFingerprint(undefined), 'anonymous');
    assert.equal(credentialFingerprint({}), 'anonymous');
    assert.equal(credentialFingerprint({ username: '', password: '' }), 'anonymous');
  });

  test('is sha256 of the canonical JSON, independent of key order and empty fields', () => {
    const expected = `sha256:${createHash('sha256').update('{"password":"s3cret","username":"alice"}').digest('hex')}`;
    assert.equal(credentialFingerprint({ username: 'alice', password: 's3cret' }), expected);
    assert.equal(credentialFingerprint({ password: 's3cret', username: 'alice', identityToken: '' }), expected);
  });

  test('differs for every field that differs', () => {
    const base = credentialFingerprint({ username: 'alice', password: 'a' });
    assert.notEqual(credentialFingerprint({ username: 'alice', password: 'b' }), base);
    assert.notEqual(credentialFingerprint({ username: 'bob', password: 'a' }), base);
    assert.notEqual(credentialFingerprint({ identityToken: 'a' }), credentialFingerprint({ registryToken: 'a' }));
    // Field boundaries are part of the hash input, so moving characters between fields matters.
    assert.notEqual(
      credentialFingerprint({ username: 'ab', password: 'c' }),
      credentialFingerprint({ username: 'a', password: 'bc' }),
    );
  });

  test('never contains the secret', () => {
    const fp = credentialFingerprint({ username: 'alice', password: 'hunter2' });
    assert.match(fp, /^sha256:[a-f0-9]{64}$/);
    assert.ok(!fp.includes('hunter2'));
  });
});

describe('describeCredential', () => {
  test('names the user and nothing secret', () => {
    const cases: [Parameters<typeof describeCredential>[0], string][] = [
      [undefined, 'no credentials'],
      [{}, 'no credentials'],
      [{ username: 'alice', password: 'hunter2' }, 'user "alice"'],
      [{ username: 'alice', identityToken: 'tok' }, 'user "alice" with an identity token'],
      [{ username: 'alice', registryToken: 'tok' }, 'user "alice" with a registry token'],
      [{ identityToken: 'tok' }, 'an identity token'],
      [{ registryToken: 'tok' }, 'a registry token'],
      [{ password: 'hunter2' }, 'a password without a user name'],
    ];
    for (const [credential, description] of cases) {
      assert.equal(describeCredential(credential), description);
    }
  });

  test('strips control characters and cuts long user names', () => {
    assert.equal(describeCredential({ username: 'ev\nil\u001b[31m', password: 'x' }), 'user "evil[31m"');
    const long = describeCredential({ username: 'u'.repeat(500), password: 'x' });
    assert.ok(long.length < 80, long);
  });
});

test('isAnonymous', () => {
  assert.equal(isAnonymous(undefined), true);
  assert.equal(isAnonymous({ username: '' }), true);
  assert.equal(isAnonymous({ username: 'a' }), false);
  assert.equal(isAnonymous({ registryToken: 't' }), false);
});
