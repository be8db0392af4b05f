// The official Python client (Debian's python3-kubernetes) against a real control plane (HTTPS,
// token auth, SQLite): test/clients/python_journey.py creates, lists, watches, patches, replaces
// and deletes, and prints what it observed as one JSON object, asserted on here.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestControlPlane } from './fixtures/control-plane.ts';
import type { TestControlPlane } from './fixtures/control-plane.ts';

const SCRIPT = join(import.meta.dirname, 'clients', 'python_journey.py');
// python3-kubernetes installs into Debian's own interpreter; a python3 earlier on PATH (pyenv,
// a virtualenv) would not see it.
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

interface Failure {
  status: number;
  reason: string | null;
  kind: string | null;
  code: number | null;
  message: string | null;
}

interface WatchEvent {
  type: string;
  name: string;
  kind: string;
  resourceVersion: string;
  data: Record<string, string>;
}

interface Journey {
  error?: string;
  secret: { name: string; namespace: string; type: string; uid: string; resourceVersion: string; dockerconfigjson: unknown };
  deployment: { name: string; uid: string; resourceVersion: string; generation: number; apiVersion: string; kind: string; strategy: string | null };
  list: {
    deployments: string[];
    deploymentsResourceVersion: string;
    secrets: string[];
    secretTypes: Record<string, string>;
    allDeployments: string[];
    bySelector: string[];
    byOtherSelector: string[];
  };
  watch: {
    listResourceVersion: string;
    events: WatchEvent[];
    errors: string[];
    finished: boolean;
    createdResourceVersion: string;
    patchedResourceVersion: string;
  };
  strategicPatch: { replicas: number; containers: [string, string][]; labels: Record<string, string>; generation: number; resourceVersion: string };
  mergePatch: { labels: Record<string, string>; replicas: number };
  readBack: {
    labels: Record<string, string>;
    replicas: number;
    containers: [string, string][];
    imagePullSecrets: string[];
    uid: string;
    resourceVersion: string;
  };
  staleReplace: Failure | null;
  freshReplace: { replicas: number; resourceVersionChanged: boolean };
  imageCache: {
    created: { apiVersion: string; kind: string; name: string; namespace: string | null; uid: string; spec: unknown };
    listKind: string;
    listed: string[];
    patchedSpec: unknown;
    gotSpec: unknown;
    afterDelete: Failure | null;
  };
  afterDelete: { deployment: Failure | null; secret: Failure | null; deleteAgain: Failure | null; deployments: string[]; secrets: string[] };
}

