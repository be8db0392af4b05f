// Mirroring pulled images to a registry of one's own, and pointing workloads at the copies with
// an image replacement rule: two TLS registries with htpasswd (source and mirror), the library
// (mirrorImage) and `ferry pull --mirror-to`.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ContentStore } from '../src/image/content/index.ts';
import { applyReplacement, ErrorCode, mirrorImage, mirrorReplacementRule, pull, validateReplacementRules, type RegistrySettings } from '../src/image/index.ts';
import { makeTempDir, removeTempDir } from './fixtures/cleanup.ts';
import { rejects } from './fixtures/endpoint-helpers.ts';
import { busyboxLikeImage, multiArchImage, publishImage, skopeoInspect, type BuiltImage, type BuiltIndex } from './fixtures/images.ts';
import { startRegistry, type RunningRegistry } from './fixtures/registry.ts';
import { runFerry, type FerryRun } from './fixtures/ferry-cli.ts';


const ferry = (args: string[]): Promise<FerryRun> => runFerry(args);

describe('mirroring to a second registry', () => {
  let upstream: RunningRegistry;
  let mirror: RunningRegistry;
  let dir: string;
  let certsDir: string;
  let settings: RegistrySettings;
  let store: ContentStore;
  let redis: BuiltImage;
  let multi: BuiltIndex;
  const dave = { username: 'dave', password: 'upstream-pw' };
  const erin = { username: 'erin', password: 'mirror-pw' };

  before(async () => {
    [upstream, mirror] = await Promise.all([
      startRegistry({ auth: { htpasswd: { dave: dave.password } }, tls: true }),
      startRegistry({ auth: { htpasswd: { erin: erin.password } }, tls: true }),
    ]);
    dir = makeTempDir('mirror');
    certsDir = join(dir, 'data', 'certs.d');
    for (const reg of [upstream, mirror]) {
      mkdirSync(join(certsDir, reg.host), { recursive: true });
      copyFileSync(reg.caFile as string, join(certsDir, reg.host, 'ca.crt'));
    }
    settings = { certsDir };
    redis = busyboxLikeImage({ marker: 'redis' });
    multi = multiArchImage({ platforms: ['linux/amd64', 'linux/arm64'] });
    await publishImage(upstream, 'a/b/redis:7', redis);
    await publishImage(upstream, 'a/multi:1', multi);
    store = await ContentStore.open(join(dir, 'data', 'content'));
  });
  after(async () => {
    await Promise.all([upstream.stop(), mirror.stop()]);
    removeTempDir(dir);
  });

  test('the mirror keeps the path under its prefix, and the replacement rule sends the workload image there', async () => {
    const image = `${upstream.host}/a/b/redis:7`;
    await pull(image, { store, credentials: [dave], settings });
    const r = await mirrorImage(image, `${mirror.host}/cache`, { store, credentials: [erin], settings });
    assert.equal(r.reference, `${mirror.host}/cache/a/b/redis:7`);
    assert.equal(r.digest, redis.digest);

    const rule = mirrorReplacementRule(image, `${mirror.host}/cache`);
    assert.deepEqual(rule, { repositoryPrefix: `${upstream.host}/a/b`, replaceWith: `${mirror.host}/cache/a/b` });
    assert.deepEqual(validateReplacementRules(JSON.stringify([rule])), [], 'admission accepts the rule');
    const replaced = applyReplacement(image, [rule]).image;
    const fresh = await ContentStore.open(join(dir, 'fresh'));
    const viaMirror = await pull(replaced, { store: fresh, credentials: [erin], settings });
    assert.equal(viaMirror.digest, redis.digest);
  });

  test('a digest-pinned multi-platform source mirrors the whole index once every platform is stored', async () => {
    const pinned = `${upstream.host}/a/multi@${multi.digest}`;
    await pull(pinned, { store, credentials: [dave], settings, platform: { os: 'linux', architecture: 'amd64' } });
    await rejects(mirrorImage(pinned, mirror.host, { store, credentials: [erin], settings }), ErrorCode.ImageNotStored, 'linux/arm64');
    await pull(pinned, { store, credentials: [dave], settings, platform: { os: 'linux', architecture: 'arm64' } });
    const r = await mirrorImage(pinned, mirror.host, { store, credentials: [erin], settings });
    assert.equal(r.digest, multi.digest);
    assert.equal(r.reference, `${mirror.host}/a/multi@${multi.digest}`);
    const raw = JSON.parse(await skopeoInspect(mirror, `a/multi@${multi.digest}`, { raw: true, creds: erin })) as { manifests: unknown[] };
    assert.equal(raw.manifests.length, 2);
  });

  test('ferry pull --mirror-to pulls, then pushes to the mirror with the matching --auth-file credential', async () => {
    const auth = join(dir, 'auth.json');
    const entry = (c: { username: string; password: string }) => ({ auth: Buffer.from(`${c.username}:${c.password}`).toString('base64') });
    writeFileSync(auth, JSON.stringify({ auths: { [upstream.host]: entry(dave), [mirror.host]: entry(erin) } }));
    const data = join(dir, 'data');
    const r = await ferry(['pull', '--json', '--data-dir', data, '--auth-file', auth, '--mirror-to', `${mirror.host}/hub`, `${upstream.host}/a/b/redis:7`]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { digest: string; mirror: { reference: string; digest: string; blobs: { pushed: number; skipped: number } } };
    assert.equal(out.mirror.reference, `${mirror.host}/hub/a/b/redis:7`);
    assert.equal(out.mirror.digest, out.digest);
    assert.equal(out.mirror.blobs.pushed, 1 + redis.layers.length);
    const inspect = JSON.parse(await skopeoInspect(mirror, 'hub/a/b/redis:7', { creds: erin })) as { Digest: string };
    assert.equal(inspect.Digest, redis.digest);

    const lines = await ferry(['pull', '--data-dir', data, '--auth-file', auth, '--mirror-to', `${mirror.host}/hub`, `${upstream.host}/a/b/redis:7`]);
    assert.equal(lines.code, 0, lines.stderr);
    assert.match(lines.stdout, /Layer already exists/);
    assert.match(lines.stdout, /0 pushed, 0 mounted, 3 exists/);

    const bad = await ferry(['pull', '--data-dir', data, '--mirror-to', 'not a registry', `${upstream.host}/a/b/redis:7`]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /invalid mirror "not a registry"/);
  });
});
