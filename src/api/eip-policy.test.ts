import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eipPolicyFrom, withEipPolicy } from './eip-policy.ts';
import { ALL_KINDS, deploymentKind, podKind } from './kinds/index.ts';
import type { KubeObject } from './object.ts';
import { DEFAULT_EIP_POLICY } from './validation/eip-annotations.ts';

const annotations = { 'yangtse.io/pod-with-eip': 'true', 'yangtse.io/eip-network-type': '5_sbgp', 'yangtse.io/eip-bandwidth-size': '150', 'yangtse.io/eip-charge-mode': 'bandwidth' };
const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', annotations }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };

test('eipPolicyFrom: network types and per-mode ranges over the default; bad values named', () => {
  const p = eipPolicyFrom(['5_bgp'], ['bandwidth=1-100']);
  assert.deepEqual(p.networkTypes, ['5_bgp']);
  assert.deepEqual(p.bandwidthRanges.bandwidth, { min: 1, max: 100 });
  assert.deepEqual(p.bandwidthRanges.traffic, DEFAULT_EIP_POLICY.bandwidthRanges.traffic);
  assert.throws(() => eipPolicyFrom(undefined, ['bandwidth=100-1']), /"bandwidth=100-1": expected MODE=MIN-MAX/);
  assert.throws(() => eipPolicyFrom(undefined, ['speed=1-2']), /MODE bandwidth or traffic/);
  assert.throws(() => eipPolicyFrom([''], []), /empty/);
});

test('withEipPolicy: pods and workload templates are checked against the admin\'s policy', () => {
  const kinds = withEipPolicy(ALL_KINDS, eipPolicyFrom(['5_bgp'], ['bandwidth=1-100']));
  const strictPod = kinds.find((k) => k.kind === 'Pod') ?? podKind;
  podKind.defaults(pod);
  assert.deepEqual(podKind.validate(pod).map((e) => e.field), [], 'the default policy accepts 5_sbgp and 150');
  const errs = strictPod.validate(pod).map((e) => `${e.field}: ${e.message}`);
  assert.equal(errs.length, 2, errs.join('\n'));
  assert.match(errs[0] ?? '', /yangtse\.io\/eip-bandwidth-size\]: Invalid value: "150": must be from 1 to 100 Mbit\/s/);
  assert.match(errs[1] ?? '', /yangtse\.io\/eip-network-type\]: Unsupported value: "5_sbgp": supported values: "5_bgp"/);
  const deployment: KubeObject = {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'default' },
    spec: { replicas: 1, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' }, annotations }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
  };
  deploymentKind.defaults(deployment);
  const strictDeployment = kinds.find((k) => k.kind === 'Deployment') ?? deploymentKind;
  assert.equal(strictDeployment.validate(deployment).filter((e) => e.field.startsWith('spec.template.metadata.annotations[yangtse.io/')).length, 2);
  assert.equal(withEipPolicy(ALL_KINDS, DEFAULT_EIP_POLICY).find((k) => k.kind === 'Pod'), podKind, 'the default policy keeps the kinds as they are');
});
