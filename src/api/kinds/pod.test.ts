import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../object.ts';
import { podKind } from './pod.ts';

function pod(spec: Record<string, unknown>, name = 'bar'): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec };
}

function defaulted(spec: Record<string, unknown>): KubeObject {
  const p = pod(structuredClone(spec));
  podKind.defaults(p);
  return p;
}

function messages(p: KubeObject, old?: KubeObject): string[] {
  return podKind.validate(p, old).map((e) => `${e.field}: ${e.message}`);
}

test('defaults are what kube-apiserver and its admission plugins add', () => {
  const p = defaulted({ containers: [{ name: 'web', image: 'nginx:1.25', ports: [{ containerPort: 80 }] }] });
  const spec = p.spec as Record<string, unknown>;
  assert.equal(spec.restartPolicy, 'Always');
  assert.equal(spec.terminationGracePeriodSeconds, 30);
  assert.equal(spec.dnsPolicy, 'ClusterFirst');
  assert.equal(spec.schedulerName, 'default-scheduler');
  assert.deepEqual(spec.securityContext, {});
  assert.equal(spec.enableServiceLinks, true);
  assert.equal(spec.serviceAccountName, 'default');
  assert.equal(spec.serviceAccount, 'default');
  assert.equal(spec.priority, 0);
  assert.equal(spec.preemptionPolicy, 'PreemptLowerPriority');
  assert.deepEqual(spec.tolerations, [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  ]);
  assert.deepEqual((spec.containers as unknown[])[0], {
    name: 'web',
    image: 'nginx:1.25',
    ports: [{ containerPort: 80, protocol: 'TCP' }],
    imagePullPolicy: 'IfNotPresent',
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    resources: {},
  });
  assert.deepEqual(p.status, { phase: 'Pending', qosClass: 'BestEffort' });
});

test('defaulting is idempotent and keeps what the user set', () => {
  const once = defaulted({
    containers: [{ name: 'web', image: 'nginx', imagePullPolicy: 'Never' }],
    tolerations: [{ operator: 'Exists' }],
    restartPolicy: 'Never',
  });
  const twice = structuredClone(once);
  podKind.defaults(twice);
  assert.deepEqual(twice, once);
  const spec = once.spec as Record<string, unknown>;
  assert.equal((spec.containers as Record<string, unknown>[])[0]?.imagePullPolicy, 'Never');
  assert.equal(spec.restartPolicy, 'Never');
  assert.deepEqual(spec.tolerations, [{ operator: 'Exists' }], 'a toleration of everything needs no defaults');
});

test('requests default to limits; the QoS class follows', () => {
  const limits = { cpu: '500m', memory: '128Mi' };
  const p = defaulted({ containers: [{ name: 'a', image: 'x', resources: { limits } }] });
  const c = ((p.spec as Record<string, unknown>).containers as Record<string, unknown>[])[0];
  assert.deepEqual(c?.resources, { limits, requests: limits });
  assert.equal((p.status as Record<string, unknown>).qosClass, 'Guaranteed');
  const burstable = defaulted({ containers: [{ name: 'a', image: 'x', resources: { requests: { cpu: '100m' } } }] });
  assert.equal((burstable.status as Record<string, unknown>).qosClass, 'Burstable');
});

