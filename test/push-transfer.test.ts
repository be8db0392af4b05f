// How push() talks to a registry, watched through the fault proxy in front of a plain-HTTP
// registry: which requests go up (mounts instead of uploads, PATCH chunks), a registry that
// answers 202 to a mount without mounting, retries that re-send a streamed body, and a registry
// that reports another digest than the one pushed.
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ContentStore } from '../src/image/content/index.ts';
import { ErrorCode, pull, push, type PushOptions } from '../src/image/index.ts';
import { makeTempDir, removeTempDir } from './fixtures/cleanup.ts';
import { rejects } from './fixtures/endpoint-helpers.ts';
import { faults, startFaultProxy, type FaultProxy, type ProxyRequestRecord } from './fixtures/fault-proxy.ts';
import { publishImage, randomImage } from './fixtures/images.ts';
import { startRegistry, type RunningRegistry } from './fixtures/registry.ts';

const RETRY = { attempts: 3, baseDelayMs: 10, maxDelayMs: 20, maxRetryAfterMs: 100 };
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding']);

const uploadPuts = (reqs: ProxyRequestRecord[]): ProxyRequestRecord[] => reqs.filter((r) => r.method === 'PUT' && r.path.includes('/blobs/uploads/'));
const mountPosts = (reqs: ProxyRequestRecord[]): ProxyRequestRecord[] => reqs.filter((r) => r.method === 'POST' && r.url.includes('mount='));

