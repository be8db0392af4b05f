import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Taint, Toleration } from '../common/types.ts';
import { node } from '../testing/fixtures.ts';
import { effectiveTaints, nodeConditionTaints, toleratesTaint } from './taints.ts';

// core/v1 toleration_test.go TestTolerationToleratesTaint
test('toleratesTaint table', () => {
  const cases: [string, Toleration, Taint, boolean][] = [
    ['same key and effect, Exists, taint without value', { key: 'foo', operator: 'Exists', effect: 'NoSchedule' }, { key: 'foo', effect: 'NoSchedule' }, true],
    ['same key and effect, Exists, taint with value', { key: 'foo', operator: 'Exists', effect: 'NoSchedule' }, { key: 'foo', value: 'bar', effect: 'NoSchedule' }, true],
    ['empty key with Exists matches all taints of the effect', { key: '', operator: 'Exists', effect: 'NoSchedule' }, { key: 'foo', value: 'bar', effect: 'NoSchedule' }, true],
    ['same key, effect and value, Equal', { key: 'foo', operator: 'Equal', value: 'bar', effect: 'NoSchedule' }, { key: 'foo', value: 'bar', effect: 'NoSchedule' }, true],
    ['same key and effect, different values, Equal', { key: 'foo', operator: 'Equal', value: 'value1', effect: 'NoSchedule' }, { key: 'foo', value: 'value2', effect: 'NoSchedule' }, false],
    ['same key and value, different effects', { key: 'foo', operator: 'Equal', value: 'bar', effect: 'NoSchedule' }, { key: 'foo', value: 'bar', effect: 'NoExecute' }, false],
    ['empty operator means Equal', { key: 'foo', value: 'bar' }, { key: 'foo', value: 'bar', effect: 'NoExecute' }, true],
    ['empty key, empty effect, Exists tolerates everything', { operator: 'Exists' }, { key: 'any', value: 'x', effect: 'NoExecute' }, true],
    // Validation forbids an empty key without Exists; ToleratesTaint itself does not check.
    ['empty key with Equal compares values only', { key: '', operator: 'Equal', value: '' }, { key: 'foo', effect: 'NoSchedule' }, true],
    ['empty key with Equal, other value', { key: '', operator: 'Equal', value: 'x' }, { key: 'foo', effect: 'NoSchedule' }, false],
    ['unknown operator', { key: 'foo', operator: 'Gt', value: '1' }, { key: 'foo', value: '2', effect: 'NoSchedule' }, false],
  ];
  for (const [name, toleration, taint, expected] of cases) assert.equal(toleratesTaint(toleration, taint), expected, name);
});

test('nodeConditionTaints mirror the node lifecycle controller', () => {
  const ready = node('n');
  assert.deepEqual(nodeConditionTaints(ready), []);
  const notReady = node('n');
  notReady.status!.conditions = [{ type: 'Ready', status: 'False' }, { type: 'DiskPressure', status: 'True' }, { type: 'MemoryPressure', status: 'False' }];
  assert.deepEqual(nodeConditionTaints(notReady), [
    { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/disk-pressure', effect: 'NoSchedule' },
  ]);
  const unknown = node('n');
  unknown.status!.conditions = [{ type: 'Ready', status: 'Unknown' }];
  unknown.spec = { unschedulable: true };
  assert.deepEqual(nodeConditionTaints(unknown), [
    { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' },
  ]);
  const fresh = node('n');
  fresh.status!.conditions = [];
  assert.deepEqual(nodeConditionTaints(fresh), [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }]);
});

test('effectiveTaints does not duplicate a taint the node already carries', () => {
  const n = node('n');
  n.status!.conditions = [{ type: 'Ready', status: 'False' }];
  n.spec = { taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule', timeAdded: 't' }, { key: 'gpu', value: 'yes', effect: 'NoSchedule' }] };
  assert.deepEqual(effectiveTaints(n).map((t) => t.key), ['node.kubernetes.io/not-ready', 'gpu']);
});
