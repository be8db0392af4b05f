import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatLabelSelector, formatSelector, goLabelSelector, selectorMatches, validateLabelSelector } from './label-selector.ts';

test('matching: labels and expressions; no selector matches nothing', () => {
  const sel = { matchLabels: { app: 'foo' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'api'] }] };
  assert.ok(selectorMatches(sel, { app: 'foo', tier: 'web' }));
  assert.ok(!selectorMatches(sel, { app: 'foo' }));
  assert.ok(!selectorMatches(sel, { app: 'bar', tier: 'web' }));
  assert.ok(selectorMatches({ matchExpressions: [{ key: 'x', operator: 'NotIn', values: ['a'] }] }, {}));
  assert.ok(selectorMatches({ matchExpressions: [{ key: 'x', operator: 'DoesNotExist' }] }, { y: '1' }));
  assert.ok(!selectorMatches({ matchExpressions: [{ key: 'x', operator: 'Exists' }] }, { y: '1' }));
  assert.ok(selectorMatches({}, { any: 'thing' }));
  assert.ok(!selectorMatches(undefined, { app: 'foo' }));
});

test('formatting as labels.Selector.String, sorted by key', () => {
  assert.equal(formatSelector({ matchLabels: { app: 'foo' } }), 'app=foo');
  assert.equal(
    formatSelector({ matchLabels: { tier: 'web', app: 'x' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'dev'] }, { key: 'z', operator: 'DoesNotExist' }] }),
    'app=x,env in (dev,prod),tier=web,!z',
  );
  assert.equal(formatLabelSelector({}), '<none>');
});

test('Go %#v form used in immutability errors', () => {
  assert.equal(
    goLabelSelector({ matchLabels: { app: 'nginx2' } }).goLiteral,
    'v1.LabelSelector{MatchLabels:map[string]string{"app":"nginx2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}',
  );
});

test('validation of operators and values', () => {
  const errs = validateLabelSelector(
    {
      matchExpressions: [
        { key: 'a', operator: 'In' },
        { key: 'b', operator: 'Exists', values: ['x'] },
        { key: 'c', operator: 'Near', values: ['x'] },
      ],
    },
    'spec.selector',
  );
  assert.deepEqual(
    errs.map((e) => `${e.field}: ${e.message}`),
    [
      "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
      "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
      'spec.selector.matchExpressions[2].operator: Invalid value: "Near": not a valid selector operator',
    ],
  );
});
