// The registry client against real registries (CNCF distribution) on loopback: each auth
// scheme, TLS trust, redirects, and faults injected by a proxy.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ErrorCode, type Credential, type RegistryClient, type RegistrySettings } from '../src/image/index.ts';
import { client as endpointClient, MemorySink, rejects } from './fixtures/endpoint-helpers.ts';
import { makeTempDir, removeTempDir } from './fixtures/cleanup.ts';
import { faults, startFaultProxy } from './fixtures/fault-proxy.ts';
import { publishImage, randomImage, type BuiltImage } from './fixtures/images.ts';
import { startRedirectHost } from './fixtures/redirect-host.ts';
import { startRegistry, type RunningRegistry } from './fixtures/registry.ts';

// Enough attempts for the fault tests (two 503s, then a 429), with short delays.
const RETRY = { attempts: 4, baseDelayMs: 20, maxDelayMs: 100, maxRetryAfterMs: 1500 };
const client = (host: string, repo: string, settings: RegistrySettings, credential?: Credential): Promise<RegistryClient> =>
  endpointClient(host, repo, settings, credential, RETRY);

describe('plain HTTP registry, anonymous', () => {
  let reg: RunningRegistry;
  let img: BuiltImage;
  before(async () => {
    reg = await startRegistry();
    img = randomImage({ layers: 2, sizePerLayer: 300_000 });
    await publishImage(reg, 'app/rand:v1', img);
  });
  after(() => reg.stop());

  test('resolves a tag and verifies the manifest digest', async () => {
    const c = await client(reg.host, 'app/rand', { plainHttp: [reg.host] });
    const m = await c.manifest('v1');
    assert.equal(m.descriptor.digest, img.digest);
    assert.equal(m.insecure, true);
    const sink = new MemorySink();
    const layer = img.layers[0];
    assert.ok(layer);
    await c.blob(layer, sink);
    assert.equal(sink.digest(), layer.digest);
  });

  test('HTTPS to a plain-HTTP registry says to mark it plain-http', async () => {
    const c = await client(reg.host, 'app/rand', {});
    await rejects(c.manifest('v1'), ErrorCode.HttpResponseToHttps, reg.host, 'plain-http');
  });

  test('an insecure registry that only speaks HTTP is reached over HTTP', async () => {
    const c = await client(reg.host, 'app/rand', { insecure: [reg.host] });
    assert.equal((await c.manifest('v1')).descriptor.digest, img.digest);
  });

  test('unknown tag and unknown repository are told apart', async () => {
    const c = await client(reg.host, 'app/rand', { plainHttp: [reg.host] });
    await rejects(c.manifest('nope'), ErrorCode.ManifestUnknown, 'nope', reg.host);
  });

  test('a registry that reports NAME_UNKNOWN gets a message about the repository', async () => {
    // distribution 2.8 answers MANIFEST_UNKNOWN for unknown repositories; other registries say NAME_UNKNOWN.
    const proxy = await startFaultProxy({ target: reg.url });
    try {
      proxy.addFault({ path: /\/manifests\// }, faults.status(404, { body: '{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]}' }));
      const d = await client(proxy.host, 'app/missing', { plainHttp: [proxy.host] });
      await rejects(d.manifest('v1'), ErrorCode.NameUnknown, 'repository does not exist');
    } finally {
      await proxy.stop();
    }
  });

  test('retries 503 and 429 (honouring Retry-After), resumes a dropped blob, refuses corrupt bytes', async () => {
    const proxy = await startFaultProxy({ target: reg.url });
    try {
      const layer = img.layers[1];
      assert.ok(layer);
      proxy.addFault({ path: /\/manifests\// }, faults.status(503, { times: 2 }));
      const c = await client(proxy.host, 'app/rand', { plainHttp: [proxy.host] });
      assert.equal((await c.manifest('v1')).descriptor.digest, img.digest);
      assert.equal(proxy.requests().filter((r) => r.status === 503).length, 2);
      proxy.addFault({ path: /\/manifests\// }, faults.status(429, { times: 1, headers: { 'retry-after': '1' } }));
      const started = Date.now();
      assert.equal((await c.manifest('v1')).descriptor.digest, img.digest);
      assert.ok(Date.now() - started >= 900, 'waited for Retry-After');

      proxy.addFault({ path: layer.digest }, faults.dropAfterBytes(100_000, { times: 2 }));
      const sink = new MemorySink();
      await c.blob(layer, sink);
      assert.equal(sink.digest(), layer.digest);
      const ranges = proxy.requests().filter((r) => r.path.includes(layer.digest)).map((r) => r.range);
      assert.deepEqual(ranges.slice(0, 2), [undefined, 'bytes=100000-']);

      proxy.clearFaults();
      proxy.addFault({ path: layer.digest }, faults.stripRangeSupport());
      proxy.addFault({ path: layer.digest }, faults.dropAfterBytes(50_000, { times: 1 }));
      const sink2 = new MemorySink();
      await c.blob(layer, sink2);
      assert.equal(sink2.digest(), layer.digest, 'a server without Range support still yields the right bytes');

      proxy.clearFaults();
      proxy.addFault({ path: /\/manifests\// }, faults.corruptByte(10));
      await rejects(c.manifest(img.digest), ErrorCode.DigestMismatch, img.digest);

      proxy.addFault({ path: /\/manifests\// }, faults.status(503, { times: Infinity }));
      await rejects(c.manifest('v1'), ErrorCode.RegistryUnavailable, '503', 'try again later');
    } finally {
      await proxy.stop();
    }
  });
});

describe('htpasswd registry behind a redirecting front', () => {
  let reg: RunningRegistry;
  let img: BuiltImage;
  before(async () => {
    reg = await startRegistry({ auth: { htpasswd: { alice: 'wonderland' } } });
    img = randomImage({ layers: 1, sizePerLayer: 50_000 });
    await publishImage(reg, 'team/app:1', img);
  });
  after(() => reg.stop());

  test('Basic auth: right password pulls, wrong one names the user but not the password', async () => {
    const ok = await client(reg.host, 'team/app', { plainHttp: [reg.host] }, { username: 'alice', password: 'wonderland' });
    assert.equal((await ok.manifest('1')).descriptor.digest, img.digest);
    const bad = await client(reg.host, 'team/app', { plainHttp: [reg.host] }, { username: 'alice', password: 'hunter2' });
    const err = await rejects(bad.manifest('1'), ErrorCode.Unauthorized, 'alice', 'rejected the credential');
    assert.ok(!err.message.includes('hunter2'));
    const anon = await client(reg.host, 'team/app', { plainHttp: [reg.host] });
    await rejects(anon.manifest('1'), ErrorCode.Unauthorized, 'no credential matched', 'imagePullSecrets');
  });

  test('blob redirects to another host go without Authorization or cookies', async () => {
    const rh = await startRedirectHost({ target: reg.url });
    try {
      const c = await client(rh.host, 'team/app', { plainHttp: [rh.host] }, { username: 'alice', password: 'wonderland' });
      const layer = img.layers[0];
      assert.ok(layer);
      const sink = new MemorySink();
      await c.blob(layer, sink);
      assert.equal(sink.digest(), layer.digest);
      const blobs = rh.blobRequests();
      assert.ok(blobs.length >= 1, 'the blob came from the second host');
      assert.ok(blobs.every((b) => !b.hasAuthorization && !b.hasCookie));
      assert.ok(rh.requests().some((r) => r.path.includes('/blobs/') && r.hasAuthorization), 'the registry itself got credentials');
    } finally {
      await rh.stop();
    }
  });
});

describe('TLS registry with a private CA', () => {
  let reg: RunningRegistry;
  let img: BuiltImage;
  let dir: string;
  before(async () => {
    reg = await startRegistry({ tls: true });
    img = randomImage({ layers: 1, sizePerLayer: 10_000 });
    await publishImage(reg, 'x/y:1', img);
    dir = makeTempDir('certs');
  });
  after(async () => {
    await reg.stop();
    removeTempDir(dir);
  });

  test('unknown CA explains x509 and where to put the CA; dropping it in fixes the next pull', async () => {
    const settings = { certsDir: dir };
    await rejects((await client(reg.host, 'x/y', settings)).manifest('1'), ErrorCode.TlsUnknownAuthority, 'x509', join(dir, reg.host, 'ca.crt'));
    mkdirSync(join(dir, reg.host));
    writeFileSync(join(dir, reg.host, 'ca.crt'), reg.caPem ?? '');
    assert.equal((await (await client(reg.host, 'x/y', settings)).manifest('1')).descriptor.digest, img.digest);
  });

  test('insecure skips verification', async () => {
    const c = await client(reg.host, 'x/y', { insecure: [reg.host] });
    const m = await c.manifest('1');
    assert.equal(m.descriptor.digest, img.digest);
    assert.equal(m.insecure, true);
  });
});

describe('Bearer token registry', () => {
  let reg: RunningRegistry;
  let img: BuiltImage;
  before(async () => {
    reg = await startRegistry({ auth: { token: { users: { u: 'p' }, anonymousPull: false } } });
    img = randomImage({ layers: 1, sizePerLayer: 20_000 });
    await publishImage(reg, 'x/y:v1', img);
  });
  after(() => reg.stop());

  test('password grant, token reused across requests', async () => {
    const c = await client(reg.host, 'x/y', { plainHttp: [reg.host] }, { username: 'u', password: 'p' });
    assert.equal((await c.manifest('v1')).descriptor.digest, img.digest);
    const before = reg.tokenServer?.requests().length ?? 0;
    const sink = new MemorySink();
    await c.blob(img.layers[0] as BuiltImage['layers'][number], sink);
    assert.equal(sink.digest(), img.layers[0]?.digest);
    assert.equal(reg.tokenServer?.requests().length, before, 'no new token for the same scope');
  });

  test('wrong password and anonymous are refused with actionable messages', async () => {
    const bad = await client(reg.host, 'x/y', { plainHttp: [reg.host] }, { username: 'u', password: 'wrong' });
    const err = await rejects(bad.manifest('v1'), ErrorCode.Unauthorized, 'user "u"');
    assert.ok(!err.message.includes('wrong'));
    const anon = await client(reg.host, 'x/y', { plainHttp: [reg.host] });
    await rejects(anon.manifest('v1'), ErrorCode.Unauthorized, 'imagePullSecrets');
  });
});
