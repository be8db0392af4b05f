// The ferry command as a user runs it: real registry, a Kubernetes Secret manifest as --auth-file,
// --json output, exit codes and messages, images/rmi/prune, --unpack.
import assert from 'node:assert/strict';
import { existsSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeTempDir, removeTempDir } from './fixtures/cleanup.ts';
import { busyboxLikeImage, publishImage, type BuiltImage } from './fixtures/images.ts';
import { startRegistry, type RunningRegistry } from './fixtures/registry.ts';
import { runFerry, type FerryRun } from './fixtures/ferry-cli.ts';


const ferry = (args: string[]): Promise<FerryRun> => runFerry(args);

describe('ferry pull / images / rmi / prune', () => {
  let reg: RunningRegistry;
  let dir: string;
  let img: BuiltImage;
  let secret: string;
  let wrong: string;
  before(async () => {
    reg = await startRegistry({ auth: { htpasswd: { alice: 's3cret-pw' } } });
    img = busyboxLikeImage();
    await publishImage(reg, 'team/bb:1', img);
    dir = makeTempDir('cli');
    const auth = (pw: string): string => Buffer.from(JSON.stringify({ auths: { [reg.host]: { username: 'alice', password: pw } } })).toString('base64');
    secret = join(dir, 'regcred.yaml');
    writeFileSync(secret, `apiVersion: v1\nkind: Secret\nmetadata:\n  name: regcred\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: ${auth('s3cret-pw')}\n`);
    wrong = join(dir, 'wrong.json');
    writeFileSync(wrong, Buffer.from(auth('not-it'), 'base64'));
  });
  after(async () => {
    await reg.stop();
    removeTempDir(dir);
  });

  test('pull --json with a Secret manifest as --auth-file, then --unpack', async () => {
    const data = join(dir, 'data');
    const r = await ferry(['pull', '--json', '--data-dir', data, '--auth-file', secret, '--plain-http', reg.host, `${reg.host}/team/bb:1`]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { reference: string; digest: string; layers: { digest: string; diffId: string }[] };
    assert.equal(out.reference, `${reg.host}/team/bb:1`);
    assert.equal(out.digest, img.digest);
    assert.deepEqual(out.layers.map((l) => l.diffId), img.layers.map((l) => l.diffId));

    const u = await ferry(['pull', '--unpack', '--json', '--data-dir', data, '--auth-file', secret, '--plain-http', reg.host, `${reg.host}/team/bb:1`]);
    assert.equal(u.code, 0, u.stderr);
    const lower = (JSON.parse(u.stdout) as { lowerDirs: string[] }).lowerDirs;
    assert.equal(lower.length, img.layers.length);
    const bottom = lower.at(-1) as string;
    assert.equal(readlinkSync(join(bottom, 'bin', 'sh')), '/bin/busybox', 'absolute symlink targets are kept');
  });

  test('images lists it; rmi removes the reference; prune frees blobs and snapshots', async () => {
    const data = join(dir, 'data');
    const list = await ferry(['images', '--data-dir', data]);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, new RegExp(`${reg.host}/team/bb:1`));
    const rmi = await ferry(['rmi', '--data-dir', data, `${reg.host}/team/bb:1`]);
    assert.equal(rmi.code, 0, rmi.stderr);
    assert.equal((await ferry(['rmi', '--data-dir', data, `${reg.host}/team/bb:1`])).code, 1);
    const prune = await ferry(['prune', '--data-dir', data, '--grace-seconds', '0']);
    assert.equal(prune.code, 0, prune.stderr);
    assert.match(prune.stdout, /Removed [1-9]\d* blobs .* and [1-9]\d* snapshots/);
    assert.equal(existsSync(join(data, 'content', 'blobs', 'sha256', (img.layers[0]?.digest ?? '').slice(7))), false);
  });

  test('failures exit non-zero with an actionable message and no secret', async () => {
    const data = join(dir, 'fail');
    const bad = await ferry(['pull', '--data-dir', data, '--auth-file', wrong, '--plain-http', reg.host, `${reg.host}/team/bb:1`]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /rejected the credential \(user "alice"\)/);
    assert.ok(!bad.stderr.includes('not-it'));
    const tls = await ferry(['pull', '--data-dir', data, `${reg.host}/team/bb:1`]);
    assert.equal(tls.code, 1);
    assert.match(tls.stderr, /plain-http/);
    const usage = await ferry(['pull', '--data-dir', data, 'registry.example/Team/App']);
    assert.equal(usage.code, 1);
    assert.match(usage.stderr, /invalid reference "registry.example\/Team\/App": repository name must be lowercase/);
    assert.equal((await ferry(['pull'])).code, 2);
  });
});
