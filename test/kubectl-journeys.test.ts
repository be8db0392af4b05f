// The acceptance journeys of issue 3 with the real kubectl of each supported minor version,
// against a real control plane (HTTPS, token auth, SQLite). Output is compared with what
// Kubernetes prints.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestControlPlane } from './fixtures/control-plane.ts';
import type { KubectlResult, TestControlPlane } from './fixtures/control-plane.ts';

const MANIFEST = join(import.meta.dirname, 'manifests', 'seed-deployment.yaml');
const deploymentYaml = readFileSync(MANIFEST, 'utf8');

function ok(result: KubectlResult): string {
  assert.equal(result.code, 0, `kubectl failed (${result.code}): ${result.stderr}`);
  return result.stdout;
}

function rows(table: string): string[][] {
  return table.trim().split('\n').map((line) => line.trim().split(/\s{2,}/));
}

for (const minor of [27, 32, 33]) {
  describe(`kubectl 1.${minor}`, () => {
    let cp: TestControlPlane;
    const k = (args: string[], options?: { stdin?: string }) => cp.kubectl(minor, args, options);
    before(async () => {
      cp = await startTestControlPlane();
    });
    after(async () => {
      await cp.close();
    });

    test('create secret docker-registry, get secret, get -o yaml', async () => {
      const created = ok(await k(['create', 'secret', 'docker-registry', 'test', '-n', 'default', '--docker-server=www.example.com', '--docker-username=ssl', '--docker-password=xxx', '--docker-email=example@123.com']));
      assert.equal(created.trim(), 'secret/test created');
      const table = rows(ok(await k(['get', 'secret'])));
      assert.deepEqual(table[0], ['NAME', 'TYPE', 'DATA', 'AGE']);
      const names = table.slice(1).map((r) => r.slice(0, 3));
      assert.deepEqual(names, [
        ['default-secret', 'kubernetes.io/dockerconfigjson', '1'],
        ['test', 'kubernetes.io/dockerconfigjson', '1'],
      ]);
      const yaml = ok(await k(['get', 'secret', 'test', '-o', 'yaml']));
      assert.match(yaml, /type: kubernetes\.io\/dockerconfigjson/);
      const data = /\.dockerconfigjson: (\S+)/.exec(yaml)?.[1] ?? '';
      const config = JSON.parse(Buffer.from(data, 'base64').toString()) as { auths: Record<string, { username: string; password: string; auth: string }> };
      assert.equal(config.auths['www.example.com']?.username, 'ssl');
      assert.equal(config.auths['www.example.com']?.auth, Buffer.from('ssl:xxx').toString('base64'));
    });

    test('the secret is encrypted at rest', () => {
      const db = readFileSync(join(cp.dataDir, 'state.db'));
      const wal = (() => {
        try {
          return readFileSync(join(cp.dataDir, 'state.db-wal'));
        } catch {
          return Buffer.alloc(0);
        }
      })();
      const needle = Buffer.from('www.example.com');
      const b64 = Buffer.from(Buffer.from('{"auths":{"www.example.com"').toString('base64').slice(0, 16));
      for (const file of [db, wal]) {
        assert.equal(file.includes(b64), false);
        assert.equal(file.includes(needle), false);
      }
    });

    test('create -f the seeds\' deployment, then AlreadyExists', async () => {
      assert.equal(ok(await k(['create', '-f', MANIFEST])).trim(), 'deployment.apps/foo created');
      const again = await k(['create', '-f', MANIFEST]);
      assert.notEqual(again.code, 0);
      assert.match(again.stderr, /Error from server \(AlreadyExists\): error when creating ".*seed-deployment.yaml": deployments.apps "foo" already exists/);
    });

    test('get deployment shows the Kubernetes columns', async () => {
      const table = rows(ok(await k(['get', 'deployment'])));
      assert.deepEqual(table[0], ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
      assert.deepEqual(table[1]?.slice(0, 4), ['foo', '0/1', '0', '0']);
      const wide = rows(ok(await k(['get', 'deploy', '-o', 'wide'])));
      assert.deepEqual(wide[0], ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR']);
      assert.deepEqual(wide[1]?.slice(5), ['foo', 'www.example.com/janedoe/awesomeapp:v1', 'app=foo']);
    });

    test('apply: configured, unchanged; defaults are visible', async () => {
      // Created by `create`: kubectl warns about the missing last-applied annotation and patches.
      const first = await k(['apply', '-f', MANIFEST]);
      assert.equal(ok(first).trim(), 'deployment.apps/foo configured');
      assert.match(first.stderr, /missing the kubectl\.kubernetes\.io\/last-applied-configuration annotation/);
      const generation = async () => Number(ok(await k(['get', 'deployment', 'foo', '-o', 'jsonpath={.metadata.generation}'])));
      assert.equal(await generation(), 1);
      // The seed's `strategy: {type: RollingUpdate}` makes kubectl send `$retainKeys` every time
      // (the live object has the defaulted rollingUpdate); the server must see it changes nothing.
      ok(await k(['apply', '-f', MANIFEST]));
      assert.equal(await generation(), 1);
      const plain = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: "1"\n';
      assert.equal(ok(await k(['apply', '-f', '-'], { stdin: plain })).trim(), 'configmap/settings created');
      assert.equal(ok(await k(['apply', '-f', '-'], { stdin: plain })).trim(), 'configmap/settings unchanged');
      const changed = deploymentYaml.replace('replicas: 1', 'replicas: 2');
      assert.equal(ok(await k(['apply', '-f', '-'], { stdin: changed })).trim(), 'deployment.apps/foo configured');
      const json = JSON.parse(ok(await k(['get', 'deployment', 'foo', '-o', 'json']))) as {
        metadata: { generation: number };
        spec: { replicas: number; revisionHistoryLimit: number; strategy: { rollingUpdate: { maxSurge: string } }; template: { spec: { containers: { imagePullPolicy: string; terminationMessagePath: string }[]; restartPolicy: string } } };
      };
      assert.equal(json.spec.replicas, 2);
      assert.equal(json.metadata.generation, 2);
      assert.equal(json.spec.revisionHistoryLimit, 10);
      assert.equal(json.spec.strategy.rollingUpdate.maxSurge, '25%');
      assert.equal(json.spec.template.spec.containers[0]?.imagePullPolicy, 'Always');
      assert.equal(json.spec.template.spec.restartPolicy, 'Always');
    });

    test('apply --server-side: a different value owned by client-side apply conflicts until forced', async () => {
      // The live replicas (2) belong to kubectl-client-side-apply; the seed says 1.
      const conflict = await k(['apply', '--server-side', '-f', MANIFEST]);
      assert.notEqual(conflict.code, 0);
      assert.match(conflict.stderr, /conflict with "kubectl-client-side-apply" using apps\/v1/);
      assert.match(conflict.stderr, /\.spec\.replicas/);
      assert.equal(ok(await k(['apply', '--server-side', '--force-conflicts', '-f', MANIFEST])).trim(), 'deployment.apps/foo serverside-applied');
      assert.equal(ok(await k(['get', 'deployment', 'foo', '-o', 'jsonpath={.spec.replicas}'])), '1');
      const again = await k(['apply', '--server-side', '-f', MANIFEST]);
      assert.equal(ok(again).trim(), 'deployment.apps/foo serverside-applied');
    });

    test('scale, label, annotate', async () => {
      assert.equal(ok(await k(['scale', 'deployment', 'foo', '--replicas=3'])).trim(), 'deployment.apps/foo scaled');
      assert.equal(ok(await k(['label', 'deployment', 'foo', 'tier=web'])).trim(), 'deployment.apps/foo labeled');
      // kubectl 1.27 prints "annotate" here, later versions "annotated".
      assert.match(ok(await k(['annotate', 'deployment', 'foo', 'note=hi'])).trim(), /^deployment\.apps\/foo annotated?$/);
      const json = JSON.parse(ok(await k(['get', 'deploy', 'foo', '-o', 'json']))) as { spec: { replicas: number }; metadata: { labels: Record<string, string>; annotations: Record<string, string> } };
      assert.equal(json.spec.replicas, 3);
      assert.equal(json.metadata.labels['tier'], 'web');
      assert.equal(json.metadata.annotations['note'], 'hi');
      const selected = ok(await k(['get', 'deploy', '-l', 'tier=web', '-o', 'name']));
      assert.equal(selected.trim(), 'deployment.apps/foo');
    });

    test('describe deployment shows defaults', async () => {
      const text = ok(await k(['describe', 'deployment', 'foo']));
      assert.match(text, /StrategyType:\s+RollingUpdate/);
      assert.match(text, /Image:\s+www\.example\.com\/janedoe\/awesomeapp:v1/);
      assert.match(text, /Selector:\s+app=foo/);
    });

    test('pods: create, get -o wide, -A, describe, events', async () => {
      const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: bar\nspec:\n  containers:\n  - name: app\n    image: nginx:1.25\n    ports:\n    - containerPort: 80\n';
      assert.equal(ok(await k(['create', '-f', '-'], { stdin: pod })).trim(), 'pod/bar created');
      const wide = rows(ok(await k(['get', 'pods', '-o', 'wide'])));
      assert.deepEqual(wide[0], ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
      assert.deepEqual(wide[1]?.slice(0, 4), ['bar', '0/1', 'Pending', '0']);
      const all = rows(ok(await k(['get', 'pods', '-A'])));
      assert.deepEqual(all[1]?.slice(0, 2), ['default', 'bar']);
      const described = ok(await k(['describe', 'pod', 'bar']));
      assert.match(described, /Port:\s+80\/TCP/);
      assert.match(described, /Image:\s+nginx:1\.25/);
      const events = await k(['get', 'events']);
      assert.equal(events.code, 0, events.stderr);
    });

    test('get all lists the workload kinds', async () => {
      const text = ok(await k(['get', 'all']));
      assert.match(text, /pod\/bar/);
      assert.match(text, /deployment\.apps\/foo/);
    });

    test('strict field validation names the unknown field', async () => {
      const bad = deploymentYaml.replace('imagePullPolicy: Always', 'imagePullPolicy: Always\n        imagePullPolicyy: Never').replace('name: foo\n  namespace', 'name: foo2\n  namespace');
      const result = await k(['create', '-f', '-'], { stdin: bad });
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, /unknown field "spec\.template\.spec\.containers\[0\]\.imagePullPolicyy"/);
    });

    test('invalid objects get kubectl-shaped causes', async () => {
      const bad = deploymentYaml.replace('- image: www.example.com/janedoe/awesomeapp:v1    # Third-party image path', '-').replace('name: foo\n  namespace', 'name: bad\n  namespace');
      const result = await k(['create', '-f', '-'], { stdin: bad });
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, /The Deployment "bad" is invalid: spec\.template\.spec\.containers\[0\]\.image: Required value/);
    });

    test('delete -f and delete secret', async () => {
      assert.equal(ok(await k(['delete', '-f', MANIFEST])).trim(), 'deployment.apps "foo" deleted');
      const gone = await k(['get', 'deployment', 'foo']);
      assert.match(gone.stderr, /Error from server \(NotFound\): deployments\.apps "foo" not found/);
      assert.equal(ok(await k(['delete', 'secret', 'test'])).trim(), 'secret "test" deleted');
      assert.equal(ok(await k(['delete', 'pod', 'bar'])).trim(), 'pod "bar" deleted');
      const missing = await k(['delete', 'secret', 'nope']);
      assert.match(missing.stderr, /Error from server \(NotFound\): secrets "nope" not found/);
    });

    test('auth can-i and whoami answer for the admin', async () => {
      assert.equal(ok(await k(['auth', 'can-i', 'create', 'deployments'])).trim(), 'yes');
      assert.match(ok(await k(['auth', 'whoami'])), /Username\s+admin/);
    });

    test('requests without the token get 401', async () => {
      const result = await k(['get', 'pods', '--token', 'wrong']);
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, /You must be logged in to the server/);
    });
  });
}
