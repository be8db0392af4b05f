import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../object.ts';
import { eventKind } from './event.ts';

const NOW = new Date('2026-01-10T12:00:00Z');

function event(fields: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'bar.17a8f3b3c1d4e5f6', namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'bar', namespace: 'default', uid: 'u1', fieldPath: 'spec.containers{web}' },
    reason: 'Failed',
    type: 'Warning',
    message: ' Failed to pull image "x": not found \n',
    source: { component: 'kubelet', host: 'node-1' },
    ...fields,
  };
}

test('an old-style event row: Last Seen, Type, Reason, Object, Message, then wide columns', () => {
  const e = event({ firstTimestamp: '2026-01-10T11:50:00Z', lastTimestamp: '2026-01-10T11:59:00Z', count: 4 });
  assert.deepEqual(eventKind.table.cells(e, NOW), [
    '60s',
    'Warning',
    'Failed',
    'pod/bar',
    'spec.containers{web}',
    'kubelet, node-1',
    'Failed to pull image "x": not found',
    '10m',
    4,
    'bar.17a8f3b3c1d4e5f6',
  ]);
  assert.deepEqual(
    eventKind.table.columns.filter((c) => c.priority === 0).map((c) => c.name),
    ['Last Seen', 'Type', 'Reason', 'Object', 'Message'],
  );
});

test('new-style events: eventTime, series, count 1', () => {
  const single = event({ eventTime: '2026-01-10T11:59:30.000000Z', reportingComponent: 'ferry-node', reportingInstance: 'node-1', action: 'Pulling', source: undefined });
  const cells = eventKind.table.cells(single, NOW);
  assert.equal(cells[0], '30s');
  assert.equal(cells[5], 'ferry-node, node-1');
  assert.equal(cells[8], 1);
  const series = event({ eventTime: '2026-01-10T11:00:00.000000Z', series: { count: 7, lastObservedTime: '2026-01-10T11:59:50.000000Z' } });
  assert.deepEqual([eventKind.table.cells(series, NOW)[0], eventKind.table.cells(series, NOW)[8]], ['10s', 7]);
});

test('the namespace must agree with the involved object', () => {
  assert.deepEqual(eventKind.validate(event({})), []);
  const e = event({ involvedObject: { kind: 'Pod', name: 'bar', namespace: 'other' } });
  assert.deepEqual(eventKind.validate(e).map((x) => `${x.field}: ${x.message}`), ['involvedObject.namespace: Invalid value: "other": does not match event.namespace']);
  const node = event({ involvedObject: { kind: 'Node', name: 'node-1' } });
  assert.deepEqual(eventKind.validate(node), [], 'cluster objects report into default');
});

test('field selectors used by describe', () => {
  const e = event({});
  assert.equal(eventKind.fieldSelectors['involvedObject.uid']?.(e), 'u1');
  assert.equal(eventKind.fieldSelectors['involvedObject.kind']?.(e), 'Pod');
  assert.equal(eventKind.fieldSelectors.source?.(e), 'kubelet');
  assert.equal(eventKind.fieldSelectors.type?.(e), 'Warning');
});
