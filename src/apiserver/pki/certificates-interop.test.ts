// The certificates against real verifiers: Node's TLS stack, openssl, and Go's crypto/x509 through
// kubectl. The last two are skipped when the tool is not installed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:https';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCertificateAuthority, createServingCertificate } from './certificates.ts';

const KUBECTL = '/usr/lib/google-cloud-sdk/bin/kubectl.1.32';
const VERSION = { major: '1', minor: '32', gitVersion: 'v1.32.0', gitCommit: 'test', gitTreeState: 'clean', buildDate: '2024-01-01T00:00:00Z', goVersion: 'go1.22', compiler: 'gc', platform: 'linux/amd64' };

const ca = createCertificateAuthority({ commonName: 'ferry-ca', days: 30 });
const otherCa = createCertificateAuthority({ commonName: 'ferry-ca', days: 30 });
const serving = createServingCertificate({ ca, commonName: 'ferry-apiserver', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1', '::1'], days: 30 });

function run(file: string, args: string[], env?: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 60_000, env }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

const hasOpenssl = (await run('openssl', ['version'])).code === 0;

let dir: string;
let server: Server;
let port: number;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ferry-pki-'));
  writeFileSync(join(dir, 'ca.crt'), ca.certPem);
  writeFileSync(join(dir, 'other-ca.crt'), otherCa.certPem);
  writeFileSync(join(dir, 'serving.crt'), serving.certPem);
  server = createServer({ key: serving.keyPem, cert: serving.certPem }, (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(req.url?.startsWith('/version') ? VERSION : { path: req.url }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

/** GET / over TLS to 127.0.0.1, presenting `servername` for SNI and hostname verification. */
function get(caPem: string, servername?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', ca: caPem, servername, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('Node TLS handshake with the serving certificate', () => {
  test('succeeds by IP address, trusting only the CA', async () => {
    assert.equal(await get(ca.certPem), '{"path":"/"}');
  });

  test('succeeds by the DNS name localhost', async () => {
    assert.equal(await get(ca.certPem, 'localhost'), '{"path":"/"}');
  });

  test('fails when the client trusts a different CA with the same name', async () => {
    await assert.rejects(get(otherCa.certPem), (err: NodeJS.ErrnoException) => {
      assert.match(String(err.code), /UNABLE_TO_VERIFY_LEAF_SIGNATURE|CERT_SIGNATURE_FAILURE|UNABLE_TO_GET_ISSUER_CERT/);
      return true;
    });
  });

  test('fails for a name the certificate does not carry', async () => {
    await assert.rejects(get(ca.certPem, 'example.com'), (err: NodeJS.ErrnoException) => {
      assert.equal(err.code, 'ERR_TLS_CERT_ALTNAME_INVALID');
      return true;
    });
  });
});

describe('openssl', { skip: !hasOpenssl && 'openssl is not installed' }, () => {
  test('verifies the chain strictly, for server use', async () => {
    const result = await run('openssl', ['verify', '-x509_strict', '-purpose', 'sslserver', '-CAfile', join(dir, 'ca.crt'), join(dir, 'serving.crt')]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /serving\.crt: OK/);
  });

  test('rejects the chain under a different CA', async () => {
    const result = await run('openssl', ['verify', '-CAfile', join(dir, 'other-ca.crt'), join(dir, 'serving.crt')]);
    assert.notEqual(result.code, 0);
  });

  test('parses both certificates as strict DER', async () => {
    for (const file of ['ca.crt', 'serving.crt']) {
      const result = await run('openssl', ['asn1parse', '-strictpem', '-in', join(dir, file)]);
      assert.equal(result.code, 0, result.stderr);
    }
  });
});

describe('kubectl (Go crypto/x509 and crypto/tls)', { skip: !existsSync(KUBECTL) && `${KUBECTL} is not installed` }, () => {
  const kubectl = (caFile: string): Promise<{ code: number; stdout: string; stderr: string }> =>
    run(KUBECTL, ['--server', `https://127.0.0.1:${port}`, '--certificate-authority', join(dir, caFile), '--token', 'x', 'get', '--raw', '/version'], {
      PATH: process.env.PATH,
      HOME: dir,
      KUBECONFIG: join(dir, 'no-kubeconfig'),
    });

  test('accepts the serving certificate under the CA', async () => {
    const result = await kubectl('ca.crt');
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), VERSION);
  });

  test('rejects it under a different CA', async () => {
    const result = await kubectl('other-ca.crt');
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /certificate signed by unknown authority|x509/);
  });
});
