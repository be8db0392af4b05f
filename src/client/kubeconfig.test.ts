import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ClientError, ClientErrorCode } from './errors.ts';
import { loadInClusterConfig, loadKubeconfig } from './kubeconfig.ts';

const dir = mkdtempSync(join(tmpdir(), 'ferry-kubeconfig-'));
after(() => rmSync(dir, { recursive: true, force: true }));

writeFileSync(join(dir, 'ca.pem'), 'CA FROM FILE');
writeFileSync(join(dir, 'client.pem'), 'CERT FROM FILE');
writeFileSync(join(dir, 'client-key.pem'), 'KEY FROM FILE');
writeFileSync(join(dir, 'token'), 'tok-from-file');
const config = join(dir, 'config');
writeFileSync(config, `
apiVersion: v1
kind: Config
current-context: main
clusters:
- name: c1
  cluster:
    server: https://127.0.0.1:6443
    certificate-authority-data: ${Buffer.from('INLINE CA').toString('base64')}
    certificate-authority: ca.pem
    tls-server-name: kubernetes
- name: c2
  cluster:
    server: https://10.0.0.1
    certificate-authority: ca.pem
    insecure-skip-tls-verify: true
users:
- name: admin
  user:
    token: abc
- name: certs
  user:
    client-certificate: client.pem
    client-key: ${join(dir, 'client-key.pem')}
    tokenFile: token
- name: plugin
  user:
    exec:
      command: aws
contexts:
- name: main
  context: { cluster: c1, user: admin, namespace: team-a }
- name: other
  context: { cluster: c2, user: certs }
- name: broken
  context: { cluster: missing, user: admin }
- name: execs
  context: { cluster: c1, user: plugin }
`);

const invalid = (e: unknown): boolean => e instanceof ClientError && e.code === ClientErrorCode.InvalidKubeconfig;

test('the current context: server, inline CA over the file, token, namespace', () => {
  const o = loadKubeconfig(config);
  assert.equal(o.server, 'https://127.0.0.1:6443');
  assert.equal(String(o.ca), 'INLINE CA');
  assert.equal(o.tlsServerName, 'kubernetes');
  assert.equal(o.token, 'abc');
  assert.equal(o.namespace, 'team-a');
  assert.equal(o.insecureSkipTlsVerify, undefined);
});

test('a named context: files relative to the kubeconfig, client certificates, token file, default namespace', () => {
  const o = loadKubeconfig(config, 'other');
  assert.equal(String(o.ca), 'CA FROM FILE');
  assert.equal(String(o.clientCert), 'CERT FROM FILE');
  assert.equal(String(o.clientKey), 'KEY FROM FILE');
  assert.equal(o.tokenFile, join(dir, 'token'));
  assert.equal(o.insecureSkipTlsVerify, true);
  assert.equal(o.namespace, 'default');
});

test('missing contexts, clusters and files, and credential plugins, are InvalidKubeconfig errors', () => {
  assert.throws(() => loadKubeconfig(config, 'nope'), invalid);
  assert.throws(() => loadKubeconfig(config, 'broken'), invalid);
  assert.throws(() => loadKubeconfig(config, 'execs'), (e: unknown) => invalid(e) && /plugin/.test((e as Error).message));
  assert.throws(() => loadKubeconfig(join(dir, 'absent')), invalid);
  writeFileSync(join(dir, 'scalar'), 'just a string');
  assert.throws(() => loadKubeconfig(join(dir, 'scalar')), invalid);
});

test('in-cluster config reads the service account and the service address', () => {
  const sa = join(dir, 'sa');
  rmSync(sa, { recursive: true, force: true });
  const saved = { host: process.env['KUBERNETES_SERVICE_HOST'], port: process.env['KUBERNETES_SERVICE_PORT'] };
  try {
    delete process.env['KUBERNETES_SERVICE_HOST'];
    assert.throws(() => loadInClusterConfig(sa), invalid);
    process.env['KUBERNETES_SERVICE_HOST'] = 'fd00::1';
    process.env['KUBERNETES_SERVICE_PORT'] = '443';
    mkdirSync(sa);
    writeFileSync(join(sa, 'ca.crt'), 'SA CA');
    writeFileSync(join(sa, 'namespace'), 'kube-system\n');
    const o = loadInClusterConfig(sa);
    assert.equal(o.server, 'https://[fd00::1]:443');
    assert.equal(o.tokenFile, join(sa, 'token'));
    assert.equal(String(o.ca), 'SA CA');
    assert.equal(o.namespace, 'kube-system');
  } finally {
    if (saved.host === undefined) delete process.env['KUBERNETES_SERVICE_HOST'];
    else process.env['KUBERNETES_SERVICE_HOST'] = saved.host;
    if (saved.port === undefined) delete process.env['KUBERNETES_SERVICE_PORT'];
    else process.env['KUBERNETES_SERVICE_PORT'] = saved.port;
  }
});
