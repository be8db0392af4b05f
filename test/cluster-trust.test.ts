// Cluster-wide registry trust (issue 5 section 2): the kube-system/ferry-registry-cas ConfigMap kept in a node's certs.d.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createCa } from './fixtures/pki.ts';
import { startTestControlPlane } from './fixtures/control-plane.ts';
import { clientFromKubeconfig } from '../src/client/index.ts';
import { ClusterTrust, applyClusterTrust, registryOfKey } from '../src/node/agent/cluster-trust.ts';

const dir = mkdtempSync(join(tmpdir(), 'ferry-trust-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('keys name registries, with _ for the port', () => {
  assert.equal(registryOfKey('registry.example.com.crt'), 'registry.example.com');
  assert.equal(registryOfKey('10.0.0.5_5000.crt'), '10.0.0.5:5000');
  assert.equal(registryOfKey('Reg.Example.COM.crt'), 'reg.example.com');
  assert.equal(registryOfKey('notes.txt'), undefined);
  assert.equal(registryOfKey('bad_port_x.crt'), undefined);
});

test('CAs land as cluster-ca.crt beside the node\'s own files, and go when their key goes', async () => {
  const ca = await createCa();
  const pem = ca.certPem;
  after(() => ca.cleanup());
  mkdirSync(join(dir, 'own.example.com'), { recursive: true });
  writeFileSync(join(dir, 'own.example.com', 'ca.crt'), pem);
  const problems = await applyClusterTrust(dir, { '10.0.0.5_5000.crt': pem, 'own.example.com.crt': pem, 'junk.crt': 'not a certificate', 'x:y': pem });
  assert.deepEqual(problems, ['key "junk.crt" is not a PEM certificate', 'key "x:y" names no registry: use <host>.crt or <host>_<port>.crt']);
  assert.equal(readFileSync(join(dir, '10.0.0.5:5000', 'cluster-ca.crt'), 'utf8'), pem);
  assert.ok(existsSync(join(dir, 'own.example.com', 'cluster-ca.crt')));
  await applyClusterTrust(dir, { 'own.example.com.crt': pem });
  assert.equal(existsSync(join(dir, '10.0.0.5:5000', 'cluster-ca.crt')), false);
  await applyClusterTrust(dir, {});
  assert.equal(existsSync(join(dir, 'own.example.com', 'cluster-ca.crt')), false);
  assert.equal(readFileSync(join(dir, 'own.example.com', 'ca.crt'), 'utf8'), pem, 'the node\'s own CA stays');
});

test('a node agent\'s ClusterTrust follows the ConfigMap through the real API', async () => {
  const cp = await startTestControlPlane();
  const client = clientFromKubeconfig(cp.kubeconfig);
  const certs = join(dir, 'live');
  const problems: string[] = [];
  const trust = new ClusterTrust(client, certs, { onError: () => {}, onProblem: (p) => problems.push(p) });
  const ca = await createCa();
  try {
    await trust.start();
    const cms = client.resource({ group: '', version: 'v1', resource: 'configmaps', namespaced: true, kind: 'ConfigMap' }, 'kube-system');
    await cms.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ferry-registry-cas' }, data: { 'reg.example.com_5443.crt': ca.certPem, 'oops.crt': 'x' } });
    const file = join(certs, 'reg.example.com:5443', 'cluster-ca.crt');
    for (let i = 0; i < 100 && !existsSync(file); i++) await sleep(50);
    assert.equal(readFileSync(file, 'utf8'), ca.certPem);
    assert.deepEqual(problems, ['kube-system/ferry-registry-cas: key "oops.crt" is not a PEM certificate']);
    await cms.delete('ferry-registry-cas');
    for (let i = 0; i < 100 && existsSync(file); i++) await sleep(50);
    assert.equal(existsSync(file), false);
  } finally {
    trust.stop();
    client.close();
    await ca.cleanup();
    await cp.close();
  }
});