function runJourney(kubeconfig: string, home: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      PYTHON,
      [SCRIPT, kubeconfig],
      { timeout: 120_000, env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home, PYTHONDONTWRITEBYTECODE: '1' } },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('the official Python client (python3-kubernetes)', () => {
  let cp: TestControlPlane;
  let journey: Journey;

  before(async () => {
    cp = await startTestControlPlane();
    const result = await runJourney(cp.kubeconfig, cp.dataDir);
    const lastLine = result.stdout.trim().split('\n').at(-1) ?? '';
    try {
      journey = JSON.parse(lastLine) as Journey;
    } catch {
      assert.fail(`python printed no JSON (exit ${result.code}): ${result.stdout}\n${result.stderr}`);
    }
    assert.equal(journey.error, undefined, `the journey stopped: ${journey.error}\n${result.stderr}`);
    assert.equal(result.code, 0, `python exited ${result.code}: ${result.stderr}`);
  });
  after(async () => {
    await cp.close();
  });

  test('creates a docker-registry secret and a deployment', () => {
    const { secret, deployment } = journey;
    assert.deepEqual([secret.name, secret.namespace, secret.type], ['py-regcred', 'default', 'kubernetes.io/dockerconfigjson']);
    assert.match(secret.uid, /^[0-9a-f-]{36}$/);
    assert.deepEqual(secret.dockerconfigjson, {
      auths: { 'www.example.com': { username: 'ssl', password: 'xxx', email: 'example@123.com', auth: Buffer.from('ssl:xxx').toString('base64') } },
    });
    assert.deepEqual([deployment.name, deployment.apiVersion, deployment.kind, deployment.generation], ['py-web', 'apps/v1', 'Deployment', 1]);
    assert.equal(deployment.strategy, 'RollingUpdate', 'defaulted by the server');
    assert.ok(Number(deployment.resourceVersion) > Number(secret.resourceVersion));
  });

  test('lists deployments and secrets, with selectors', () => {
    const { list } = journey;
    assert.deepEqual(list.deployments, ['py-web']);
    assert.equal(list.deploymentsResourceVersion, journey.deployment.resourceVersion);
    assert.deepEqual(list.secrets, ['default-secret', 'py-regcred']);
    assert.equal(list.secretTypes['default-secret'], 'kubernetes.io/dockerconfigjson');
    assert.deepEqual(list.allDeployments, ['default/py-web']);
    assert.deepEqual(list.bySelector, ['py-web']);
    assert.deepEqual(list.byOtherSelector, []);
  });

  test('watch from the list resourceVersion sees ADDED, MODIFIED, DELETED in order', () => {
    const { watch } = journey;
    assert.deepEqual(watch.errors, []);
    assert.equal(watch.finished, true, 'the watch thread saw DELETED and stopped');
    assert.deepEqual(watch.events.map((e) => [e.type, e.name, e.kind, e.data['step']]), [
      ['ADDED', 'py-watched', 'ConfigMap', 'created'],
      ['MODIFIED', 'py-watched', 'ConfigMap', 'patched'],
      ['DELETED', 'py-watched', 'ConfigMap', 'patched'],
    ]);
    assert.equal(watch.events[0]?.resourceVersion, watch.createdResourceVersion);
    assert.equal(watch.events[1]?.resourceVersion, watch.patchedResourceVersion);
    assert.ok(Number(watch.events[2]?.resourceVersion) > Number(watch.patchedResourceVersion));
    assert.ok(Number(watch.createdResourceVersion) > Number(watch.listResourceVersion));
  });

  test('strategic merge and JSON merge patches, read back', () => {
    const { strategicPatch, mergePatch, readBack } = journey;
    // Containers merge by name: the sidecar stays.
    assert.deepEqual(strategicPatch.containers, [['web', 'nginx:1.27'], ['sidecar', 'busybox:1.36']]);
    assert.equal(strategicPatch.replicas, 2);
    assert.deepEqual(strategicPatch.labels, { app: 'py-web', tier: 'web', patched: 'strategic' });
    assert.equal(strategicPatch.generation, 2);
    // null deletes a key in a JSON merge patch.
    assert.deepEqual(mergePatch.labels, { app: 'py-web', patched: 'merge' });
    assert.equal(mergePatch.replicas, 2);
    assert.deepEqual(readBack.labels, { app: 'py-web', patched: 'merge' });
    assert.deepEqual(readBack.containers, [['web', 'nginx:1.27'], ['sidecar', 'busybox:1.36']]);
    assert.deepEqual(readBack.imagePullSecrets, ['py-regcred']);
    assert.equal(readBack.replicas, 2);
    assert.equal(readBack.uid, journey.deployment.uid);
    assert.ok(Number(readBack.resourceVersion) > Number(strategicPatch.resourceVersion));
  });

  test('replace with a stale resourceVersion is a 409 Conflict', () => {
    const { staleReplace, freshReplace } = journey;
    assert.ok(staleReplace, 'the stale replace went through');
    assert.deepEqual([staleReplace.status, staleReplace.kind, staleReplace.code, staleReplace.reason], [409, 'Status', 409, 'Conflict']);
    assert.match(staleReplace.message ?? '', /deployments\.apps "py-web": the object has been modified/);
    assert.deepEqual(freshReplace, { replicas: 3, resourceVersionChanged: true });
  });

  test('ImageCache custom objects: create, list, merge patch, get, delete', () => {
    const { imageCache } = journey;
    assert.deepEqual(
      [imageCache.created.apiVersion, imageCache.created.kind, imageCache.created.name, imageCache.created.namespace],
      ['eci.alibabacloud.com/v1', 'ImageCache', 'py-cache', null],
    );
    assert.match(imageCache.created.uid, /^[0-9a-f-]{36}$/);
    assert.deepEqual(imageCache.created.spec, { images: ['nginx:1.25'], imagePullSecrets: ['default:test'] });
    assert.equal(imageCache.listKind, 'ImageCacheList');
    assert.deepEqual(imageCache.listed, ['py-cache']);
    assert.deepEqual(imageCache.patchedSpec, { images: ['nginx:1.25'], imagePullSecrets: ['default:test'], retentionDays: 7 });
    assert.deepEqual(imageCache.gotSpec, imageCache.patchedSpec);
    assert.equal(imageCache.afterDelete?.status, 404);
    assert.equal(imageCache.afterDelete.reason, 'NotFound');
  });

  test('delete, then 404', () => {
    const { afterDelete } = journey;
    assert.deepEqual(afterDelete.deployment, {
      status: 404, reason: 'NotFound', kind: 'Status', code: 404, message: 'deployments.apps "py-web" not found',
    });
    assert.deepEqual(afterDelete.secret, {
      status: 404, reason: 'NotFound', kind: 'Status', code: 404, message: 'secrets "py-regcred" not found',
    });
    assert.equal(afterDelete.deleteAgain?.status, 404);
    assert.deepEqual(afterDelete.deployments, []);
    assert.deepEqual(afterDelete.secrets, ['default-secret']);
  });
});
