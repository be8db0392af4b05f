// Node registration options: extra labels cannot replace the kubelet's own; taints merge with
// those already on the Node.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeTaints, nodeLabels, nodeObject } from './node-status.ts';

test('extra labels join the kubelet labels, which win', () => {
  const labels = nodeLabels('n1', { pool: 'elastic', 'kubernetes.io/hostname': 'spoof' });
  assert.equal(labels['pool'], 'elastic');
  assert.equal(labels['kubernetes.io/hostname'], 'n1');
});

test('taints: own ones replace the same key and effect, others stay', () => {
  const existing = [
    { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' as const },
    { key: 'pool', value: 'old', effect: 'NoSchedule' as const },
    { key: 'pool', value: 'x', effect: 'PreferNoSchedule' as const },
  ];
  assert.deepEqual(mergeTaints(existing, [{ key: 'pool', value: 'elastic', effect: 'NoSchedule' }]), [
    { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' },
    { key: 'pool', value: 'x', effect: 'PreferNoSchedule' },
    { key: 'pool', value: 'elastic', effect: 'NoSchedule' },
  ]);
});

test('the registered Node carries the taints; none leaves spec empty', () => {
  assert.deepEqual(nodeObject('n1', {}, { taints: [{ key: 'k', effect: 'NoSchedule' }] })['spec'], { taints: [{ key: 'k', effect: 'NoSchedule' }] });
  assert.deepEqual(nodeObject('n1', {})['spec'], {});
});
