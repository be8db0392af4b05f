// Forward proxies from HTTPS_PROXY / HTTP_PROXY / NO_PROXY against real registries on loopback:
// CONNECT tunnels for TLS registries, absolute-URI requests for plain-HTTP ones.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ErrorCode } from '../src/image/index.ts';
import { makeTempDir, removeTempDir } from './fixtures/cleanup.ts';
import { startConnectProxy, type ConnectProxy } from './fixtures/connect-proxy.ts';
import { client, firstLayer, pullBlob, rejects, withProxyEnv } from './fixtures/endpoint-helpers.ts';
import { publishImage, randomImage, type BuiltImage } from './fixtures/images.ts';
import { startRegistry, type RunningRegistry } from './fixtures/registry.ts';

describe('forward proxies from the environment', () => {
  let tlsReg: RunningRegistry;
  let plainReg: RunningRegistry;
  let img: BuiltImage;
  let dir: string;
  let proxy: ConnectProxy;
  before(async () => {
    [tlsReg, plainReg] = await Promise.all([startRegistry({ tls: true }), startRegistry()]);
    img = randomImage({ layers: 1, sizePerLayer: 50_000 });
    await Promise.all([publishImage(tlsReg, 'p/app:1', img), publishImage(plainReg, 'p/app:1', img)]);
    dir = makeTempDir('certs');
    mkdirSync(join(dir, tlsReg.host));
    writeFileSync(join(dir, tlsReg.host, 'ca.crt'), tlsReg.caPem ?? '');
    proxy = await startConnectProxy();
  });
  after(async () => {
    await Promise.all([proxy.stop(), tlsReg.stop(), plainReg.stop()]);
    removeTempDir(dir);
  });

  test('HTTPS_PROXY: the pull from the TLS registry goes through a CONNECT tunnel', async () => {
    proxy.clear();
    await withProxyEnv({ HTTPS_PROXY: proxy.url }, async () => {
      const c = await client(tlsReg.host, 'p/app', { certsDir: dir });
      assert.equal((await c.manifest('1')).descriptor.digest, img.digest);
      await pullBlob(c, firstLayer(img));
    });
    const connects = proxy.connects();
    assert.ok(connects.length >= 1);
    assert.ok(connects.every((r) => r.target === tlsReg.host && r.status === 200 && !r.hasProxyAuthorization), JSON.stringify(connects));
    assert.deepEqual(proxy.forwards(), []);
  });

  test('through the tunnel the registry certificate is still verified', async () => {
    proxy.clear();
    await withProxyEnv({ HTTPS_PROXY: proxy.url }, async () => {
      await rejects((await client(tlsReg.host, 'p/app', {})).manifest('1'), ErrorCode.TlsUnknownAuthority, tlsReg.host);
    });
    assert.ok(proxy.connects().some((r) => r.target === tlsReg.host), 'the failure happened inside the tunnel');
  });

  test('https_proxy (lowercase) is honoured too', async () => {
    proxy.clear();
    await withProxyEnv({ https_proxy: proxy.url }, async () => {
      assert.equal((await (await client(tlsReg.host, 'p/app', { certsDir: dir })).manifest('1')).descriptor.digest, img.digest);
    });
    assert.ok(proxy.connects().length >= 1);
  });

  test('NO_PROXY covering the host: the pull goes direct', async () => {
    for (const noProxy of [tlsReg.host, '127.0.0.1', 'localhost,127.0.0.1', '*']) {
      proxy.clear();
      await withProxyEnv({ HTTPS_PROXY: proxy.url, NO_PROXY: noProxy }, async () => {
        const c = await client(tlsReg.host, 'p/app', { certsDir: dir });
        assert.equal((await c.manifest('1')).descriptor.digest, img.digest);
        await pullBlob(c, firstLayer(img));
      });
      assert.deepEqual(proxy.connects(), [], `NO_PROXY=${noProxy}`);
    }
  });

  test('proxy credentials in the URL are sent as Proxy-Authorization; wrong ones fail naming the proxy', async () => {
    const authProxy = await startConnectProxy({ credentials: { username: 'pxuser', password: 'p@ss' } });
    try {
      await withProxyEnv({ HTTPS_PROXY: `http://pxuser:p%40ss@${authProxy.host}` }, async () => {
        assert.equal((await (await client(tlsReg.host, 'p/app', { certsDir: dir })).manifest('1')).descriptor.digest, img.digest);
      });
      assert.ok(authProxy.connects().length >= 1);
      assert.ok(authProxy.connects().every((r) => r.hasProxyAuthorization && r.status === 200));

      await withProxyEnv({ HTTPS_PROXY: `http://pxuser:wrong@${authProxy.host}` }, async () => {
        const err = await rejects((await client(tlsReg.host, 'p/app', { certsDir: dir })).manifest('1'), ErrorCode.ConnectionRefused, authProxy.host, '407');
        assert.ok(!err.message.includes('wrong'), 'the proxy password is not in the message');
      });
    } finally {
      await authProxy.stop();
    }
  });

  test('HTTP_PROXY: a plain-HTTP registry is reached with absolute-URI requests; HTTPS_PROXY alone does not apply', async () => {
    proxy.clear();
    await withProxyEnv({ HTTP_PROXY: proxy.url }, async () => {
      const c = await client(plainReg.host, 'p/app', { plainHttp: [plainReg.host] });
      assert.equal((await c.manifest('1')).descriptor.digest, img.digest);
      await pullBlob(c, firstLayer(img));
    });
    const forwards = proxy.forwards();
    assert.deepEqual(
      forwards.map((r) => [r.method, r.url, r.status]),
      [
        ['GET', `http://${plainReg.host}/v2/p/app/manifests/1`, 200],
        ['GET', `http://${plainReg.host}/v2/p/app/blobs/${firstLayer(img).digest}`, 200],
      ],
    );
    assert.ok(forwards.every((r) => r.host === plainReg.host), `Host names the registry, not the proxy: ${JSON.stringify(forwards)}`);
    assert.deepEqual(proxy.connects(), []);

    proxy.clear();
    await withProxyEnv({ HTTPS_PROXY: proxy.url }, async () => {
      assert.equal((await (await client(plainReg.host, 'p/app', { plainHttp: [plainReg.host] })).manifest('1')).descriptor.digest, img.digest);
    });
    assert.deepEqual([proxy.forwards(), proxy.connects()], [[], []]);
  });

  test('HTTP_PROXY with NO_PROXY covering the plain registry goes direct', async () => {
    proxy.clear();
    await withProxyEnv({ HTTP_PROXY: proxy.url, NO_PROXY: plainReg.host }, async () => {
      assert.equal((await (await client(plainReg.host, 'p/app', { plainHttp: [plainReg.host] })).manifest('1')).descriptor.digest, img.digest);
    });
    assert.deepEqual(proxy.forwards(), []);
  });
});
