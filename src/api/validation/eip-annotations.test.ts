// CCE Autopilot's EIP annotations (../shared/seeds/000_25c65c1b0ae2616a.txt, Table 2): every rule.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_EIP_POLICY, validateEipAnnotations } from './eip-annotations.ts';
import type { EipPolicy } from './eip-annotations.ts';

const P = 'spec.template.metadata.annotations';
const messages = (annotations: Record<string, string>, policy?: EipPolicy) => validateEipAnnotations(annotations, P, policy).map((e) => `${e.field}: ${e.message}`);

test("the seed's annotations are valid; absent or other annotations are not checked, nor defaulted", () => {
  const seed = {
    'yangtse.io/eip-bandwidth-name': 'test',
    'yangtse.io/eip-bandwidth-size': '5',
    'yangtse.io/eip-charge-mode': 'bandwidth',
    'yangtse.io/eip-network-type': '5_bgp',
    'yangtse.io/pod-with-eip': 'true',
  };
  assert.deepEqual(validateEipAnnotations(seed, P), []);
  assert.equal(Object.keys(seed).length, 5);
  assert.deepEqual(validateEipAnnotations(undefined, P), []);
  assert.deepEqual(messages({ other: 'x', 'yangtse.io/pod-with-eip': 'false' }), []);
  assert.deepEqual(messages({ 'yangtse.io/eip-network-type': '5_sbgp', 'yangtse.io/eip-charge-mode': 'traffic' }), []);
  // "left blank": no billing mode.
  assert.deepEqual(messages({ 'yangtse.io/eip-charge-mode': '' }), []);
});

test('pod-with-eip is "false" or "true"', () => {
  assert.deepEqual(messages({ 'yangtse.io/pod-with-eip': 'yes' }), [`${P}[yangtse.io/pod-with-eip]: Unsupported value: "yes": supported values: "false", "true"`]);
  assert.deepEqual(messages({ 'yangtse.io/pod-with-eip': 'True' }), [`${P}[yangtse.io/pod-with-eip]: Unsupported value: "True": supported values: "false", "true"`]);
});

test('charge mode is bandwidth or traffic', () => {
  assert.deepEqual(messages({ 'yangtse.io/eip-charge-mode': 'monthly' }), [`${P}[yangtse.io/eip-charge-mode]: Unsupported value: "monthly": supported values: "bandwidth", "traffic"`]);
});

test('bandwidth size is a whole number in the range of the charge mode', () => {
  const f = `${P}[yangtse.io/eip-bandwidth-size]`;
  for (const v of ['5.0', '-1', ' 5', '', 'five', '1e3']) assert.deepEqual(messages({ 'yangtse.io/eip-bandwidth-size': v }), [`${f}: Invalid value: ${JSON.stringify(v)}: must be a whole number of Mbit/s`], v);
  assert.deepEqual(messages({ 'yangtse.io/eip-bandwidth-size': '2000', 'yangtse.io/eip-charge-mode': 'bandwidth' }), []);
  assert.deepEqual(messages({ 'yangtse.io/eip-bandwidth-size': '1' }), []);
  assert.deepEqual(messages({ 'yangtse.io/eip-bandwidth-size': '2001', 'yangtse.io/eip-charge-mode': 'bandwidth' }), [
    `${f}: Invalid value: "2001": must be from 1 to 2000 Mbit/s when yangtse.io/eip-charge-mode is "bandwidth"`,
  ]);
  assert.deepEqual(messages({ 'yangtse.io/eip-bandwidth-size': '301', 'yangtse.io/eip-charge-mode': 'traffic' }), [
    `${f}: Invalid value: "301": must be from 1 to 300 Mbit/s when yangtse.io/eip-charge-mode is "traffic"`,
  ]);
  assert.deepEqual(messages({ 'yangtse.io/eip-bandwidth-size': '0' }), [`${f}: Invalid value: "0": must be from 1 to 2000 Mbit/s`]);
  // No charge mode: the region's default applies, so the widest range.
  assert.deepEqual(messages({ 'yangtse.io/eip-bandwidth-size': '301' }), []);
});

test('network type is one of the allowed list', () => {
  assert.deepEqual(messages({ 'yangtse.io/eip-network-type': '5_telcom' }), [`${P}[yangtse.io/eip-network-type]: Unsupported value: "5_telcom": supported values: "5_bgp", "5_sbgp"`]);
});

test('bandwidth name is 1-64 letters, digits, "-", "_", "."', () => {
  const f = `${P}[yangtse.io/eip-bandwidth-name]`;
  assert.deepEqual(messages({ 'yangtse.io/eip-bandwidth-name': `A-b_c.9${'x'.repeat(57)}` }), []);
  assert.deepEqual(messages({ 'yangtse.io/eip-bandwidth-name': '' }), [`${f}: Invalid value: "": must be 1 to 64 characters long`]);
  assert.deepEqual(messages({ 'yangtse.io/eip-bandwidth-name': 'x'.repeat(65) }), [`${f}: Invalid value: "${'x'.repeat(65)}": must be 1 to 64 characters long`]);
  assert.deepEqual(messages({ 'yangtse.io/eip-bandwidth-name': 'my bw' }), [`${f}: Invalid value: "my bw": must contain only letters, digits, "-", "_" and "."`]);
});

test('network types and ranges are the policy, which an admin may set', () => {
  const policy: EipPolicy = { networkTypes: ['5_gray'], bandwidthRanges: { bandwidth: { min: 10, max: 100 }, traffic: { min: 1, max: 50 } } };
  assert.deepEqual(messages({ 'yangtse.io/eip-network-type': '5_gray', 'yangtse.io/eip-bandwidth-size': '50' }, policy), []);
  assert.deepEqual(messages({ 'yangtse.io/eip-network-type': '5_bgp', 'yangtse.io/eip-bandwidth-size': '5', 'yangtse.io/eip-charge-mode': 'bandwidth' }, policy), [
    `${P}[yangtse.io/eip-bandwidth-size]: Invalid value: "5": must be from 10 to 100 Mbit/s when yangtse.io/eip-charge-mode is "bandwidth"`,
    `${P}[yangtse.io/eip-network-type]: Unsupported value: "5_bgp": supported values: "5_gray"`,
  ]);
  assert.deepEqual(DEFAULT_EIP_POLICY.networkTypes, ['5_bgp', '5_sbgp']);
});
