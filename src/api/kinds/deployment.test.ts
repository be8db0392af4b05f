import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../object.ts';
import { deploymentKind } from './deployment.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- fixtures are walked along paths the test itself built
type Json = Record<string, any>;

/** The Deployment from seed 000 ("Using Third-Party Images"). */
function seedDeployment(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'foo', namespace: 'default' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'foo' } },
      strategy: { type: 'RollingUpdate' },
      template: {
        metadata: {
          labels: { app: 'foo' },
          annotations: { 'yangtse.io/eip-bandwidth-size': '5', 'yangtse.io/pod-with-eip': 'true' },
        },
        spec: {
          containers: [{ image: 'www.example.com/janedoe/awesomeapp:v1', imagePullPolicy: 'Always', name: 'foo' }],
          imagePullSecrets: [{ name: 'test' }],
        },
      },
    },
  };
}

function withImage(image: string | undefined): KubeObject {
  const d = seedDeployment();
  const c = (d.spec as Json).template.spec.containers[0];
  delete c.imagePullPolicy;
  if (image === undefined) delete c.image;
  else c.image = image;
  return d;
}

function messages(d: KubeObject, old?: KubeObject): string[] {
  return deploymentKind.validate(d, old).map((e) => `${e.field}: ${e.message}`);
}

test('the seed Deployment gets Kubernetes defaults and is valid', () => {
  const d = seedDeployment();
  deploymentKind.defaults(d);
  const spec = d.spec as Json;
  assert.deepEqual(spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
  assert.equal(spec.revisionHistoryLimit, 10);
  assert.equal(spec.progressDeadlineSeconds, 600);
  assert.equal(spec.template.spec.restartPolicy, 'Always');
  assert.equal(spec.template.spec.terminationGracePeriodSeconds, 30);
  assert.equal(spec.template.spec.dnsPolicy, 'ClusterFirst');
  assert.equal(spec.template.spec.schedulerName, 'default-scheduler');
  assert.deepEqual(spec.template.spec.securityContext, {});
  const c = spec.template.spec.containers[0];
  assert.equal(c.imagePullPolicy, 'Always', 'an explicit policy is kept');
  assert.equal(c.terminationMessagePath, '/dev/termination-log');
  assert.equal(c.terminationMessagePolicy, 'File');
  assert.deepEqual(c.resources, {});
  assert.equal(spec.template.spec.enableServiceLinks, undefined, 'pod-only defaults stay off templates');
  assert.equal(spec.template.spec.tolerations, undefined);
  assert.deepEqual(messages(d), []);
});

test('replicas default to 1; pull policy follows the image tag', () => {
  const d = withImage('nginx:1.25');
  delete (d.spec as Json).replicas;
  deploymentKind.defaults(d);
  assert.equal((d.spec as Json).replicas, 1);
  assert.equal((d.spec as Json).template.spec.containers[0].imagePullPolicy, 'IfNotPresent');
  const untagged = withImage('nginx');
  deploymentKind.defaults(untagged);
  assert.equal((untagged.spec as Json).template.spec.containers[0].imagePullPolicy, 'Always');
});

test('a missing image is reported at spec.template.spec.containers[0].image', () => {
  const d = withImage(undefined);
  deploymentKind.defaults(d);
  assert.deepEqual(deploymentKind.validate(d), [
    { reason: 'FieldValueRequired', field: 'spec.template.spec.containers[0].image', message: 'Required value' },
  ]);
});

test('the selector must match the template labels', () => {
  const d = seedDeployment();
  (d.spec as Json).template.metadata.labels = { app: 'x' };
  deploymentKind.defaults(d);
  assert.deepEqual(messages(d), [
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`',
  ]);
});

test('apps/v1 requires a selector (and then nothing matches)', () => {
  const d = seedDeployment();
  delete (d.spec as Json).selector;
  deploymentKind.defaults(d);
  assert.equal((d.spec as Json).selector, undefined, 'apps/v1 does not default the selector');
  assert.deepEqual(messages(d), [
    'spec.selector: Required value',
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"foo"}: `selector` does not match template `labels`',
  ]);
});

test('an empty selector is invalid', () => {
  const d = seedDeployment();
  (d.spec as Json).selector = {};
  deploymentKind.defaults(d);
  assert.ok(messages(d).some((m) => m.startsWith('spec.selector: Invalid value: ') && m.endsWith(': empty selector is invalid for deployment')));
});

test('strategy rules', () => {
  const zero = seedDeployment();
  (zero.spec as Json).strategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '0%' } };
  deploymentKind.defaults(zero);
  assert.deepEqual(messages(zero), ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0']);
  const recreate = seedDeployment();
  (recreate.spec as Json).strategy = { type: 'Recreate', rollingUpdate: {} };
  assert.deepEqual(messages(recreate).filter((m) => m.startsWith('spec.strategy')), [
    "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
  ]);
  const odd = seedDeployment();
  (odd.spec as Json).strategy = { type: 'BlueGreen' };
  assert.ok(messages(odd).includes('spec.strategy.type: Unsupported value: "BlueGreen": supported values: "Recreate", "RollingUpdate"'));
});

test('the selector is immutable on update', () => {
  const old = seedDeployment();
  deploymentKind.defaults(old);
  const next = structuredClone(old);
  (next.spec as Json).selector = { matchLabels: { app: 'y' } };
  (next.spec as Json).template.metadata.labels = { app: 'y' };
  assert.deepEqual(messages(next, old), [
    'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"y"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
  ]);
  const scaled = structuredClone(old);
  (scaled.spec as Json).replicas = 3;
  assert.deepEqual(messages(scaled, old), []);
});

test('table cells: READY ready/desired, wide containers, images and selector', () => {
  const d = seedDeployment();
  deploymentKind.defaults(d);
  d.metadata.creationTimestamp = '2026-01-10T11:55:00Z';
  d.status = { replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 };
  assert.deepEqual(deploymentKind.table.cells(d, new Date('2026-01-10T12:00:00Z')), [
    'foo',
    '1/1',
    1,
    1,
    '5m',
    'foo',
    'www.example.com/janedoe/awesomeapp:v1',
    'app=foo',
  ]);
  d.status = {};
  assert.equal(deploymentKind.table.cells(d, new Date())[1], '0/1');
  assert.deepEqual(
    deploymentKind.table.columns.map((c) => c.name),
    ['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers', 'Images', 'Selector'],
  );
});

test('discovery facts', () => {
  assert.deepEqual(deploymentKind.shortNames, ['deploy']);
  assert.deepEqual(deploymentKind.categories, ['all']);
  assert.deepEqual(
    deploymentKind.subresources.map((s) => `${s.name}:${s.kind?.kind ?? ''}`),
    ['status:', 'scale:Scale'],
  );
});