describe('push transfers through a fault proxy (plain HTTP, anonymous)', () => {
  let reg: RunningRegistry;
  let proxy: FaultProxy;
  let dir: string;
  let store: ContentStore;
  let refuseMounts = false;
  const img = randomImage({ layers: 2, sizePerLayer: 300_000 });
  const blobCount = 1 + img.layers.length;
  const opts = (extra: Partial<PushOptions> = {}): PushOptions => ({ store, settings: { plainHttp: [proxy.host] }, retry: RETRY, ...extra });

  // A registry that ignores `mount`: it opens a plain upload session and answers 202, as the spec
  // allows ("the registry MAY ... fall back to a regular upload").
  const intercept = async ({ req, res, upstream }: { req: IncomingMessage; res: ServerResponse; upstream: (m: string, u: string, h: IncomingMessage['headers']) => Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> }): Promise<boolean> => {
    if (!refuseMounts || req.method !== 'POST' || !(req.url ?? '').includes('mount=')) return false;
    req.resume();
    const u = new URL(req.url ?? '/', 'http://proxy');
    u.searchParams.delete('mount');
    u.searchParams.delete('from');
    const up = await upstream('POST', `${u.pathname}${u.search}`, req.headers);
    const headers = Object.fromEntries(Object.entries(up.headers).filter(([k]) => !HOP_BY_HOP.has(k)));
    res.writeHead(up.status, headers as Record<string, string>).end(up.body);
    return true;
  };

  before(async () => {
    reg = await startRegistry();
    proxy = await startFaultProxy({ target: reg.url, intercept });
    await publishImage(reg, 'src/app:1', img);
    dir = makeTempDir('push-transfer');
    store = await ContentStore.open(join(dir, 'content'));
    await pull(`${proxy.host}/src/app:1`, { store, settings: { plainHttp: [proxy.host] } });
  });
  after(async () => {
    await proxy.stop();
    await reg.stop();
    removeTempDir(dir);
  });

  test('HTTPS to a plain-HTTP registry says to mark it plain-http; with --plain-http the push works', async () => {
    await rejects(push(`${proxy.host}/src/app:1`, `${proxy.host}/plain/app:1`, { ...opts(), settings: {} }), ErrorCode.HttpResponseToHttps, 'pushing', '--plain-http');
    const r = await push(`${proxy.host}/src/app:1`, `${proxy.host}/plain/app:1`, opts());
    assert.equal(r.digest, img.digest);
  });

  test('a mount within the registry sends no upload at all', async () => {
    proxy.clearRequests();
    const r = await push(`${proxy.host}/src/app:1`, `${proxy.host}/dst/mounted:1`, opts());
    assert.deepEqual(r.blobs, { pushed: 0, mounted: blobCount, skipped: 0 });
    assert.equal(mountPosts(proxy.requests()).length, blobCount);
    assert.equal(uploadPuts(proxy.requests()).length, 0);
  });

  test('a registry answering 202 to a mount without mounting gets the blob uploaded into that session', async () => {
    refuseMounts = true;
    try {
      proxy.clearRequests();
      const r = await push(`${proxy.host}/src/app:1`, `${proxy.host}/dst/fallback:1`, opts());
      assert.deepEqual(r.blobs, { pushed: blobCount, mounted: 0, skipped: 0 });
      const reqs = proxy.requests();
      assert.equal(mountPosts(reqs).length, blobCount);
      assert.equal(reqs.filter((q) => q.method === 'POST' && !q.url.includes('mount=')).length, 0, 'the 202 session is used, no second POST');
      assert.equal(uploadPuts(reqs).length, blobCount);
      assert.ok(uploadPuts(reqs).every((q) => q.status === 201));
    } finally {
      refuseMounts = false;
    }
    const back = await ContentStore.open(join(dir, 'back-fallback'));
    assert.equal((await pull(`${proxy.host}/dst/fallback:1`, { store: back, settings: { plainHttp: [proxy.host] } })).digest, img.digest);
  });

  test('chunked upload: PATCH requests of chunkSize bytes, then a closing PUT; digests kept', async () => {
    const chunkSize = 64 * 1024;
    refuseMounts = true;
    try {
      proxy.clearRequests();
      const r = await push(`${proxy.host}/src/app:1`, `${proxy.host}/chunked/app:1`, opts({ chunkSize }));
      assert.equal(r.blobs.pushed, blobCount);
      const reqs = proxy.requests();
      // The config is smaller than a chunk: it goes up in the closing PUT alone.
      const expected = img.layers.reduce((n, l) => n + Math.ceil(l.size / chunkSize), 0);
      assert.equal(reqs.filter((q) => q.method === 'PATCH' && q.status === 202).length, expected);
      assert.equal(uploadPuts(reqs).length, blobCount);
    } finally {
      refuseMounts = false;
    }
    const back = await ContentStore.open(join(dir, 'back-chunked'));
    const again = await pull(`${proxy.host}/chunked/app:1`, { store: back, settings: { plainHttp: [proxy.host] } });
    assert.equal(again.digest, img.digest);
    for (const l of img.layers) assert.ok(await back.verify(l.digest));
  });

  test('a 503 on an upload is retried with the body streamed again from disk', async () => {
    refuseMounts = true;
    const fault = proxy.addFault({ method: 'PUT', path: '/blobs/uploads/' }, faults.status(503, { times: 1 }));
    try {
      const r = await push(`${proxy.host}/src/app:1`, `${proxy.host}/dst/retried:1`, opts({ maxConcurrentUploads: 1 }));
      assert.equal(fault.hits(), 1);
      assert.equal(r.blobs.pushed, blobCount);
    } finally {
      refuseMounts = false;
      proxy.clearFaults();
    }
  });

  test('an upload session the registry lost is started over', async () => {
    refuseMounts = true;
    const fault = proxy.addFault({ method: 'PUT', path: '/blobs/uploads/' }, faults.status(404, { body: '{"errors":[{"code":"BLOB_UPLOAD_UNKNOWN","message":"blob upload unknown to registry"}]}', times: 1 }));
    try {
      proxy.clearRequests();
      const r = await push(`${proxy.host}/src/app:1`, `${proxy.host}/dst/restarted:1`, opts({ maxConcurrentUploads: 1 }));
      assert.equal(fault.hits(), 1);
      assert.equal(r.blobs.pushed, blobCount);
      assert.equal(proxy.requests().filter((q) => q.method === 'POST' && !q.url.includes('mount=')).length, 1, 'one new session');
    } finally {
      refuseMounts = false;
      proxy.clearFaults();
    }
  });

  test('a registry reporting another digest for the manifest fails the push with DIGEST_MISMATCH', async () => {
    const other = `sha256:${'0'.repeat(64)}`;
    proxy.addFault({ method: 'PUT', path: /\/manifests\// }, faults.status(201, { headers: { 'docker-content-digest': other }, body: '', times: Infinity }));
    try {
      await rejects(push(`${proxy.host}/src/app:1`, `${proxy.host}/dst/altered:1`, opts()), ErrorCode.DigestMismatch, other, img.digest);
    } finally {
      proxy.clearFaults();
    }
  });
});

describe('push credentials stay on the registry origin', () => {
  let reg: RunningRegistry;
  let front: FaultProxy;
  let elsewhere: FaultProxy;
  let dir: string;
  const alice = { username: 'alice', password: 'origin-only-pw' };
  const img = randomImage({ layers: 1, sizePerLayer: 20_000 });

  before(async () => {
    reg = await startRegistry({ auth: { htpasswd: { alice: alice.password } } });
    elsewhere = await startFaultProxy({ target: reg.url });
    // The registry hands out upload locations on another origin (as storage-backed registries may).
    front = await startFaultProxy({
      target: reg.url,
      intercept: async ({ req, res, upstream }) => {
        if (req.method !== 'POST' || !(req.url ?? '').includes('/blobs/uploads/')) return false;
        req.resume();
        const up = await upstream('POST', req.url ?? '/', req.headers);
        const headers = Object.fromEntries(Object.entries(up.headers).filter(([k]) => !HOP_BY_HOP.has(k))) as Record<string, string>;
        if (typeof headers.location === 'string') headers.location = headers.location.replace(/^https?:\/\/[^/]+/, elsewhere.url);
        res.writeHead(up.status, headers).end(up.body);
        return true;
      },
    });
    await publishImage(reg, 'src/app:1', img);
    dir = makeTempDir('push-origin');
  });
  after(async () => {
    await Promise.all([front.stop(), elsewhere.stop()]);
    await reg.stop();
    removeTempDir(dir);
  });

  test('an upload Location on another origin gets no Authorization header', async () => {
    const store = await ContentStore.open(join(dir, 'content'));
    const settings = { plainHttp: [reg.host, front.host, elsewhere.host] };
    // Pulled under the registry's own name: to the front it is another registry, so nothing is mounted.
    await pull(`${reg.host}/src/app:1`, { store, credentials: [alice], settings });
    const err = await rejects(push(`${reg.host}/src/app:1`, `${front.host}/other/app:1`, { store, credentials: [alice], settings, retry: RETRY }), ErrorCode.Unauthorized);
    assert.ok(!err.message.includes(alice.password));
    const away = elsewhere.requests();
    assert.ok(away.length > 0, 'the upload went to the other origin');
    assert.ok(away.every((q) => !q.hasAuthorization), JSON.stringify(away));
    assert.ok(front.requests().some((q) => q.hasAuthorization), 'the registry itself did get the credential');
  });
});
