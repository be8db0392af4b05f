// The event recorder against a real control plane: Events shaped as client-go's recorder writes
// them, repeats folded into one Event's count, and failures reported rather than thrown.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { configMapKind, eventKind, namespaceKind } from '../src/api/kinds/index.ts';
import type { KubeObject } from '../src/api/object.ts';
import { ApiStatusError, clientFromKubeconfig, EventRecorder, refFor } from '../src/client/index.ts';
import type { KubeClient } from '../src/client/index.ts';
import { startTestControlPlane } from './fixtures/control-plane.ts';
import type { TestControlPlane } from './fixtures/control-plane.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = any;

let cp: TestControlPlane;
let client: KubeClient;

before(async () => {
  cp = await startTestControlPlane();
  client = clientFromKubeconfig(cp.kubeconfig);
  await client.resource(refFor(namespaceKind)).create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ev' } });
});
after(async () => {
  client.close();
  await cp.close();
});

async function eventsAbout(namespace: string, name: string): Promise<Obj[]> {
  const list = await client.resource(refFor(eventKind), namespace).list({ fieldSelector: { 'involvedObject.name': name } });
  return list.items;
}

describe('EventRecorder', () => {
  test('an event names its object and source; identical repeats raise one Event\'s count', async () => {
    const subject: KubeObject = await client.resource(refFor(configMapKind), 'ev').create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'subject' } });
    const errors: unknown[] = [];
    const recorder = new EventRecorder(client, 'ferry-node', { host: 'node-1', onError: (e) => errors.push(e) });
    await recorder.event(subject, 'Normal', 'Pulling', 'Pulling image "nginx:1.27"');
    // Concurrent repeats: one create, then patches, never a second Event.
    await Promise.all([
      recorder.event(subject, 'Normal', 'Pulling', 'Pulling image "nginx:1.27"'),
      recorder.event(subject, 'Normal', 'Pulling', 'Pulling image "nginx:1.27"'),
      recorder.event(subject, 'Warning', 'Failed', 'Failed to pull image "nginx:1.27"'),
    ]);
    assert.deepEqual(errors, []);
    const events = await eventsAbout('ev', 'subject');
    assert.equal(events.length, 2);
    const pulling = events.find((e) => e.reason === 'Pulling');
    assert.equal(pulling.count, 3);
    assert.equal(pulling.type, 'Normal');
    assert.equal(pulling.message, 'Pulling image "nginx:1.27"');
    assert.deepEqual(pulling.source, { component: 'ferry-node', host: 'node-1' });
    assert.equal(pulling.involvedObject.kind, 'ConfigMap');
    assert.equal(pulling.involvedObject.uid, subject.metadata.uid);
    assert.equal(pulling.involvedObject.namespace, 'ev');
    assert.match(pulling.metadata.name, /^subject\.[0-9a-f]+$/);
    assert.match(pulling.firstTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.ok(Date.parse(pulling.lastTimestamp) >= Date.parse(pulling.firstTimestamp));
    const failed = events.find((e) => e.reason === 'Failed');
    assert.equal(failed.count, 1);
    assert.equal(failed.type, 'Warning');

    // The Event was removed (TTL): the next repeat records it again rather than failing.
    await client.resource(refFor(eventKind), 'ev').delete(pulling.metadata.name);
    await recorder.event(subject, 'Normal', 'Pulling', 'Pulling image "nginx:1.27"');
    assert.deepEqual(errors, []);
    const again = (await eventsAbout('ev', 'subject')).filter((e) => e.reason === 'Pulling');
    assert.equal(again.length, 1);
    assert.equal(again[0].count, 4);
    assert.notEqual(again[0].metadata.name, pulling.metadata.name);
  });

  test('events about cluster-scoped objects go to the default namespace; a field path is kept', async () => {
    const recorder = new EventRecorder(client, 'ferry-scheduler');
    const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-z', uid: 'u-1' } };
    await recorder.event(node, 'Warning', 'NodeNotReady', 'runc is not installed');
    await recorder.event({ apiVersion: 'v1', kind: 'Pod', namespace: 'ev', name: 'p', uid: 'u-2', fieldPath: 'spec.containers{web}' }, 'Normal', 'Pulled', 'done');
    const [nodeEvent] = await eventsAbout('default', 'node-z');
    assert.equal(nodeEvent.metadata.namespace, 'default');
    assert.equal(nodeEvent.source.component, 'ferry-scheduler');
    assert.equal(nodeEvent.source.host, undefined);
    const [podEvent] = await eventsAbout('ev', 'p');
    assert.equal(podEvent.involvedObject.fieldPath, 'spec.containers{web}');
  });

  test('a write that fails goes to onError; event() still resolves', async () => {
    const bad = clientFromKubeconfig(cp.kubeconfig, undefined, { token: 'wrong' });
    const errors: unknown[] = [];
    try {
      const recorder = new EventRecorder(bad, 'x', { onError: (e) => errors.push(e) });
      await recorder.event({ apiVersion: 'v1', kind: 'Pod', namespace: 'ev', name: 'q' }, 'Normal', 'R', 'm');
      assert.equal(errors.length, 1);
      assert.ok(errors[0] instanceof ApiStatusError && errors[0].code === 401);
    } finally {
      bad.close();
    }
  });
});
