import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isRuntimeError } from './errors.ts';
import { linuxResources, milliCpuToQuota, milliCpuToShares } from './resources.ts';

test('cpu shares like the kubelet: milliCPU*1024/1000, at least 2, at most 262144', () => {
  assert.equal(milliCpuToShares(0), 2);
  assert.equal(milliCpuToShares(1), 2);
  assert.equal(milliCpuToShares(100), 102);
  assert.equal(milliCpuToShares(250), 256);
  assert.equal(milliCpuToShares(1000), 1024);
  assert.equal(milliCpuToShares(10_000_000), 262_144);
});

test('cpu quota like the kubelet: milliCPU*period/1000, at least 1000 µs', () => {
  assert.equal(milliCpuToQuota(0), 0);
  assert.equal(milliCpuToQuota(1), 1000);
  assert.equal(milliCpuToQuota(500), 50_000);
  assert.equal(milliCpuToQuota(2000), 200_000);
});

test('limits and requests become linux.resources', () => {
  assert.deepEqual(linuxResources({ requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } }), {
    cpu: { shares: 256, quota: 50_000, period: 100_000 },
    memory: { limit: 134_217_728 },
  });
  assert.deepEqual(linuxResources({ limits: { cpu: 2, memory: '1G' } }), {
    cpu: { shares: 2048, quota: 200_000, period: 100_000 },
    memory: { limit: 1_000_000_000 },
  }, 'no request: shares from the limit');
  assert.deepEqual(linuxResources({ requests: { cpu: '0.1' } }), { cpu: { shares: 102 } }, 'no limit: no quota');
  assert.deepEqual(linuxResources(), { cpu: { shares: 2 } }, 'best effort');
  assert.deepEqual(linuxResources({ limits: { memory: '1.5Gi', cpu: '1.5m' } }), {
    cpu: { shares: 2, quota: 1000, period: 100_000 },
    memory: { limit: 1_610_612_736 },
  }, 'fractions round up as Quantity.MilliValue/Value do');
  assert.deepEqual(linuxResources({ limits: { memory: '100m' } }), { cpu: { shares: 2 }, memory: { limit: 1 } });
});

test('a bad quantity is an INVALID_SPEC error naming the field', () => {
  assert.throws(() => linuxResources({ limits: { memory: '12 GB' } }), (e) => isRuntimeError(e, 'INVALID_SPEC') && /limits\.memory/.test(e.message));
  assert.throws(() => linuxResources({ requests: { cpu: '-1' } }), (e) => isRuntimeError(e, 'INVALID_SPEC'));
});
