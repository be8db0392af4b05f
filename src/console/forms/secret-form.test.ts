import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildSecret, dockerConfigJson, emptySecretForm, nameProblem, secretServerErrors, validateSecretForm } from './secret-form.ts';

const filled = { ...emptySecretForm('default'), name: 'test', server: 'www.example.com', username: 'ssl', password: 'xxx' };

test('the name follows the server rule: lowercase DNS-1123 subdomain of at most 253 characters', () => {
  assert.equal(nameProblem('test'), undefined);
  assert.equal(nameProblem('my.registry-key1'), undefined);
  assert.match(nameProblem('Test') ?? '', /lowercase RFC 1123 subdomain/);
  assert.match(nameProblem('-test') ?? '', /must start and end with an alphanumeric/);
  assert.match(nameProblem('a'.repeat(254)) ?? '', /no more than 253/);
  assert.equal(nameProblem('a'.repeat(253)), undefined);
  assert.equal(nameProblem(''), 'Enter a name.');
});

test('.dockerconfigjson is what kubectl create secret docker-registry writes', () => {
  // kubectl create secret docker-registry test --docker-server=www.example.com --docker-username=ssl
  //   --docker-password=xxx --docker-email=example@123.com -o jsonpath='{.data.\.dockerconfigjson}' | base64 -d
  assert.equal(
    dockerConfigJson('www.example.com', 'ssl', 'xxx', 'example@123.com'),
    '{"auths":{"www.example.com":{"username":"ssl","password":"xxx","email":"example@123.com","auth":"c3NsOnh4eA=="}}}',
  );
  assert.equal(dockerConfigJson('r:5000', 'u', 'p<&>', ''), '{"auths":{"r:5000":{"username":"u","password":"p\\u003c\\u0026\\u003e","auth":"dTpwPCY+"}}}');
  const secret = buildSecret(filled);
  assert.equal(secret['type'], 'kubernetes.io/dockerconfigjson');
  const data = secret['data'] as Record<string, string>;
  assert.equal(atob(data['.dockerconfigjson'] as string), dockerConfigJson('www.example.com', 'ssl', 'xxx', ''));
});

test('a filled dialog has no errors; each missing field is named', () => {
  assert.deepEqual(validateSecretForm(filled), {});
  const errors = validateSecretForm({ ...filled, name: 'Bad_Name', server: '', password: '' });
  assert.match(errors['name'] ?? '', /Invalid name/);
  assert.match(errors['server'] ?? '', /image repository address/);
  assert.match(errors['password'] ?? '', /password/);
  assert.equal(errors['username'], undefined);
});

test('Opaque secrets need a key, and keys are checked as the server checks them', () => {
  const opaque = { ...filled, type: 'Opaque' as const, entries: [{ key: '', value: '' }] };
  assert.match(validateSecretForm(opaque)['entries'] ?? '', /at least one key/);
  const bad = validateSecretForm({ ...opaque, entries: [{ key: 'bad key!', value: 'v' }] });
  assert.match(bad['entries'] ?? '', /valid config key/);
  assert.deepEqual(validateSecretForm({ ...opaque, entries: [{ key: 'token', value: 'v' }] }), {});
});

test('a 422 cause lands on its field', () => {
  const errors = secretServerErrors([{ field: 'metadata.name', message: 'Invalid value: "X"' }, { message: 'something else' }]);
  assert.equal(errors['name'], 'Invalid value: "X"');
  assert.equal(errors['_general'], 'something else');
});
