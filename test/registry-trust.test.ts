// `ferry registry trust` against real servers: the fixture TLS registry (docker-registry, which
// sends only its leaf), and TLS front ends started here that send leaf + root, in front of a plain
// registry, so that install, verification and a following pull can all succeed.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect as netConnect, createServer as createNetServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { connect as tlsConnect, createServer as createTlsServer } from 'node:tls';
import { busyboxLikeImage, publishImage } from './fixtures/images.ts';
import { createCa } from './fixtures/pki.ts';
import type { Ca } from './fixtures/pki.ts';
import { startRegistry } from './fixtures/registry.ts';
import type { RunningRegistry } from './fixtures/registry.ts';
import { runFerry, type FerryRun } from './fixtures/ferry-cli.ts';

function ferry(args: string[]): Promise<FerryRun> {
  return runFerry(args, { FERRY_DATA_DIR: join(work, 'data') });
}

// A TLS terminator sending `cert` (leaf + root) that forwards the bytes to a plain registry.
async function tlsFront(cert: string, key: string, backendPort: number): Promise<{ server: Server; host: string }> {
  const server = createTlsServer({ cert, key }, (socket) => {
    const backend = netConnect({ host: '127.0.0.1', port: backendPort });
    socket.pipe(backend).pipe(socket);
    socket.on('error', () => backend.destroy());
    backend.on('error', () => socket.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, host: `127.0.0.1:${(server.address() as { port: number }).port}` };
}

function peerFingerprint(host: string): Promise<string> {
  const [h, p] = host.split(':') as [string, string];
  return new Promise((resolve, reject) => {
    const s = tlsConnect({ host: h, port: Number(p), rejectUnauthorized: false }, () => {
      resolve(s.getPeerX509Certificate()?.fingerprint256 ?? '');
      s.destroy();
    });
    s.on('error', reject);
  });
}

let work: string;
let tlsReg: RunningRegistry;
let plainReg: RunningRegistry;
let ca: Ca;
let leafPem: string;
let front: { server: Server; host: string };
let mismatch: { server: Server; host: string };

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'ferry-trust-'));
  [tlsReg, plainReg, ca] = await Promise.all([startRegistry({ tls: true }), startRegistry(), createCa({ cn: 'Ferry Trust Test Root' })]);
  await publishImage(plainReg, 'team/bb:1', busyboxLikeImage());
  const port = Number(plainReg.host.split(':')[1]);
  const leaf = await ca.issueServer({ name: 'front' });
  leafPem = leaf.certPem;
  front = await tlsFront(leaf.certPem + ca.certPem, leaf.keyPem, port);
  const other = await ca.issueServer({ name: 'elsewhere', sans: ['DNS:elsewhere.example'] });
  mismatch = await tlsFront(other.certPem + ca.certPem, other.keyPem, port);
});

after(async () => {
  front.server.close();
  mismatch.server.close();
  await Promise.all([tlsReg.stop(), plainReg.stop(), ca.cleanup()]);
  rmSync(work, { recursive: true, force: true });
});

