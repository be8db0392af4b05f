import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { confinedPath, handleConsole } from './console-assets.ts';

const root = mkdtempSync(join(tmpdir(), 'ferry-console-'));
const dir = join(root, 'console');
const empty = join(root, 'not-built');
let base = '';
let closeServer: () => void = () => {};

before(async () => {
  mkdirSync(join(dir, 'assets'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
  writeFileSync(join(root, 'secret.txt'), 'outside');
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const which = url.pathname.startsWith('/empty') ? empty : dir;
    if (url.pathname.startsWith('/empty')) url.pathname = url.pathname.slice('/empty'.length) || '/';
    handleConsole(req, res, url, which).then((handled) => {
      if (!handled) {
        res.writeHead(418);
        res.end('api');
      }
    }, (err: unknown) => {
      res.writeHead(500);
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  closeServer = () => server.close();
});

after(() => {
  closeServer();
  rmSync(root, { recursive: true, force: true });
});

function rawGet(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(`${base}${path}`, { path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

test('confinedPath never leaves the build directory', () => {
  assert.equal(confinedPath(dir, 'assets/index-abc123.js'), join(dir, 'assets', 'index-abc123.js'));
  for (const bad of ['../secret.txt', '%2e%2e/secret.txt', '..%2fsecret.txt', 'assets/../../secret.txt', '%2fetc%2fpasswd/../../..', 'a%00b', '..\\secret.txt', '%E0%A4%A', '..', '.']) {
    const got = confinedPath(dir, bad);
    assert.ok(got === undefined || got.startsWith(`${dir}/`), `${bad} -> ${String(got)}`);
    assert.notEqual(got, join(root, 'secret.txt'));
  }
  assert.equal(confinedPath(dir, '%2e%2e/secret.txt'), undefined);
  assert.equal(confinedPath(dir, '/etc/passwd'), join(dir, 'etc', 'passwd'));
});

test('assets are cached for good, pages are index.html with no-cache, all with a strict CSP', async () => {
  const asset = await fetch(`${base}/console/assets/index-abc123.js`);
  assert.equal(asset.status, 200);
  assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  assert.match(asset.headers.get('content-type') ?? '', /^text\/javascript/);
  assert.equal(asset.headers.get('x-content-type-options'), 'nosniff');
  for (const page of ['/console/', '/console/workloads/deployments/foo', '/console/secrets']) {
    const res = await fetch(`${base}${page}`);
    assert.equal(res.status, 200, page);
    assert.equal(await res.text(), '<!doctype html><title>console</title>');
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
  }
  assert.equal((await fetch(`${base}/console/assets/missing.js`)).status, 404);
  // fetch would resolve the dots itself; a raw request sends them as a hostile client would.
  for (const path of ['/console/%2e%2e/secret.txt', '/console/..%2fsecret.txt', '/console/assets/%2e%2e%2f%2e%2e%2fsecret.txt']) {
    const escape = await rawGet(path);
    // URL parsing turns `%2e%2e` segments into `..` and resolves them before routing (to the API).
    assert.ok(escape.status === 400 || escape.status === 418, `${path}: ${escape.status}`);
    assert.doesNotMatch(escape.body, /outside/);
  }
  assert.equal((await rawGet('/console/..%2fsecret.txt')).status, 400);
});

test('/ redirects to the console; other paths and methods are left to the API', async () => {
  const res = await fetch(`${base}/`, { redirect: 'manual' });
  assert.equal(res.status, 302);
  assert.equal(res.headers.get('location'), '/console/');
  assert.equal((await fetch(`${base}/api/v1/namespaces`)).status, 418);
  assert.equal((await fetch(`${base}/console/`, { method: 'POST' })).status, 418);
});

test('without a build, /console/ says to run npm run build', async () => {
  const res = await fetch(`${base}/empty/console/`);
  assert.equal(res.status, 503);
  assert.match(await res.text(), /npm run build/);
});
