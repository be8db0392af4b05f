// More of issue 3's kubectl journeys: watching, events, rollout status, edit, the typed-client
// creates kubectl >= 1.32 sends as protobuf, the cluster-scoped ImageCache, and cascading delete.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestControlPlane } from './fixtures/control-plane.ts';
import type { KubectlResult, TestControlPlane } from './fixtures/control-plane.ts';

function ok(result: KubectlResult): string {
  assert.equal(result.code, 0, `kubectl failed (${result.code}): ${result.stderr}`);
  return result.stdout;
}

/** Resolves with the output once `predicate` holds for it, or rejects after `ms`. */
function waitForOutput(child: { stdout: NodeJS.ReadableStream }, predicate: (text: string) => boolean, ms = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`timed out; output so far:\n${text}`)), ms);
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (predicate(text)) {
        clearTimeout(timer);
        resolve(text);
      }
    });
  });
}

const IMAGE_CACHE = `apiVersion: eci.alibabacloud.com/v1
kind: ImageCache
metadata:
  name: imagecache-sample
spec:
  images:
  - centos:latest
  - busybox:latest
  imagePullSecrets:
  - default:secret1
  - default:secret2
  imageCacheSize: 25
  retentionDays: 7
`;

for (const minor of [27, 32, 33]) {
  describe(`kubectl 1.${minor} workloads`, () => {
    let cp: TestControlPlane;
    const k = (args: string[], options?: { stdin?: string; env?: Record<string, string> }) => cp.kubectl(minor, args, options);
    before(async () => {
      cp = await startTestControlPlane();
    });
    after(async () => {
      await cp.close();
    });

    test('typed creates: namespace, configmap, deployment, secret generic (protobuf from 1.32 on)', async () => {
      assert.equal(ok(await k(['create', 'namespace', 'team'])).trim(), 'namespace/team created');
      assert.equal(ok(await k(['create', 'configmap', 'settings', '-n', 'team', '--from-literal=mode=fast'])).trim(), 'configmap/settings created');
      assert.equal(ok(await k(['create', 'deployment', 'web', '-n', 'team', '--image=nginx:1.25', '--replicas=2', '--port=80'])).trim(), 'deployment.apps/web created');
      assert.equal(ok(await k(['create', 'secret', 'generic', 'token', '-n', 'team', '--from-literal=key=s3cr3t'])).trim(), 'secret/token created');
      const deployment = JSON.parse(ok(await k(['get', 'deployment', 'web', '-n', 'team', '-o', 'json']))) as {
        spec: { replicas: number; template: { spec: { containers: { image: string; imagePullPolicy: string; ports: { containerPort: number; protocol: string }[] }[] } } };
        metadata: { generateName?: string };
      };
      assert.equal(deployment.spec.replicas, 2);
      assert.equal(deployment.spec.template.spec.containers[0]?.image, 'nginx:1.25');
      assert.equal(deployment.spec.template.spec.containers[0]?.imagePullPolicy, 'IfNotPresent');
      assert.deepEqual(deployment.spec.template.spec.containers[0]?.ports, [{ containerPort: 80, protocol: 'TCP' }]);
      assert.equal(deployment.metadata.generateName, undefined);
      assert.equal(ok(await k(['get', 'configmap', 'settings', '-n', 'team', '-o', 'jsonpath={.data.mode}'])), 'fast');
      // Every namespace gets the platform's pull secret.
      assert.match(ok(await k(['get', 'secrets', '-n', 'team'])), /default-secret\s+kubernetes\.io\/dockerconfigjson\s+1/);
      const namespaces = ok(await k(['get', 'ns']));
      assert.match(namespaces, /team\s+Active/);
      assert.match(namespaces, /kube-system\s+Active/);
    });

    test('get pods -w prints a line per change', async () => {
      const watcher = cp.spawnKubectl(minor, ['get', 'pods', '-w', '-n', 'team']);
      const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: watched\n  namespace: team\nspec:\n  containers:\n  - name: app\n    image: busybox:1.36\n';
      const seen = waitForOutput(watcher, (text) => /watched\s+0\/1\s+Pending/.test(text) && /watched\s+0\/1\s+ContainerCreating/.test(text));
      // Give kubectl time to list and start its watch before the changes.
      await new Promise((r) => setTimeout(r, 1500));
      ok(await k(['create', '-f', '-'], { stdin: pod }));
      const status = JSON.stringify({ status: { phase: 'Pending', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, image: 'busybox:1.36', imageID: '', state: { waiting: { reason: 'ContainerCreating' } } }] } });
      ok(await k(['patch', 'pod', 'watched', '-n', 'team', '--subresource=status', '--type=merge', '-p', status]));
      const text = await seen;
      assert.match(text, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE/);
      watcher.kill();
    });

    test('get events and describe show core/v1 events', async () => {
      const uid = ok(await k(['get', 'pod', 'watched', '-n', 'team', '-o', 'jsonpath={.metadata.uid}']));
      const event = {
        apiVersion: 'v1', kind: 'Event', metadata: { name: 'watched.1', namespace: 'team' },
        involvedObject: { kind: 'Pod', name: 'watched', namespace: 'team', uid, apiVersion: 'v1' },
        reason: 'Pulling', message: 'Pulling image "busybox:1.36"', type: 'Normal', source: { component: 'kubelet' },
        firstTimestamp: new Date().toISOString().slice(0, 19) + 'Z', lastTimestamp: new Date().toISOString().slice(0, 19) + 'Z', count: 1,
      };
      ok(await k(['create', '-f', '-'], { stdin: JSON.stringify(event) }));
      const events = ok(await k(['get', 'events', '-n', 'team']));
      assert.match(events, /LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE/);
      assert.match(events, /Normal\s+Pulling\s+pod\/watched\s+Pulling image "busybox:1\.36"/);
      const described = ok(await k(['describe', 'pod', 'watched', '-n', 'team']));
      assert.match(described, /Normal\s+Pulling\s+\S+\s+kubelet\s+Pulling image "busybox:1\.36"/);
    });

    test('rollout status follows the deployment status', async () => {
      const rollout = cp.spawnKubectl(minor, ['rollout', 'status', 'deployment/web', '-n', 'team', '--timeout=30s']);
      const done = waitForOutput(rollout, (text) => text.includes('successfully rolled out'));
      await new Promise((r) => setTimeout(r, 1000));
      // What the deployment controller (issue 4) will write.
      const status = { status: { observedGeneration: 1, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2, conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' }, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }] } };
      ok(await k(['patch', 'deployment', 'web', '-n', 'team', '--subresource=status', '--type=merge', '-p', JSON.stringify(status)]));
      assert.match(await done, /deployment "web" successfully rolled out/);
      const table = ok(await k(['get', 'deployment', 'web', '-n', 'team']));
      assert.match(table, /web\s+2\/2\s+2\s+2/);
    });

    test('edit merges the edited object', async () => {
      const editor = join(cp.dataDir, `editor-${minor}.sh`);
      writeFileSync(editor, '#!/bin/sh\nsed -i "s/mode: fast/mode: slow/" "$1"\n', { mode: 0o755 });
      assert.equal(ok(await k(['edit', 'configmap', 'settings', '-n', 'team'], { env: { KUBE_EDITOR: editor } })).trim(), 'configmap/settings edited');
      assert.equal(ok(await k(['get', 'configmap', 'settings', '-n', 'team', '-o', 'jsonpath={.data.mode}'])), 'slow');
    });

    test('ImageCache: apply, get ic, configured', async () => {
      assert.equal(ok(await k(['apply', '-f', '-'], { stdin: IMAGE_CACHE })).trim(), 'imagecache.eci.alibabacloud.com/imagecache-sample created');
      const table = ok(await k(['get', 'ic']));
      assert.match(table, /^NAME\s+PHASE\s+PROGRESS\s+AGE/);
      assert.match(table, /imagecache-sample/);
      assert.equal(ok(await k(['apply', '-f', '-'], { stdin: IMAGE_CACHE.replace('retentionDays: 7', 'retentionDays: 8') })).trim(), 'imagecache.eci.alibabacloud.com/imagecache-sample configured');
      assert.equal(ok(await k(['get', 'imagecaches.eci.alibabacloud.com', 'imagecache-sample', '-o', 'jsonpath={.spec.retentionDays}'])), '8');
    });

    test('logs of a pod that is not running says why', async () => {
      const result = await k(['logs', 'watched', '-n', 'team']);
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, /Error from server \(BadRequest\): container "app" in pod "watched" is waiting to start: ContainerCreating/);
    });

    test('deleting a namespace deletes what is in it', async () => {
      assert.equal(ok(await k(['delete', 'namespace', 'team'])).trim(), 'namespace "team" deleted');
      const gone = await k(['get', 'deployment', 'web', '-n', 'team']);
      assert.match(gone.stderr, /NotFound/);
    });
  });
}
