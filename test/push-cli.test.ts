// `ferry push` as a user runs it: a real TLS registry with htpasswd as the destination (its CA in
// DATA_DIR/certs.d), the source pulled first; progress lines, --json counts, exit codes and messages.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeTempDir, removeTempDir } from './fixtures/cleanup.ts';
import { busyboxLikeImage, multiArchImage, publishImage, skopeoInspect, type BuiltImage, type BuiltIndex } from './fixtures/images.ts';
import { startRegistry, type RunningRegistry } from './fixtures/registry.ts';
import { runFerry, type FerryRun } from './fixtures/ferry-cli.ts';


const ferry = (args: string[]): Promise<FerryRun> => runFerry(args);

interface PushJson {
  source: string;
  reference: string;
  digest: string;
  blobs: { pushed: number; mounted: number; skipped: number };
  manifests: { pushed: number; skipped: number };
}

describe('ferry push', () => {
  let src: RunningRegistry;
  let dst: RunningRegistry;
  let dir: string;
  let data: string;
  let auth: string;
  let wrong: string;
  let img: BuiltImage;
  let multi: BuiltIndex;
  const authFile = (entries: Record<string, { username: string; password: string }>): string =>
    JSON.stringify({ auths: Object.fromEntries(Object.entries(entries).map(([host, c]) => [host, { auth: Buffer.from(`${c.username}:${c.password}`).toString('base64') }])) });

  before(async () => {
    [src, dst] = await Promise.all([startRegistry(), startRegistry({ auth: { htpasswd: { carol: 'c4rol-pw' } }, tls: true })]);
    img = busyboxLikeImage();
    multi = multiArchImage({ platforms: ['linux/amd64', 'linux/arm64'] });
    await publishImage(src, 'team/bb:1', img);
    await publishImage(src, 'team/multi:1', multi);
    dir = makeTempDir('push-cli');
    data = join(dir, 'data');
    mkdirSync(join(data, 'certs.d', dst.host), { recursive: true });
    copyFileSync(dst.caFile as string, join(data, 'certs.d', dst.host, 'ca.crt'));
    auth = join(dir, 'auth.json');
    writeFileSync(auth, authFile({ [dst.host]: { username: 'carol', password: 'c4rol-pw' } }));
    wrong = join(dir, 'wrong.json');
    writeFileSync(wrong, authFile({ [dst.host]: { username: 'carol', password: 'n0t-carol' } }));
  });
  after(async () => {
    await Promise.all([src.stop(), dst.stop()]);
    removeTempDir(dir);
  });

  test('a reference that is not stored: exit 1, says so and suggests ferry pull', async () => {
    const r = await ferry(['push', '--data-dir', data, `${src.host}/team/bb:1`, `${dst.host}/copy/bb:1`]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`ferry push: ${src.host}/team/bb:1 is not in the content store at .*: pull it first \\(ferry pull ${src.host}/team/bb:1\\)`));
  });

  test('push prints a line per blob, then the digest; a second push finds every blob there (--json counts)', async () => {
    const pulled = await ferry(['pull', '--json', '--data-dir', data, '--plain-http', src.host, `${src.host}/team/bb:1`]);
    assert.equal(pulled.code, 0, pulled.stderr);
    const first = await ferry(['push', '--data-dir', data, '--auth-file', auth, `${src.host}/team/bb:1`, `${dst.host}/copy/bb:1`]);
    assert.equal(first.code, 0, first.stderr);
    for (const l of img.layers) assert.match(first.stdout, new RegExp(`${l.digest.slice(7, 19)}: Pushed`));
    assert.match(first.stdout, new RegExp(`Digest: ${img.digest}`));
    assert.match(first.stdout, /blobs: 3 pushed, 0 mounted, 0 exists/);

    const second = await ferry(['push', '--json', '--data-dir', data, '--auth-file', auth, `${src.host}/team/bb:1`, `${dst.host}/copy/bb:1`]);
    assert.equal(second.code, 0, second.stderr);
    const out = JSON.parse(second.stdout) as PushJson;
    assert.equal(out.reference, `${dst.host}/copy/bb:1`);
    assert.equal(out.digest, img.digest);
    assert.deepEqual(out.blobs, { pushed: 0, mounted: 0, skipped: 3 });

    const lines = await ferry(['push', '--data-dir', data, '--auth-file', auth, `${src.host}/team/bb:1`, `${dst.host}/copy/bb:1`]);
    assert.match(lines.stdout, /: Layer already exists/);
    const raw = await skopeoInspect(dst, 'copy/bb:1', { raw: true, creds: { username: 'carol', password: 'c4rol-pw' } });
    assert.equal(JSON.parse(raw).config.digest, img.config.digest);
  });

  test('within the destination registry blobs are mounted ("Mounted from")', async () => {
    const pulled = await ferry(['pull', '--json', '--data-dir', data, '--auth-file', auth, `${dst.host}/copy/bb:1`]);
    assert.equal(pulled.code, 0, pulled.stderr);
    const r = await ferry(['push', '--data-dir', data, '--auth-file', auth, `${dst.host}/copy/bb:1`, `${dst.host}/other/bb:1`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((r.stdout.match(/Mounted from copy\/bb/g) ?? []).length, 3, r.stdout);
  });

  test('--all-platforms pushes the index once every platform is stored', async () => {
    const ref = `${src.host}/team/multi:1`;
    for (const platform of ['linux/amd64', 'linux/arm64']) {
      const p = await ferry(['pull', '--json', '--platform', platform, '--data-dir', data, '--plain-http', src.host, ref]);
      assert.equal(p.code, 0, p.stderr);
    }
    const r = await ferry(['push', '--json', '--all-platforms', '--data-dir', data, '--auth-file', auth, ref, `${dst.host}/copy/multi:1`]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as PushJson;
    assert.equal(out.digest, multi.digest);
    assert.equal(out.manifests.pushed, 3);
  });

  test('failures: wrong password (no secret shown), usage errors exit 2', async () => {
    const bad = await ferry(['push', '--data-dir', data, '--auth-file', wrong, `${src.host}/team/bb:1`, `${dst.host}/copy/bb:2`]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /pushing .*rejected the credential \(user "carol"\)/);
    assert.ok(!bad.stderr.includes('n0t-carol') && !bad.stdout.includes('n0t-carol'));
    assert.equal((await ferry(['push', '--data-dir', data, `${src.host}/team/bb:1`])).code, 2);
    assert.equal((await ferry(['push', '--data-dir', data, '--chunk-size', 'lots', `${src.host}/team/bb:1`, `${dst.host}/x:1`])).code, 2);
    const help = await ferry(['--help']);
    assert.match(help.stdout, /push SRC DEST/);
  });
});
