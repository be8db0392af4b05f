// The client's HTTP behaviour against a scripted server on loopback, for what a real API server
// rarely does on cue: Retry-After, non-Status error bodies, warnings, stalls, split watch frames,
// watch ERROR events and garbage.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { ApiStatusError, ClientError, ClientErrorCode, createClient, isGone } from '../src/client/index.ts';
import type { KubeObject } from '../src/api/object.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let server: Server;
let base: string;
let handler: Handler;
const seen: { method: string; url: string; headers: IncomingMessage['headers'] }[] = [];

before(async () => {
  server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  seen.length = 0;
});

const CM = { group: '', version: 'v1', resource: 'configmaps', namespaced: true, kind: 'ConfigMap' };
const json = (res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void => {
  res.writeHead(code, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};
const object = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns', resourceVersion: '5' } });

describe('requests', () => {
  test('auth, user agent and a path prefix are sent', async () => {
    handler = (_req, res) => json(res, 200, object('a'));
    const client = createClient({ server: `${base}/prefix/`, token: 't0k', userAgent: 'ferry-test/1' });
    await client.resource(CM, 'ns').get('a');
    assert.equal(seen[0]?.url, '/prefix/api/v1/namespaces/ns/configmaps/a');
    assert.equal(seen[0]?.headers.authorization, 'Bearer t0k');
    assert.equal(seen[0]?.headers['user-agent'], 'ferry-test/1');
    client.close();

    const dir = mkdtempSync(join(tmpdir(), 'ferry-client-'));
    try {
      writeFileSync(join(dir, 'token'), 'from-file\n');
      const fromFile = createClient({ server: base, tokenFile: join(dir, 'token') });
      await fromFile.resource(CM, 'ns').get('a');
      assert.equal(seen[1]?.headers.authorization, 'Bearer from-file');
      fromFile.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const basic = createClient({ server: base, username: 'u', password: 'p' });
    await basic.resource(CM, 'ns').get('a');
    assert.equal(seen[2]?.headers.authorization, `Basic ${Buffer.from('u:p').toString('base64')}`);
    basic.close();
  });

  test('429 with Retry-After is retried; a 5xx without it is not', async () => {
    let calls = 0;
    handler = (_req, res) => {
      calls++;
      if (calls <= 2) json(res, 429, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'TooManyRequests', code: 429 }, { 'Retry-After': '0' });
      else json(res, 200, object('a'));
    };
    const client = createClient({ server: base });
    const got = await client.resource(CM, 'ns').get('a');
    assert.equal(got.metadata.name, 'a');
    assert.equal(calls, 3);

    calls = 0;
    handler = (_req, res) => {
      calls++;
      json(res, 503, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'ServiceUnavailable', message: 'down', code: 503 });
    };
    await assert.rejects(client.resource(CM, 'ns').get('a'), (e: unknown) => e instanceof ApiStatusError && e.code === 503 && e.reason === 'ServiceUnavailable' && e.message === 'down');
    assert.equal(calls, 1);
    client.close();
  });

  test('a body that is not a Status still gives an ApiStatusError with a reason from the code', async () => {
    handler = (_req, res) => {
      res.writeHead(404, { 'Content-Type': 'text/html' });
      res.end('<html>no such thing</html>');
    };
    const client = createClient({ server: base });
    await assert.rejects(client.resource(CM, 'ns').get('a'), (e: unknown) => e instanceof ApiStatusError && e.code === 404 && e.reason === 'NotFound' && /no such thing/.test(e.message));
    client.close();
  });

  test('Warning headers reach onWarning', async () => {
    handler = (_req, res) => json(res, 200, object('a'), { Warning: '299 - "unknown field \\"spec.foo\\""' });
    const warnings: string[] = [];
    const client = createClient({ server: base, onWarning: (w) => warnings.push(w) });
    await client.resource(CM, 'ns').create(object('a'));
    assert.deepEqual(warnings, ['unknown field "spec.foo"']);
    client.close();
  });

  test('a stalled answer times out; an aborted call rejects as aborted; a refused connection is a connection error', async () => {
    handler = () => {};
    const client = createClient({ server: base, timeoutMs: 150 });
    await assert.rejects(client.resource(CM, 'ns').get('a'), (e: unknown) => e instanceof ClientError && e.code === ClientErrorCode.Timeout);
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 30);
    await assert.rejects(client.resource(CM, 'ns').get('a', { signal: abort.signal }), (e: unknown) => e instanceof ClientError && e.code === ClientErrorCode.Aborted);
    client.close();
    server.closeAllConnections();

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = createClient({ server: `http://127.0.0.1:${port}` });
    await assert.rejects(refused.resource(CM, 'ns').get('a'), (e: unknown) => e instanceof ClientError && e.code === ClientErrorCode.Connection && /ECONNREFUSED/.test(e.message));
    refused.close();
  });
});

describe('watch', () => {
  test('events split across chunks and packed into one are decoded', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      const a = JSON.stringify({ type: 'ADDED', object: object('a') });
      res.write(a.slice(0, 10));
      setTimeout(() => {
        res.write(`${a.slice(10)}\n${JSON.stringify({ type: 'MODIFIED', object: object('a') })}\n${JSON.stringify({ type: 'BOOKMARK', object: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: '9' } } })}`);
        setTimeout(() => res.end('\n'), 20);
      }, 20);
    };
    const client = createClient({ server: base });
    const types: string[] = [];
    for await (const e of client.resource(CM, 'ns').watch({ resourceVersion: '1', allowBookmarks: true })) types.push(`${e.type} ${e.object.metadata.resourceVersion}`);
    assert.deepEqual(types, ['ADDED 5', 'MODIFIED 5', 'BOOKMARK 9']);
    assert.equal(seen[0]?.url, '/api/v1/namespaces/ns/configmaps?watch=true&resourceVersion=1&allowWatchBookmarks=true');
    client.close();
  });

  test('an ERROR event throws its Status; a line that is not JSON throws a decode error', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write(`${JSON.stringify({ type: 'ADDED', object: object('a') })}\n`);
      res.end(`${JSON.stringify({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Expired', message: 'too old resource version: 1 (5)', code: 410 } })}\n`);
    };
    const client = createClient({ server: base });
    const types: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const e of client.resource(CM, 'ns').watch({ resourceVersion: '1' })) types.push(e.type);
      })(),
      (e: unknown) => isGone(e) && (e as ApiStatusError).reason === 'Expired',
    );
    assert.deepEqual(types, ['ADDED']);

    handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"type": "ADDED", "obj\n');
    };
    await assert.rejects(
      (async () => {
        for await (const _ of client.resource(CM, 'ns').watch()) assert.fail('no event');
      })(),
      (e: unknown) => e instanceof ClientError && e.code === ClientErrorCode.Decode,
    );
    client.close();
  });

  test('a refused watch request throws its Status from the iteration', async () => {
    handler = (_req, res) => json(res, 403, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Forbidden', message: 'no', code: 403 });
    const client = createClient({ server: base });
    await assert.rejects(
      (async () => {
        for await (const _ of client.resource(CM).watch()) assert.fail('no event');
      })(),
      (e: unknown) => e instanceof ApiStatusError && e.code === 403,
    );
    assert.equal(seen[0]?.url, '/api/v1/configmaps?watch=true');
    client.close();
  });
});
