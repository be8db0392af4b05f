import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NOW, pod } from '../testing/fixtures.ts';
import { claimDecision, controllerOf, isControlledBy, newControllerRef } from './controller-ref.ts';
import { canonicalJson, encodeHash, fnv32a, safeEncodeString, utf8 } from './hash.ts';
import { scaledValue } from './int-or-percent.ts';
import { formatTime, isPodActive, isPodAvailable, secondsUntilAvailable } from './pod-state.ts';

test('fnv32a test vectors (Go hash/fnv)', () => {
  assert.equal(fnv32a(utf8('')), 0x811c9dc5);
  assert.equal(fnv32a(utf8('a')), 0xe40c292c);
  assert.equal(fnv32a(utf8('foobar')), 0xbf9cf968);
  assert.equal(fnv32a(utf8('bar'), fnv32a(utf8('foo'))), 0xbf9cf968, 'continuing a running hash');
});

test('safeEncodeString maps by code point into the vowel-free alphabet', () => {
  // '0'..'9' are code points 48..57, which land on 4 5 6 7 8 9 b c d f.
  assert.equal(safeEncodeString('0123456789'), '456789bcdf');
  assert.equal(safeEncodeString('abc'), 'vwx');
  assert.equal(encodeHash(3735928559), safeEncodeString('3735928559'));
  assert.equal(encodeHash(0), '4');
});

test('canonicalJson sorts keys at every level and drops undefined', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } }), '{"a":{"d":[1,{"y":2,"z":1}]},"b":1}');
  assert.equal(canonicalJson([undefined, null]), '[null,null]');
  assert.equal(canonicalJson('x'), '"x"');
});

// intstr_test.go TestGetIntFromIntOrPercent, abridged
test('scaledValue: ints pass through, percents scale and round', () => {
  assert.equal(scaledValue(5, 10, true), 5);
  assert.equal(scaledValue('25%', 10, true), 3);
  assert.equal(scaledValue('25%', 10, false), 2);
  assert.equal(scaledValue('100%', 7, false), 7);
  assert.equal(scaledValue('0%', 7, true), 0);
  assert.throws(() => scaledValue('25', 10, true));
  assert.throws(() => scaledValue('%', 10, true));
});

test('pod availability honours minReadySeconds strictly', () => {
  const p = pod('p', { ready: true, readySecondsAgo: 10 });
  assert.equal(isPodAvailable(p, 0, NOW), true);
  assert.equal(isPodAvailable(p, 9, NOW), true);
  assert.equal(isPodAvailable(p, 10, NOW), false, 'exactly minReadySeconds is not yet available');
  assert.equal(secondsUntilAvailable(p, 15, NOW), 5);
  assert.equal(isPodAvailable(pod('q', { ready: false }), 0, NOW), false);
  assert.equal(isPodAvailable(pod('r', { ready: true }), 5, NOW), false, 'no transition time');
  assert.equal(formatTime(new Date('2024-05-01T12:00:00.987Z')), '2024-05-01T12:00:00Z');
});

test('isPodActive: not finished and not being deleted', () => {
  assert.equal(isPodActive(pod('a')), true);
  assert.equal(isPodActive(pod('b', { phase: 'Succeeded' })), false);
  assert.equal(isPodActive(pod('c', { phase: 'Failed' })), false);
  assert.equal(isPodActive(pod('d', { deleting: true })), false);
});

test('controller references', () => {
  const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'rs', namespace: 'default', uid: 'u1' } };
  const owned = pod('p', { owner: { kind: 'ReplicaSet', name: 'rs', uid: 'u1' } });
  assert.equal(controllerOf(owned)?.uid, 'u1');
  assert.equal(isControlledBy(owned, owner), true);
  assert.equal(isControlledBy(pod('q'), owner), false);
  assert.deepEqual(newControllerRef({ apiVersion: '', kind: '', metadata: { name: 'd', uid: 'x' } }, { apiVersion: 'apps/v1', kind: 'Deployment' }), {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    name: 'd',
    uid: 'x',
    controller: true,
    blockOwnerDeletion: true,
  });
  assert.equal(claimDecision(owner, { matchLabels: { app: 'foo' } }, owned), 'own');
  assert.equal(claimDecision(owner, undefined, pod('orphan')), 'ignore', 'a missing selector selects nothing');
  assert.equal(claimDecision(owner, {}, pod('orphan')), 'adopt', 'an empty selector selects everything');
});