describe('ferry registry trust', () => {
  test('--print shows subject, issuer and the SHA-256 fingerprint of the server certificate', async () => {
    const r = await ferry(['registry', 'trust', tlsReg.host, '--print']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`Certificate chain presented by ${tlsReg.host}`));
    assert.match(r.stdout, /subject: +CN=localhost/);
    assert.match(r.stdout, /issuer: +CN=Ferry Test Registry CA/);
    assert.ok(r.stdout.includes(`sha256:      ${await peerFingerprint(tlsReg.host)}`));
    assert.ok(!existsSync(join(work, 'data', 'certs.d')), '--print installs nothing');

    const full = await ferry(['registry', 'trust', front.host, '--print']);
    assert.ok(full.stdout.includes(new X509Certificate(leafPem).fingerprint256));
    assert.ok(full.stdout.includes(new X509Certificate(ca.certPem).fingerprint256));
    assert.match(full.stdout, /\[1\] \(root, self-signed\)/);
  });

  test('--json prints the chain', async () => {
    const r = await ferry(['registry', 'trust', front.host, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { rootSent: boolean; chain: { fingerprint256: string; ca: boolean; selfSigned: boolean }[] };
    assert.equal(out.rootSent, true);
    assert.deepEqual(
      out.chain.map((c) => [c.fingerprint256, c.ca, c.selfSigned]),
      [
        [new X509Certificate(leafPem).fingerprint256, false, false],
        [new X509Certificate(ca.certPem).fingerprint256, true, true],
      ],
    );
  });

  test('a registry that sends no root: the top certificate is installed with a warning, and verification says why it fails', async () => {
    const certs = join(work, 'leaf-only');
    const r = await ferry(['registry', 'trust', tlsReg.host, '--yes', '--certs-dir', certs]);
    const installed = readFileSync(join(certs, tlsReg.host, 'ca.crt'), 'utf8');
    const sentRoot = installed.trim() === tlsReg.caPem?.trim();
    if (sentRoot) {
      assert.equal(r.code, 0, r.stderr);
    } else {
      assert.equal(new X509Certificate(installed).fingerprint256, await peerFingerprint(tlsReg.host), 'the top (only) certificate sent');
      assert.match(r.stderr, /warning: the server does not send its root certificate .*Ferry Test Registry CA/);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /verification with .*ca\.crt failed: .*put the registry's root CA in/);
    }
  });

  test('--yes installs the root (0644, atomically) and verifies; ferry pull then succeeds where it failed', async () => {
    const certs = join(work, 'certs.d');
    const data = join(work, 'pull-data');
    const before = await ferry(['pull', '--data-dir', data, '--certs-dir', certs, `${front.host}/team/bb:1`]);
    assert.equal(before.code, 1);
    assert.match(before.stderr, /certificate|x509|ca\.crt/i);

    const r = await ferry(['registry', 'trust', front.host, '--yes', '--certs-dir', certs]);
    assert.equal(r.code, 0, r.stderr);
    const file = join(certs, front.host, 'ca.crt');
    assert.equal(readFileSync(file, 'utf8').trim(), ca.certPem.trim());
    assert.equal(statSync(file).mode & 0o777, 0o644);
    assert.match(r.stdout, /Verified: a TLS connection/);

    const pulled = await ferry(['pull', '--data-dir', data, '--certs-dir', certs, `${front.host}/team/bb:1`]);
    assert.equal(pulled.code, 0, pulled.stderr);
  });

  test('without a terminal and without --yes nothing is installed and the exit code is 2', async () => {
    const certs = join(work, 'no-tty');
    const r = await ferry(['registry', 'trust', front.host, '--certs-dir', certs]);
    assert.equal(r.code, 2);
    assert.match(r.stdout, /Would install CN=Ferry Trust Test Root/);
    assert.match(r.stderr, /--yes/);
    assert.ok(!existsSync(join(certs, front.host, 'ca.crt')));
  });

  test('a different existing ca.crt is refused without --force, naming both fingerprints', async () => {
    const certs = join(work, 'existing');
    mkdirSync(join(certs, front.host), { recursive: true });
    writeFileSync(join(certs, front.host, 'ca.crt'), tlsReg.caPem ?? '');
    const r = await ferry(['registry', 'trust', front.host, '--yes', '--certs-dir', certs]);
    assert.equal(r.code, 1);
    assert.ok(r.stderr.includes(new X509Certificate(tlsReg.caPem ?? '').fingerprint256));
    assert.ok(r.stderr.includes(new X509Certificate(ca.certPem).fingerprint256));
    assert.match(r.stderr, /--force/);
    const forced = await ferry(['registry', 'trust', front.host, '--yes', '--force', '--certs-dir', certs]);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(readFileSync(join(certs, front.host, 'ca.crt'), 'utf8').trim(), ca.certPem.trim());
  });

  test('a hostname mismatch: the CA is fine, the name is not in the certificate', async () => {
    const r = await ferry(['registry', 'trust', mismatch.host, '--yes', '--certs-dir', join(work, 'mismatch')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /the CA is fine, but the server's name "127\.0\.0\.1" is not in its certificate/);
  });

  test('plain HTTP and a refused port are named with the fix', async () => {
    const plain = await ferry(['registry', 'trust', plainReg.host, '--print']);
    assert.equal(plain.code, 1);
    assert.ok(plain.stderr.includes(`${plainReg.host} speaks plain HTTP, not TLS: use the k8s.aliyun.com/plain-http-registry annotation or --plain-http`));

    const blocker = createNetServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    await new Promise<void>((r) => blocker.close(() => r()));
    const refused = await ferry(['registry', 'trust', `127.0.0.1:${port}`, '--print']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, new RegExp(`cannot connect to 127\\.0\\.0\\.1:${port}: connection refused`));
  });
});
