import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isRuntimeError } from './errors.ts';
import { parseGroup, parsePasswd, resolveUser, userDbFrom } from './user-spec.ts';

const db = userDbFrom(
  parsePasswd([
    'root:x:0:0:root:/root:/bin/sh',
    '# comment',
    'broken line',
    'nginx:x:101:101:nginx:/var/cache/nginx:/sbin/nologin',
    'app:x:1000:1000::/home/app:/bin/sh',
  ].join('\n')),
  parseGroup([
    'root:x:0:',
    'nginx:x:101:',
    'app:x:1000:',
    'staff:x:50:app,nginx',
    'video:x:44: app ',
  ].join('\n')),
);

test('image user forms: "", uid, uid:gid, name, name:group, uid:group, name:gid', () => {
  assert.deepEqual(resolveUser('', db), { uid: 0, gid: 0, additionalGids: [] });
  assert.deepEqual(resolveUser(undefined, db), { uid: 0, gid: 0, additionalGids: [] });
  assert.deepEqual(resolveUser('1000', db), { uid: 1000, gid: 1000, additionalGids: [50, 44] });
  assert.deepEqual(resolveUser('4242', db), { uid: 4242, gid: 0, additionalGids: [] }, 'a uid not in passwd gets gid 0');
  assert.deepEqual(resolveUser('4242:77', db), { uid: 4242, gid: 77, additionalGids: [] });
  assert.deepEqual(resolveUser('nginx', db), { uid: 101, gid: 101, additionalGids: [50] });
  assert.deepEqual(resolveUser('nginx:staff', db), { uid: 101, gid: 50, additionalGids: [] });
  assert.deepEqual(resolveUser('1000:staff', db), { uid: 1000, gid: 50, additionalGids: [44] });
  assert.deepEqual(resolveUser('app:7', db), { uid: 1000, gid: 7, additionalGids: [50, 44] });
  assert.deepEqual(resolveUser('app:', db), { uid: 1000, gid: 1000, additionalGids: [50, 44] });
});

test('an unknown user or group name is a clear error', () => {
  assert.throws(() => resolveUser('nobody', db), (e) => isRuntimeError(e, 'USER_NOT_FOUND') && /"nobody" is not in the image's \/etc\/passwd/.test(e.message));
  assert.throws(() => resolveUser('app:wheel', db), (e) => isRuntimeError(e, 'USER_NOT_FOUND') && /"wheel" is not in the image's \/etc\/group/.test(e.message));
  assert.throws(() => resolveUser('app', userDbFrom([], [])), (e) => isRuntimeError(e, 'USER_NOT_FOUND'));
});

test('runAsUser and runAsGroup override the image user, container over pod', () => {
  assert.deepEqual(resolveUser('nginx', db, { runAsUser: 1000 }), { uid: 1000, gid: 1000, additionalGids: [50, 44] });
  assert.deepEqual(resolveUser('nobody-in-passwd', db, { runAsUser: 5 }), { uid: 5, gid: 0, additionalGids: [] }, 'the image name is not looked up');
  assert.deepEqual(resolveUser('nginx', db, { runAsGroup: 9 }), { uid: 101, gid: 9, additionalGids: [50] }, 'membership only, as containerd');
  assert.deepEqual(resolveUser('', db, {}, { runAsUser: 2000, runAsGroup: 3000 }), { uid: 2000, gid: 3000, additionalGids: [] });
  assert.deepEqual(resolveUser('', db, { runAsUser: 1 }, { runAsUser: 2000 }), { uid: 1, gid: 0, additionalGids: [] });
});

test('supplementalGroups and fsGroup are added', () => {
  assert.deepEqual(resolveUser('4242', db, {}, { supplementalGroups: [10, 0, 10], fsGroup: 2000 }), { uid: 4242, gid: 0, additionalGids: [10, 2000] });
});

test('runAsNonRoot refuses uid 0 and accepts a named non-root user', () => {
  assert.throws(() => resolveUser('root', db, { runAsNonRoot: true }), (e) => isRuntimeError(e, 'INVALID_SPEC') && /runAsNonRoot/.test(e.message));
  assert.throws(() => resolveUser('', db, {}, { runAsNonRoot: true }), (e) => isRuntimeError(e, 'INVALID_SPEC'));
  assert.equal(resolveUser('nginx', db, { runAsNonRoot: true }).uid, 101);
  assert.throws(() => resolveUser('1000', db, { runAsUser: -1 }), (e) => isRuntimeError(e, 'INVALID_SPEC'));
});