test('a valid pod passes', () => {
  const p = defaulted({
    containers: [{ name: 'web', image: 'nginx', volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
    volumes: [{ name: 'data' }],
    imagePullSecrets: [{ name: 'default-secret' }],
  });
  assert.deepEqual(messages(p), []);
  assert.deepEqual(((p.spec as Record<string, unknown>).volumes as unknown[])[0], { name: 'data', emptyDir: {} });
});

test('validation causes carry Kubernetes paths and wording', () => {
  assert.deepEqual(messages(defaulted({ containers: [] })), ['spec.containers: Required value']);
  const p = defaulted({
    containers: [
      { name: 'web', image: '', ports: [{ containerPort: 70000 }] },
      { name: 'web', image: 'x', imagePullPolicy: 'Sometimes' },
      { name: 'Bad_Name', image: 'x', volumeMounts: [{ name: 'nope', mountPath: '/x' }] },
    ],
    restartPolicy: 'Maybe',
    imagePullSecrets: [{ name: 'Bad' }, {}],
    volumes: [{ name: 'v' }, { name: 'v' }],
  });
  const got = messages(p);
  assert.ok(got.includes('spec.containers[0].image: Required value'), got.join('\n'));
  assert.ok(got.includes('spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive'));
  assert.ok(got.includes('spec.containers[1].name: Duplicate value: "web"'));
  assert.ok(got.includes('spec.containers[1].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"'));
  assert.ok(got.some((m) => m.startsWith('spec.containers[2].name: Invalid value: "Bad_Name": a lowercase RFC 1123 label')));
  assert.ok(got.includes('spec.containers[2].volumeMounts[0].name: Not found: "nope"'));
  assert.ok(got.includes('spec.restartPolicy: Unsupported value: "Maybe": supported values: "Always", "OnFailure", "Never"'));
  assert.ok(got.some((m) => m.startsWith('spec.imagePullSecrets[0].name: Invalid value: "Bad": a lowercase RFC 1123 subdomain')));
  assert.ok(got.includes('spec.imagePullSecrets[1].name: Required value'));
  assert.ok(got.includes('spec.volumes[1].name: Duplicate value: "v"'));
});

test('requests above limits are rejected', () => {
  const p = defaulted({ containers: [{ name: 'a', image: 'x', resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } }] });
  assert.deepEqual(messages(p), ['spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1']);
});

test('updates may change images but not the rest of the spec', () => {
  const old = defaulted({ containers: [{ name: 'web', image: 'nginx:1.25' }] });
  old.metadata.uid = 'u1';
  const newImage = structuredClone(old);
  ((newImage.spec as Record<string, unknown>).containers as Record<string, unknown>[])[0]!.image = 'nginx:1.26';
  assert.deepEqual(messages(newImage, old), []);

  const resubmitted = defaulted({ containers: [{ name: 'web', image: 'nginx:1.25' }] });
  assert.deepEqual(messages(resubmitted, old), [], 'a re-applied manifest equals the defaulted stored pod');

  const newPort = defaulted({ containers: [{ name: 'web', image: 'nginx:1.25', ports: [{ containerPort: 80 }] }] });
  const got = podKind.validate(newPort, old);
  assert.equal(got.length, 1);
  assert.equal(got[0]?.field, 'spec');
  assert.equal(got[0]?.reason, 'FieldValueForbidden');
  assert.match(got[0]?.message ?? '', /^Forbidden: pod updates may not change fields other than `spec\.containers\[\*\]\.image`,/);
});

test('tolerations may be added, not removed', () => {
  const old = defaulted({ containers: [{ name: 'web', image: 'x' }], tolerations: [{ key: 'a', operator: 'Exists', effect: 'NoSchedule' }] });
  const added = structuredClone(old);
  (added.spec as Record<string, unknown[]>).tolerations!.push({ key: 'b', operator: 'Exists', effect: 'NoSchedule' });
  assert.deepEqual(messages(added, old), []);
  const removed = structuredClone(old);
  (removed.spec as Record<string, unknown[]>).tolerations!.shift();
  assert.ok(messages(removed, old).includes('spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds'));
});

test('field selectors read the fields kubectl filters on', () => {
  const p = defaulted({ containers: [{ name: 'a', image: 'x' }], nodeName: 'node-1' });
  (p.status as Record<string, unknown>).podIPs = [{ ip: '10.0.0.5' }];
  assert.equal(podKind.fieldSelectors['spec.nodeName']?.(p), 'node-1');
  assert.equal(podKind.fieldSelectors['status.phase']?.(p), 'Pending');
  assert.equal(podKind.fieldSelectors['status.podIP']?.(p), '10.0.0.5');
  assert.equal(podKind.fieldSelectors['spec.restartPolicy']?.(p), 'Always');
});
