// Endpoint configuration against real registries (CNCF distribution) on loopback: hosts.toml
// mirrors and their capabilities, override_path, and mTLS from a certs.d directory.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ErrorCode } from '../src/image/index.ts';
import { makeTempDir, removeTempDir } from './fixtures/cleanup.ts';
import { startConnectProxy } from './fixtures/connect-proxy.ts';
import { client, firstLayer, nsOf, pullBlob, rejects, withProxyEnv, writeHostsToml } from './fixtures/endpoint-helpers.ts';
import { faults, startFaultProxy, type FaultProxy } from './fixtures/fault-proxy.ts';
import { publishImage, randomImage, type BuiltImage } from './fixtures/images.ts';
import { createCa } from './fixtures/pki.ts';
import { startRegistry, type RunningRegistry } from './fixtures/registry.ts';

describe('hosts.toml mirrors', () => {
  let upstream: RunningRegistry;
  let mirror: RunningRegistry;
  let mirrorProxy: FaultProxy;
  let upstreamProxy: FaultProxy;
  let img: BuiltImage;
  let onlyOnMirror: BuiltImage;
  let dir: string;
  before(async () => {
    [upstream, mirror] = await Promise.all([startRegistry(), startRegistry()]);
    img = randomImage({ layers: 1, sizePerLayer: 40_000 });
    onlyOnMirror = randomImage({ layers: 1, sizePerLayer: 30_000 });
    await Promise.all([
      publishImage(upstream, 'lib/app:v1', img),
      publishImage(mirror, 'lib/app:v1', img),
      publishImage(mirror, 'lib/cached:v1', onlyOnMirror),
    ]);
    mirrorProxy = await startFaultProxy({ target: mirror.url });
    upstreamProxy = await startFaultProxy({ target: upstream.url });
    dir = makeTempDir('certs');
  });
  after(async () => {
    await Promise.all([mirrorProxy.stop(), upstreamProxy.stop(), upstream.stop(), mirror.stop()]);
    removeTempDir(dir);
  });

  test('a mirror with pull+resolve serves the tag and the blobs, asked with ?ns=<registry>', async () => {
    const registry = upstreamProxy.host;
    writeHostsToml(dir, registry, [
      `server = "http://${registry}"`,
      `[host."http://${mirrorProxy.host}"]`,
      '  capabilities = ["pull", "resolve"]',
    ]);
    mirrorProxy.clearRequests();
    upstreamProxy.clearRequests();
    // Without the mirror the image does not exist: whatever succeeds below came from the mirror.
    await rejects((await client(registry, 'lib/cached', { plainHttp: [registry] })).manifest('v1'), ErrorCode.ManifestUnknown);
    upstreamProxy.clearRequests();

    const c = await client(registry, 'lib/cached', { certsDir: dir });
    const m = await c.manifest('v1');
    assert.equal(m.descriptor.digest, onlyOnMirror.digest);
    await pullBlob(c, firstLayer(onlyOnMirror));

    const seen = mirrorProxy.requests();
    assert.ok(seen.some((r) => r.path === '/v2/lib/cached/manifests/v1'), JSON.stringify(seen));
    assert.ok(seen.some((r) => r.path === `/v2/lib/cached/blobs/${firstLayer(onlyOnMirror).digest}`));
    assert.ok(seen.every((r) => nsOf(r.url) === registry), `every mirror request carries ns=${registry}: ${seen.map((r) => r.url).join(' ')}`);
    assert.deepEqual(upstreamProxy.requests(), [], 'the registry itself was not needed');
  });

  test('a mirror with only pull: the tag is resolved by the registry, content by digest comes from the mirror', async () => {
    const registry = upstreamProxy.host;
    writeHostsToml(dir, registry, [`server = "http://${registry}"`, `[host."http://${mirrorProxy.host}"]`, '  capabilities = ["pull"]']);
    mirrorProxy.clearRequests();
    upstreamProxy.clearRequests();

    const c = await client(registry, 'lib/app', { certsDir: dir });
    assert.equal((await c.manifest('v1')).descriptor.digest, img.digest);
    assert.deepEqual(upstreamProxy.requests().map((r) => r.path), ['/v2/lib/app/manifests/v1']);
    assert.deepEqual(mirrorProxy.requests(), [], 'a pull-only mirror is not asked for tags');
    assert.equal((await c.head('v1'))?.digest, img.digest);
    assert.deepEqual(mirrorProxy.requests(), [], 'nor for HEAD of a tag');

    upstreamProxy.clearRequests();
    assert.equal((await c.manifest(img.digest)).descriptor.digest, img.digest);
    await pullBlob(c, firstLayer(img));
    assert.deepEqual(
      mirrorProxy.requests().map((r) => [r.path, nsOf(r.url)]),
      [
        [`/v2/lib/app/manifests/${img.digest}`, registry],
        [`/v2/lib/app/blobs/${firstLayer(img).digest}`, registry],
      ],
    );
    assert.deepEqual(upstreamProxy.requests(), []);
  });

  test('a failing mirror falls back to the registry; the registry is asked without ns', async () => {
    const registry = upstreamProxy.host;
    writeHostsToml(dir, registry, [`server = "http://${registry}"`, `[host."http://${mirrorProxy.host}"]`]);
    mirrorProxy.clearRequests();
    upstreamProxy.clearRequests();
    const fault = mirrorProxy.addFault({ path: /\/blobs\// }, faults.status(404, { times: Infinity, body: '{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown"}]}' }));
    try {
      const c = await client(registry, 'lib/app', { certsDir: dir });
      assert.equal((await c.manifest('v1')).descriptor.digest, img.digest);
      assert.deepEqual(upstreamProxy.requests(), [], 'the mirror answered the tag');
      await pullBlob(c, firstLayer(img));
      assert.equal(fault.hits(), 1);
      const fromServer = upstreamProxy.requests();
      assert.deepEqual(fromServer.map((r) => r.path), [`/v2/lib/app/blobs/${firstLayer(img).digest}`]);
      assert.equal(nsOf(fromServer[0]?.url ?? ''), null);
    } finally {
      mirrorProxy.clearFaults();
    }
  });

  test('override_path: the URL path is the API root, without /v2', async () => {
    // A front that serves the registry's API under /cache/api/ (as Artifactory or Nexus do).
    const front = await startFaultProxy({
      target: mirror.url,
      intercept: async ({ req }) => {
        if (req.url?.startsWith('/cache/api/')) req.url = `/v2/${req.url.slice('/cache/api/'.length)}`;
        return false;
      },
    });
    try {
      const registry = 'registry.invalid';
      writeHostsToml(dir, registry, [`[host."http://${front.host}/cache/api"]`, '  override_path = true', '  capabilities = ["pull", "resolve"]']);
      const c = await client(registry, 'lib/cached', { certsDir: dir });
      assert.equal((await c.manifest('v1')).descriptor.digest, onlyOnMirror.digest);
      await pullBlob(c, firstLayer(onlyOnMirror));
      const paths = front.requests().map((r) => r.path);
      assert.deepEqual(paths, ['/cache/api/lib/cached/manifests/v1', `/cache/api/lib/cached/blobs/${firstLayer(onlyOnMirror).digest}`]);
      assert.ok(front.requests().every((r) => nsOf(r.url) === registry));
    } finally {
      await front.stop();
    }
  });
});

describe('mTLS registry configured through certs.d', () => {
  let reg: RunningRegistry;
  let img: BuiltImage;
  let dir: string;
  before(async () => {
    reg = await startRegistry({ tls: { clientCa: true } });
    img = randomImage({ layers: 1, sizePerLayer: 20_000 });
    await publishImage(reg, 'sec/app:1', img);
    dir = makeTempDir('certs');
  });
  after(async () => {
    await reg.stop();
    removeTempDir(dir);
  });

  function certsDirWith(names: string[]): string {
    const d = join(dir, `c-${names.join('-')}`);
    mkdirSync(join(d, reg.host), { recursive: true });
    for (const name of names) copyFileSync(join(reg.certDir ?? '', name), join(d, reg.host, name));
    return d;
  }

  test('ca.crt + client.cert + client.key: the pull succeeds', async () => {
    const c = await client(reg.host, 'sec/app', { certsDir: certsDirWith(['ca.crt', 'client.cert', 'client.key']) });
    const m = await c.manifest('1');
    assert.equal(m.descriptor.digest, img.digest);
    assert.equal(m.insecure, false);
    await pullBlob(c, firstLayer(img));
  });

  test('hosts.toml client: a [cert, key] pair, or one PEM holding both; ca by absolute path', async () => {
    const cert = readFileSync(join(reg.certDir ?? '', 'client.cert'), 'utf8');
    const key = readFileSync(join(reg.certDir ?? '', 'client.key'), 'utf8');
    // Names outside the Docker *.cert/*.key pattern: only hosts.toml can bring them in.
    const d = join(dir, 'toml-client');
    mkdirSync(join(d, reg.host, 'id'), { recursive: true });
    writeFileSync(join(d, reg.host, 'id', 'cert.pem'), cert);
    writeFileSync(join(d, reg.host, 'id', 'key.pem'), key);
    writeFileSync(join(d, reg.host, 'id', 'both.pem'), `${cert}\n${key}`);
    const ca = `ca = ${JSON.stringify(join(reg.certDir ?? '', 'ca.crt'))}`;
    writeHostsToml(d, reg.host, [ca, 'client = [["id/cert.pem", "id/key.pem"]]']);
    assert.equal((await (await client(reg.host, 'sec/app', { certsDir: d })).manifest('1')).descriptor.digest, img.digest);
    writeHostsToml(d, reg.host, [ca, 'client = "id/both.pem"']);
    assert.equal((await (await client(reg.host, 'sec/app', { certsDir: d })).manifest('1')).descriptor.digest, img.digest);
    writeHostsToml(d, reg.host, [ca]);
    await rejects((await client(reg.host, 'sec/app', { certsDir: d })).manifest('1'), ErrorCode.TlsError, 'client certificate');
  });

  test('without a client certificate the error says the registry wants one', async () => {
    const c = await client(reg.host, 'sec/app', { certsDir: certsDirWith(['ca.crt']) });
    await rejects(c.manifest('1'), ErrorCode.TlsError, reg.host, 'requires a client certificate', 'client.cert');
  });

  test('a client certificate from a CA the registry does not trust is refused with the same advice', async () => {
    const otherCa = await createCa({ cn: 'Not The Registry CA' });
    try {
      const stranger = await otherCa.issueClient({ name: 'stranger' });
      const d = certsDirWith(['ca.crt']);
      copyFileSync(stranger.certFile, join(d, reg.host, 'client.cert'));
      copyFileSync(stranger.keyFile, join(d, reg.host, 'client.key'));
      await rejects((await client(reg.host, 'sec/app', { certsDir: d })).manifest('1'), ErrorCode.TlsError, 'client certificate', 'signed by a CA the registry trusts');
    } finally {
      await otherCa.cleanup();
    }
  });

  test('through an HTTPS_PROXY tunnel, the client certificate is still presented', async () => {
    const proxy = await startConnectProxy();
    try {
      await withProxyEnv({ HTTPS_PROXY: proxy.url }, async () => {
        const c = await client(reg.host, 'sec/app', { certsDir: certsDirWith(['ca.crt', 'client.cert', 'client.key']) });
        assert.equal((await c.manifest('1')).descriptor.digest, img.digest);
      });
      assert.ok(proxy.connects().some((r) => r.target === reg.host && r.status === 200), JSON.stringify(proxy.connects()));
    } finally {
      await proxy.stop();
    }
  });
});
