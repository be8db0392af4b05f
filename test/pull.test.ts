// pull() end to end against real registries: what lands in the content store, dedup, the
// kubelet's credential order, platform selection, crash-free failure, and skopeo reading the result.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ContentStore } from '../src/image/content/index.ts';
import { ErrorCode, pull, type PullOptions } from '../src/image/index.ts';
import { rejects } from './fixtures/endpoint-helpers.ts';
import { makeTempDir, removeTempDir, run } from './fixtures/cleanup.ts';
import { faults, startFaultProxy, type FaultProxy } from './fixtures/fault-proxy.ts';
import { busyboxLikeImage, multiArchImage, publishImage, randomImage, type BuiltImage, type BuiltIndex } from './fixtures/images.ts';
import { startRegistry, type RunningRegistry } from './fixtures/registry.ts';

const blobGets = (proxy: FaultProxy): string[] => proxy.requests().filter((r) => r.method === 'GET' && r.path.includes('/blobs/')).map((r) => r.path);

describe('pull into the content store', () => {
  let reg: RunningRegistry;
  let proxy: FaultProxy;
  let dir: string;
  let store: ContentStore;
  let bb: BuiltImage;
  let multi: BuiltIndex;
  const alice = { username: 'alice', password: 'wonderland' };
  const opts = (): PullOptions => ({ store, credentials: [alice], settings: { plainHttp: [proxy.host] } });

  before(async () => {
    reg = await startRegistry({ auth: { htpasswd: { alice: 'wonderland' } } });
    proxy = await startFaultProxy({ target: reg.url });
    bb = busyboxLikeImage();
    multi = multiArchImage();
    await publishImage(reg, 'lib/bb:1', bb);
    await publishImage(reg, 'lib/multi:1', multi);
    dir = makeTempDir('pull');
    store = await ContentStore.open(join(dir, 'content'));
  });
  after(async () => {
    await proxy.stop();
    await reg.stop();
    removeTempDir(dir);
  });

  test('stores every blob verified, tags the full reference, and skopeo can read it', async () => {
    const events: string[] = [];
    const r = await pull(`${proxy.host}/lib/bb:1`, { ...opts(), onEvent: (e) => events.push(e.type) });
    assert.equal(r.reference, `${proxy.host}/lib/bb:1`);
    assert.equal(r.digest, bb.digest);
    assert.equal(r.manifestDigest, bb.digest);
    assert.deepEqual(r.layers.map((l) => l.digest), bb.layers.map((l) => l.digest));
    assert.deepEqual(r.diffIds, bb.layers.map((l) => l.diffId));
    assert.equal(r.cached, false);
    assert.ok(events.includes('resolved') && events.at(-1) === 'done');
    assert.equal((await store.resolve(r.reference))?.digest, bb.digest);
    for (const l of bb.layers) assert.ok(await store.verify(l.digest));
    const record = await store.getRecord(bb.digest);
    assert.ok(record?.references.includes(r.reference));
    assert.ok(!JSON.stringify(record).includes('wonderland'));
    const out = makeTempDir('skopeo-out');
    try {
      await run('skopeo', ['--insecure-policy', 'copy', '--quiet', `oci:${join(dir, 'content')}:${r.reference}`, `dir:${out}`]);
      assert.equal(readFileSync(join(out, 'manifest.json')).length, bb.size);
    } finally {
      removeTempDir(out);
    }
  });

  test('a second pull downloads no blob; IfNotPresent asks the registry nothing', async () => {
    proxy.clearRequests();
    const again = await pull(`${proxy.host}/lib/bb:1`, opts());
    assert.equal(again.cached, true);
    assert.deepEqual(blobGets(proxy), []);
    proxy.clearRequests();
    const present = await pull(`${proxy.host}/lib/bb:1`, { ...opts(), policy: 'IfNotPresent' });
    assert.equal(present.digest, bb.digest);
    assert.equal(proxy.requests().length, 0);
  });

  test('multi-platform index: picks the requested platform, reports the index digest', async () => {
    const r = await pull(`${proxy.host}/lib/multi:1`, { ...opts(), platform: { os: 'linux', architecture: 'arm64' } });
    const arm = multi.images.find((i) => i.platform.architecture === 'arm64');
    assert.equal(r.digest, multi.digest);
    assert.equal(r.manifestDigest, arm?.digest);
    assert.deepEqual(r.layers.map((l) => l.digest), arm?.layers.map((l) => l.digest));
    await rejects(pull(`${proxy.host}/lib/multi:1`, { ...opts(), platform: { os: 'linux', architecture: 's390x' } }), ErrorCode.PlatformNotFound, 'linux/amd64', '--platform');
  });

  test('credentials are tried in order; all refused is one error naming each user and no password', async () => {
    const wrong = { username: 'mallory', password: 'guess' };
    const r = await pull(`${proxy.host}/lib/bb:1`, { ...opts(), credentials: [wrong, alice] });
    assert.equal(r.digest, bb.digest);
    const err = await rejects(pull(`${proxy.host}/lib/bb:1`, { ...opts(), credentials: [wrong, { username: 'eve', password: 'nope' }] }), ErrorCode.Unauthorized, 'mallory', 'eve');
    assert.ok(!err.message.includes('guess') && !err.message.includes('nope'));
  });

  test('a corrupted layer fails the pull and leaves no blob and no tag behind', async () => {
    const img = randomImage({ layers: 2, sizePerLayer: 200_000 });
    await publishImage(reg, 'lib/rand:1', img);
    const bad = img.layers[1];
    assert.ok(bad);
    proxy.addFault({ path: bad.digest }, faults.corruptByte(1000, { times: 10 }));
    await rejects(pull(`${proxy.host}/lib/rand:1`, opts()), ErrorCode.DigestMismatch, bad.digest);
    proxy.clearFaults();
    assert.equal(await store.has(bad.digest), false);
    assert.equal(await store.resolve(`${proxy.host}/lib/rand:1`), undefined);
    const ok = await pull(`${proxy.host}/lib/rand:1`, opts());
    assert.equal(ok.digest, img.digest);
  });

  test('a corrupted config fails the pull with its own error and stops the layers downloading beside it', async () => {
    const img = randomImage({ layers: 1, sizePerLayer: 100_000 });
    await publishImage(reg, 'lib/badconf:1', img);
    proxy.addFault({ path: img.config.digest }, faults.corruptByte(5, { times: 10 }));
    // Held back far longer than the config takes to fail: the pull must not wait for it.
    proxy.addFault({ path: img.layers[0]?.digest ?? '' }, faults.delay(5000));
    const started = Date.now();
    await rejects(pull(`${proxy.host}/lib/badconf:1`, opts()), ErrorCode.DigestMismatch, img.config.digest);
    assert.ok(Date.now() - started < 4000, `the layer download was not stopped (${Date.now() - started} ms)`);
    proxy.clearFaults();
    assert.equal(await store.has(img.config.digest), false);
    assert.equal(await store.has(img.layers[0]?.digest ?? ''), false);
    assert.equal(await store.resolve(`${proxy.host}/lib/badconf:1`), undefined);
  });

  test('cancelling stops a blob whose body has stalled, at once and with nothing stored', async () => {
    const img = randomImage({ layers: 1, sizePerLayer: 4 * 1024 * 1024 });
    await publishImage(reg, 'lib/stall:1', img);
    const layer = img.layers[0]?.digest ?? '';
    proxy.addFault({ path: layer }, faults.stallAfterBytes(2 * 1024 * 1024));
    const started = Date.now();
    await rejects(pull(`${proxy.host}/lib/stall:1`, { ...opts(), signal: AbortSignal.timeout(500) }), ErrorCode.Aborted);
    // The idle timeout is 60 s: only the signal can end it this soon.
    assert.ok(Date.now() - started < 10_000, `the stalled download ran on for ${Date.now() - started} ms`);
    proxy.clearFaults();
    assert.equal(await store.has(layer), false);
  });

  test('concurrent pulls of one image download each blob once', async () => {
    const img = randomImage({ layers: 3, sizePerLayer: 100_000 });
    await publishImage(reg, 'lib/conc:1', img);
    proxy.clearRequests();
    const results = await Promise.all([1, 2, 3].map(() => pull(`${proxy.host}/lib/conc:1`, opts())));
    assert.ok(results.every((r) => r.digest === img.digest));
    const gets = blobGets(proxy);
    assert.equal(gets.length, new Set(gets).size, `duplicate downloads: ${gets.join(' ')}`);
  });

  test('Docker schema 2 images pull; schema 1 is refused with the fix', async () => {
    const docker = busyboxLikeImage({ format: 'docker', marker: 'docker' });
    await publishImage(reg, 'lib/docker:1', docker);
    assert.equal((await pull(`${proxy.host}/lib/docker:1`, opts())).digest, docker.digest);
    const schema1 = JSON.stringify({ schemaVersion: 1, name: 'lib/old', tag: '1', fsLayers: [], history: [] });
    proxy.addFault({ path: /\/manifests\/1$/ }, faults.status(200, { body: schema1, headers: { 'content-type': 'application/vnd.docker.distribution.manifest.v1+prettyjws' } }));
    await rejects(pull(`${proxy.host}/lib/old:1`, opts()), ErrorCode.UnsupportedManifest, 're-push');
    proxy.clearFaults();
  });
});
