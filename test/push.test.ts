// push() against real registries (CNCF distribution) on loopback: two TLS registries with
// htpasswd (source and destination), a token-auth one, a plain-HTTP one behind the fault proxy.
// Round trip with digests kept, skip on a second push, cross-repository mount, multi-platform
// index, and the failures a person must be able to act on.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ContentStore } from '../src/image/content/index.ts';
import { ErrorCode, pull, push, type PushEvent, type RegistrySettings } from '../src/image/index.ts';
import { makeTempDir, removeTempDir } from './fixtures/cleanup.ts';
import { rejects } from './fixtures/endpoint-helpers.ts';
import { busyboxLikeImage, multiArchImage, publishImage, randomImage, skopeoInspect, type BuiltImage, type BuiltIndex } from './fixtures/images.ts';
import { startRegistry, type RunningRegistry } from './fixtures/registry.ts';

const FAST_RETRY = { attempts: 2, baseDelayMs: 10, maxDelayMs: 20, maxRetryAfterMs: 100 };
const sha256 = (b: string | Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

function trust(certsDir: string, reg: RunningRegistry): void {
  mkdirSync(join(certsDir, reg.host), { recursive: true });
  copyFileSync(reg.caFile as string, join(certsDir, reg.host, 'ca.crt'));
}

describe('push between two TLS registries with htpasswd', () => {
  let a: RunningRegistry;
  let b: RunningRegistry;
  let dir: string;
  let store: ContentStore;
  let settings: RegistrySettings;
  let bb: BuiltImage;
  let multi: BuiltIndex;
  const alice = { username: 'alice', password: 'a-pass-word' };
  const bob = { username: 'bob', password: 'b-pass-word' };

  before(async () => {
    [a, b] = await Promise.all([startRegistry({ auth: { htpasswd: { alice: alice.password } }, tls: true }), startRegistry({ auth: { htpasswd: { bob: bob.password } }, tls: true })]);
    dir = makeTempDir('push');
    const certsDir = join(dir, 'certs.d');
    trust(certsDir, a);
    trust(certsDir, b);
    settings = { certsDir };
    bb = busyboxLikeImage();
    multi = multiArchImage();
    await publishImage(a, 'lib/bb:1', bb);
    await publishImage(a, 'lib/multi:1', multi);
    store = await ContentStore.open(join(dir, 'content'));
    await pull(`${a.host}/lib/bb:1`, { store, credentials: [alice], settings });
  });
  after(async () => {
    await Promise.all([a.stop(), b.stop()]);
    removeTempDir(dir);
  });

  test('round trip: pushed to B, pulled back by digest, same digest, and skopeo reads it', async () => {
    const events: PushEvent[] = [];
    const r = await push(`${a.host}/lib/bb:1`, `${b.host}/mirror/bb:1`, { store, credentials: [bob], settings, onEvent: (e) => events.push(e) });
    assert.equal(r.digest, bb.digest);
    assert.equal(r.reference, `${b.host}/mirror/bb:1`);
    assert.deepEqual(r.blobs, { pushed: 1 + bb.layers.length, mounted: 0, skipped: 0 });
    assert.deepEqual(r.manifests, { pushed: 1, skipped: 0 });
    assert.equal(r.size, bb.size + bb.config.size + bb.layers.reduce((n, l) => n + l.size, 0));
    assert.equal(events.filter((e) => e.type === 'blob' && e.status === 'Pushed').length, 1 + bb.layers.length);
    for (const l of bb.layers) {
      assert.ok(events.some((e) => e.type === 'blob' && e.digest === l.digest && e.status === 'Pushing' && e.bytes === l.size), `progress reached ${l.size} bytes for ${l.digest}`);
    }
    assert.equal(events.at(-1)?.type, 'done');

    const back = await ContentStore.open(join(dir, 'back'));
    const pulled = await pull(`${b.host}/mirror/bb@${bb.digest}`, { store: back, credentials: [bob], settings });
    assert.equal(pulled.digest, bb.digest);
    for (const l of bb.layers) assert.ok(await back.verify(l.digest));
    const raw = await skopeoInspect(b, 'mirror/bb:1', { raw: true, creds: bob });
    assert.equal(sha256(raw), bb.digest);
    const inspect = JSON.parse(await skopeoInspect(b, 'mirror/bb:1', { creds: bob })) as { Digest: string; Layers: string[] };
    assert.equal(inspect.Digest, bb.digest);
    assert.deepEqual(inspect.Layers, bb.layers.map((l) => l.digest));
  });

  test('a second push uploads nothing: every blob and the manifest already exist', async () => {
    const r = await push(`${a.host}/lib/bb:1`, `${b.host}/mirror/bb:1`, { store, credentials: [bob], settings });
    assert.deepEqual(r.blobs, { pushed: 0, mounted: 0, skipped: 1 + bb.layers.length });
    assert.deepEqual(r.manifests, { pushed: 0, skipped: 1 });
    assert.equal(r.uploadedBytes, 0);
  });

  test('within one registry the blobs are mounted from the source repository, not uploaded', async () => {
    await pull(`${b.host}/mirror/bb:1`, { store, credentials: [bob], settings });
    const events: PushEvent[] = [];
    const r = await push(`${b.host}/mirror/bb:1`, `${b.host}/team/bb:2`, { store, credentials: [bob], settings, onEvent: (e) => events.push(e) });
    assert.deepEqual(r.blobs, { pushed: 0, mounted: 1 + bb.layers.length, skipped: 0 });
    assert.equal(r.uploadedBytes, bb.size, 'only the manifest went up');
    assert.ok(events.some((e) => e.type === 'blob' && e.status === 'Mounted' && e.from === 'mirror/bb'));
    const raw = await skopeoInspect(b, 'team/bb:2', { raw: true, creds: bob });
    assert.equal(sha256(raw), bb.digest);
  });

  test('a mount hint names another repository on the destination', async () => {
    const r = await push(`${a.host}/lib/bb:1`, `${b.host}/hinted/bb:1`, { store, credentials: [bob], settings, mountFrom: ['team/bb'] });
    assert.deepEqual(r.blobs, { pushed: 0, mounted: 1 + bb.layers.length, skipped: 0 });
  });

  test('multi-platform: --all-platforms needs every platform stored, then pushes the index with its digest', async () => {
    const ref = `${a.host}/lib/multi:1`;
    const amd = multi.images.find((i) => i.platform.architecture === 'amd64') as BuiltImage;
    await pull(ref, { store, credentials: [alice], settings, platform: { os: 'linux', architecture: 'amd64' } });
    const single = await push(ref, `${b.host}/lib/multi:single`, { store, credentials: [bob], settings });
    assert.equal(single.digest, amd.digest, 'without --all-platforms the stored platform image is pushed');
    const err = await rejects(push(ref, `${b.host}/lib/multi:1`, { store, credentials: [bob], settings, allPlatforms: true }), ErrorCode.ImageNotStored, 'linux/arm64', 'linux/arm/v7', '--platform');
    assert.ok(!err.message.includes('linux/amd64,'));
    for (const [architecture, variant] of [['arm64', undefined], ['arm', 'v7']] as const) {
      await pull(ref, { store, credentials: [alice], settings, platform: { os: 'linux', architecture, ...(variant ? { variant } : {}) } });
    }
    const r = await push(ref, `${b.host}/lib/multi:1`, { store, credentials: [bob], settings, allPlatforms: true });
    assert.equal(r.digest, multi.digest);
    assert.equal(r.manifests.pushed + r.manifests.skipped, 1 + multi.images.length);
    const raw = await skopeoInspect(b, 'lib/multi:1', { raw: true, creds: bob });
    assert.equal(sha256(raw), multi.digest);
    assert.equal((JSON.parse(raw) as { manifests: unknown[] }).manifests.length, 3);
    await rejects(push(ref, `${b.host}/lib/multi@${multi.digest}`, { store, credentials: [bob], settings }), ErrorCode.InvalidArgument, 'keeps digests', '--all-platforms');
  });

  test('a wrong password is UNAUTHORIZED, names the user and not the password; the next credential is tried', async () => {
    const wrong = { username: 'bob', password: 'not-the-one-7' };
    const err = await rejects(push(`${a.host}/lib/bb:1`, `${b.host}/denied/bb:1`, { store, credentials: [wrong], settings, retry: FAST_RETRY }), ErrorCode.Unauthorized, 'pushing', b.host, 'user "bob"');
    assert.ok(!err.message.includes('not-the-one-7'));
    assert.ok(!JSON.stringify(err).includes('not-the-one-7'));
    const r = await push(`${a.host}/lib/bb:1`, `${b.host}/denied/bb:1`, { store, credentials: [wrong, bob], settings });
    assert.equal(r.digest, bb.digest);
  });

  test('an unknown CA is an x509 error naming the certs.d path to put it in; --insecure skips the check', async () => {
    const empty = join(dir, 'empty', 'certs.d');
    mkdirSync(empty, { recursive: true });
    await rejects(push(`${a.host}/lib/bb:1`, `${b.host}/x/bb:1`, { store, credentials: [bob], settings: { certsDir: empty } }), ErrorCode.TlsUnknownAuthority, 'pushing', 'x509', `${empty}/${b.host}/ca.crt`);
    const r = await push(`${a.host}/lib/bb:1`, `${b.host}/x/bb:1`, { store, credentials: [bob], settings: { certsDir: empty, insecure: [b.host] } });
    assert.equal(r.digest, bb.digest, 'a registry named insecure is pushed to without verifying its certificate');
  });

  test('a reference that is not stored says so and suggests pulling it', async () => {
    await rejects(push(`${a.host}/lib/nope:1`, `${b.host}/x/nope:1`, { store, credentials: [bob], settings }), ErrorCode.ImageNotStored, `ferry pull ${a.host}/lib/nope:1`);
  });
});

describe('push with token auth', () => {
  let reg: RunningRegistry;
  let dir: string;
  let store: ContentStore;
  const img = randomImage({ layers: 2, sizePerLayer: 50_000 });

  before(async () => {
    reg = await startRegistry({ auth: { token: { users: { writer: 'w-secret' }, readOnlyUsers: { reader: 'r-secret' } } } });
    await publishImage(reg, 'src/app:1', img, { creds: { username: 'writer', password: 'w-secret' } });
    dir = makeTempDir('push-token');
    store = await ContentStore.open(join(dir, 'content'));
    await pull(`${reg.host}/src/app:1`, { store, credentials: [{ username: 'reader', password: 'r-secret' }], settings: { plainHttp: [reg.host] } });
  });
  after(async () => {
    await reg.stop();
    removeTempDir(dir);
  });

  test('a read-only account lacks push rights: DENIED naming the repository', async () => {
    const err = await rejects(
      push(`${reg.host}/src/app:1`, `${reg.host}/dst/app:1`, { store, credentials: [{ username: 'reader', password: 'r-secret' }], settings: { plainHttp: [reg.host] }, retry: FAST_RETRY }),
      ErrorCode.Denied,
      'lacks push rights on dst/app',
      'user "reader"',
    );
    assert.ok(!err.message.includes('r-secret'));
  });

  test('a writer mounts from the source repository with a token scoped for push and the mount source', async () => {
    reg.tokenServer?.clearRequests();
    const r = await push(`${reg.host}/src/app:1`, `${reg.host}/dst/app:1`, { store, credentials: [{ username: 'writer', password: 'w-secret' }], settings: { plainHttp: [reg.host] } });
    assert.deepEqual(r.blobs, { pushed: 0, mounted: 3, skipped: 0 });
    const scopes = (reg.tokenServer?.requests() ?? []).flatMap((q) => q.scopes);
    assert.ok(scopes.includes('repository:dst/app:pull,push'), scopes.join(' '));
    assert.ok(scopes.includes('repository:src/app:pull'), scopes.join(' '));
  });

  test('a wrong password is refused by the token service, without the password in the message', async () => {
    const err = await rejects(
      push(`${reg.host}/src/app:1`, `${reg.host}/dst/app:2`, { store, credentials: [{ username: 'writer', password: 'typo-pw' }], settings: { plainHttp: [reg.host] }, retry: FAST_RETRY }),
      ErrorCode.Unauthorized,
      'pushing',
      'token service',
    );
    assert.ok(!err.message.includes('typo-pw'));
  });
});
