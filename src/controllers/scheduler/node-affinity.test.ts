import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Affinity, Node, NodeSelectorTerm, Pod } from '../common/types.ts';
import { node as baseNode, pod as basePod } from '../testing/fixtures.ts';
import { preferredNodeAffinityScore, requiredNodeAffinityMatches } from './node-affinity.ts';

function node(labels: Record<string, string>, name = 'node_1'): Node {
  const n = baseNode(name);
  n.metadata.labels = labels;
  return n;
}

function pod(nodeSelector?: Record<string, string>, affinity?: Affinity): Pod {
  const p = basePod('p');
  if (nodeSelector) p.spec!.nodeSelector = nodeSelector;
  if (affinity) p.spec!.affinity = affinity;
  return p;
}

function required(terms: NodeSelectorTerm[] | undefined): Affinity {
  return { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: terms === undefined ? {} : { nodeSelectorTerms: terms } } };
}

// node_affinity_test.go TestNodeAffinity
test('required node affinity and nodeSelector: the Kubernetes table', () => {
  const cases: [string, Pod, Node, boolean][] = [
    ['missing labels', pod({ foo: 'bar' }), node({}), false],
    ['same labels', pod({ foo: 'bar' }), node({ foo: 'bar' }), true],
    ['node labels are superset', pod({ foo: 'bar' }), node({ foo: 'bar', baz: 'blah' }), true],
    ['node labels are subset', pod({ foo: 'bar', baz: 'blah' }), node({ foo: 'bar' }), false],
    ['In matches', pod(undefined, required([{ matchExpressions: [{ key: 'foo', operator: 'In', values: ['bar', 'value2'] }] }])), node({ foo: 'bar' }), true],
    ['Gt matches', pod(undefined, required([{ matchExpressions: [{ key: 'kernel-version', operator: 'Gt', values: ['0204'] }] }])), node({ 'kernel-version': '0206' }), true],
    ['Lt does not match', pod(undefined, required([{ matchExpressions: [{ key: 'kernel-version', operator: 'Lt', values: ['0204'] }] }])), node({ 'kernel-version': '0206' }), false],
    ['Gt with a non-integer label', pod(undefined, required([{ matchExpressions: [{ key: 'v', operator: 'Gt', values: ['1'] }] }])), node({ v: 'abc' }), false],
    ['Gt with two values is malformed', pod(undefined, required([{ matchExpressions: [{ key: 'v', operator: 'Gt', values: ['1', '2'] }] }])), node({ v: '5' }), false],
    ['NotIn matches', pod(undefined, required([{ matchExpressions: [{ key: 'mem-type', operator: 'NotIn', values: ['DDR', 'DDR2'] }] }])), node({ 'mem-type': 'DDR3' }), true],
    ['NotIn matches an absent key', pod(undefined, required([{ matchExpressions: [{ key: 'mem-type', operator: 'NotIn', values: ['DDR'] }] }])), node({}), true],
    ['Exists matches', pod(undefined, required([{ matchExpressions: [{ key: 'GPU', operator: 'Exists' }] }])), node({ GPU: 'NVIDIA-GRID-K1' }), true],
    ['DoesNotExist', pod(undefined, required([{ matchExpressions: [{ key: 'GPU', operator: 'DoesNotExist' }] }])), node({ GPU: 'x' }), false],
    ['In does not match', pod(undefined, required([{ matchExpressions: [{ key: 'foo', operator: 'In', values: ['value1', 'value2'] }] }])), node({ foo: 'bar' }), false],
    ['nil nodeSelectorTerms', pod(undefined, required(undefined)), node({ foo: 'bar' }), false],
    ['empty nodeSelectorTerms', pod(undefined, required([])), node({ foo: 'bar' }), false],
    ['empty matchExpressions match nothing', pod(undefined, required([{ matchExpressions: [] }])), node({ foo: 'bar' }), false],
    ['no affinity', pod(undefined, {}), node({ foo: 'bar' }), true],
    ['affinity without required terms', pod(undefined, { nodeAffinity: {} }), node({ foo: 'bar' }), true],
    [
      'expressions ANDed, matching',
      pod(undefined, required([{ matchExpressions: [{ key: 'GPU', operator: 'Exists' }, { key: 'GPU', operator: 'NotIn', values: ['AMD', 'INTER'] }] }])),
      node({ GPU: 'NVIDIA-GRID-K1' }),
      true,
    ],
    [
      'expressions ANDed, not matching',
      pod(undefined, required([{ matchExpressions: [{ key: 'GPU', operator: 'Exists' }, { key: 'GPU', operator: 'In', values: ['AMD', 'INTER'] }] }])),
      node({ GPU: 'NVIDIA-GRID-K1' }),
      false,
    ],
    [
      'terms ORed',
      pod(undefined, required([{ matchExpressions: [{ key: 'foo', operator: 'In', values: ['bar', 'value2'] }] }, { matchExpressions: [{ key: 'diffkey', operator: 'In', values: ['wrong', 'value2'] }] }])),
      node({ foo: 'bar' }),
      true,
    ],
    ['nodeSelector and affinity both satisfied', pod({ foo: 'bar' }, required([{ matchExpressions: [{ key: 'foo', operator: 'Exists' }] }])), node({ foo: 'bar' }), true],
    ['affinity satisfied, nodeSelector not', pod({ foo: 'bar' }, required([{ matchExpressions: [{ key: 'foo', operator: 'Exists' }] }])), node({ foo: 'barrrrrr' }), false],
    ['matchFields In matches', pod(undefined, required([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node_1'] }] }])), node({}, 'node_1'), true],
    ['matchFields In does not match', pod(undefined, required([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node_1'] }] }])), node({}, 'node_2'), false],
    [
      'two terms: fields miss, expressions match',
      pod(undefined, required([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node_1'] }] }, { matchExpressions: [{ key: 'foo', operator: 'In', values: ['bar'] }] }])),
      node({ foo: 'bar' }, 'node_2'),
      true,
    ],
    [
      'one term: fields miss, expressions match',
      pod(undefined, required([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node_1'] }], matchExpressions: [{ key: 'foo', operator: 'In', values: ['bar'] }] }])),
      node({ foo: 'bar' }, 'node_2'),
      false,
    ],
    [
      'one term: both match',
      pod(undefined, required([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node_1'] }], matchExpressions: [{ key: 'foo', operator: 'In', values: ['bar'] }] }])),
      node({ foo: 'bar' }, 'node_1'),
      true,
    ],
    ['matchFields on another field is malformed', pod(undefined, required([{ matchFields: [{ key: 'metadata.uid', operator: 'In', values: ['x'] }] }])), node({}), false],
  ];
  for (const [name, p, n, expected] of cases) assert.equal(requiredNodeAffinityMatches(p, n), expected, name);
});

test('preferredNodeAffinityScore sums the weights of matching preferred terms', () => {
  const p = pod(undefined, {
    nodeAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        { weight: 2, preference: { matchExpressions: [{ key: 'foo', operator: 'In', values: ['bar'] }] } },
        { weight: 4, preference: { matchExpressions: [{ key: 'key', operator: 'In', values: ['value'] }] } },
        { weight: 8, preference: {} },
      ],
    },
  });
  assert.equal(preferredNodeAffinityScore(p, node({ foo: 'bar', key: 'value' })), 6);
  assert.equal(preferredNodeAffinityScore(p, node({ foo: 'bar' })), 2);
  assert.equal(preferredNodeAffinityScore(p, node({})), 0);
});
