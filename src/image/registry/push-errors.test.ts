import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode } from '../errors.ts';
import { insufficientScope, pushStatusError, type PushErrorContext } from './push-errors.ts';
import { pushScope, uploadUrl } from './upload.ts';

const ctx: PushErrorContext = { image: 'reg.example/team/app:1', registry: 'reg.example', host: 'reg.example', repository: 'team/app', credential: { username: 'ci', password: 'hunter2' }, action: 'pushing' };
const body = (code: string, message = ''): string => JSON.stringify({ errors: [{ code, message }] });

test('401: wrong credential, missing push rights (insufficient_scope), or no credential at all', () => {
  const wrong = pushStatusError(401, body('UNAUTHORIZED'), 'Basic realm="r"', ctx, 'blob x');
  assert.equal(wrong.code, ErrorCode.Unauthorized);
  assert.match(wrong.message, /rejected the credential \(user "ci"\)/);
  const scope = pushStatusError(401, body('UNAUTHORIZED'), 'Bearer realm="https://auth",error="insufficient_scope",scope="repository:team/app:pull,push"', ctx, 'blob x');
  assert.equal(scope.code, ErrorCode.Denied);
  assert.match(scope.message, /lacks push rights on team\/app at registry reg\.example/);
  const anonymous = pushStatusError(401, '', undefined, { ...ctx, credential: undefined }, 'blob x');
  assert.match(anonymous.message, /push access denied .* pass --auth-file/);
  for (const e of [wrong, scope, anonymous]) assert.ok(!e.message.includes('hunter2'));
});

test('403, manifest refusals, 404 upload unknown, 413, 5xx each get their code', () => {
  assert.equal(pushStatusError(403, '', undefined, ctx, 'x').code, ErrorCode.Denied);
  assert.equal(pushStatusError(400, body('MANIFEST_BLOB_UNKNOWN', 'blob unknown to registry'), undefined, ctx, 'manifest sha256:1').code, ErrorCode.ManifestRejected);
  const lost = pushStatusError(404, body('BLOB_UPLOAD_UNKNOWN'), undefined, ctx, 'x');
  assert.equal(lost.code, ErrorCode.NameUnknown);
  assert.equal(lost.temporary, true);
  assert.equal(pushStatusError(400, body('DIGEST_INVALID'), undefined, ctx, 'blob y').code, ErrorCode.DigestMismatch);
  assert.match(pushStatusError(413, '', undefined, ctx, 'blob y').message, /chunkSize/);
  assert.equal(pushStatusError(502, '', undefined, ctx, 'x').temporary, true);
  assert.equal(pushStatusError(418, '', undefined, ctx, 'x').code, ErrorCode.RegistryProtocol);
});

test('insufficientScope reads the Bearer error parameter, quoted or not, in any header form', () => {
  assert.equal(insufficientScope('Bearer error=insufficient_scope'), true);
  assert.equal(insufficientScope(['Basic realm="x"', 'Bearer error="insufficient_scope"']), true);
  assert.equal(insufficientScope('Bearer error="invalid_token"'), false);
  assert.equal(insufficientScope(undefined), false);
});

test('uploadUrl keeps the registry state query and resolves relative Locations; pushScope asks pull and push', () => {
  const base = new URL('https://reg.example/v2/');
  assert.equal(uploadUrl('/v2/a/blobs/uploads/u1?_state=abc', base, { digest: 'sha256:00' }), 'https://reg.example/v2/a/blobs/uploads/u1?_state=abc&digest=sha256%3A00');
  assert.equal(uploadUrl('https://other.example/up/u2', base, { digest: 'sha256:00' }), 'https://other.example/up/u2?digest=sha256%3A00');
  assert.equal(pushScope('team/app'), 'repository:team/app:pull,push');
});
