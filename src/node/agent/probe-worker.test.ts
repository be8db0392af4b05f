// The probe worker's rules: thresholds, initial delay, startup gating, hold after a liveness
// failure, the kubelet's event texts, and timers that stop.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Probe } from './pod-types.ts';
import type { ProbeOutcome } from './probe-runner.ts';
import { ProbeWorker } from './probe-worker.ts';
import type { ProbeType, ProbeWorkerOptions } from './probe-worker.ts';

function worker(type: ProbeType, probe: Probe, outcomes: ProbeOutcome[], extra: Partial<ProbeWorkerOptions> = {}) {
  const events: string[] = [];
  let changes = 0;
  let runs = 0;
  const w = new ProbeWorker({
    type, probe, container: { name: 'c' }, containerId: 'id1', startedAtMs: 0,
    target: { container: { name: 'c' }, podIP: '127.0.0.1', exec: async () => ({ exitCode: 0, timedOut: false, output: '' }) },
    started: () => true,
    event: (reason, message) => events.push(`${reason}: ${message}`),
    onChange: () => { changes++; },
    now: () => 100_000,
    run: async () => outcomes[Math.min(runs++, outcomes.length - 1)] as ProbeOutcome,
    ...extra,
  });
  return { w, events, changes: () => changes, runs: () => runs };
}

const ok: ProbeOutcome = { result: 'success', output: '' };
const bad: ProbeOutcome = { result: 'failure', output: 'HTTP probe failed with statuscode: 500' };

test('readiness starts failed and turns ready after successThreshold successes', async () => {
  const { w, changes } = worker('readiness', { successThreshold: 2 }, [ok]);
  assert.equal(w.result, 'failure');
  await w.probeOnce();
  assert.equal(w.result, 'failure');
  await w.probeOnce();
  assert.equal(w.result, 'success');
  assert.equal(changes(), 1);
});

test('liveness fails after failureThreshold failures in a row, with the kubelet event, then holds', async () => {
  const { w, events, changes, runs } = worker('liveness', { failureThreshold: 3 }, [bad, bad, ok, bad, bad, bad, ok]);
  assert.equal(w.result, 'success');
  for (let i = 0; i < 6; i++) await w.probeOnce();
  assert.equal(w.result, 'failure', 'the success in between reset the run');
  assert.equal(changes(), 1);
  assert.equal(events[0], 'Unhealthy: Liveness probe failed: HTTP probe failed with statuscode: 500');
  await w.probeOnce();
  assert.equal(runs(), 6, 'no probe while on hold');
});

test('initial delay, startup gating, errors retried and reported as unknown', async () => {
  const early = worker('readiness', { initialDelaySeconds: 200 }, [ok]);
  await early.w.probeOnce();
  assert.equal(early.runs(), 0, 'within initialDelaySeconds since the start');
  const gated = worker('liveness', {}, [bad], { started: () => false });
  await gated.w.probeOnce();
  assert.equal(gated.runs(), 0, 'liveness waits for the startup probe');
  const startup = worker('startup', {}, [ok], { started: () => true });
  await startup.w.probeOnce();
  assert.equal(startup.runs(), 0, 'startup stops once started');
  const err = worker('readiness', { failureThreshold: 1 }, [{ result: 'unknown', output: '', error: new Error('strconv.Atoi: parsing "web": invalid syntax') }]);
  await err.w.probeOnce();
  assert.equal(err.runs(), 3, 'three tries');
  assert.deepEqual(err.events, ['Unhealthy: Readiness probe errored and resulted in unknown state: strconv.Atoi: parsing "web": invalid syntax']);
  const warn = worker('readiness', {}, [{ result: 'warning', output: 'Probe terminated redirects, Response body: ' }]);
  await warn.w.probeOnce();
  assert.equal(warn.w.result, 'success');
  assert.deepEqual(warn.events, ['ProbeWarning: Readiness probe warning: Probe terminated redirects, Response body: ']);
});

test('the timer probes every periodSeconds and stop() ends it', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { w, runs } = worker('readiness', { periodSeconds: 5 }, [ok]);
  w.start();
  t.mock.timers.tick(0);
  await new Promise((r) => setImmediate(r));
  assert.equal(runs(), 1, 'the first probe at once');
  t.mock.timers.tick(4999);
  await new Promise((r) => setImmediate(r));
  assert.equal(runs(), 1);
  t.mock.timers.tick(1);
  await new Promise((r) => setImmediate(r));
  assert.equal(runs(), 2);
  w.stop();
  t.mock.timers.tick(60_000);
  await new Promise((r) => setImmediate(r));
  assert.equal(runs(), 2, 'nothing after stop');
});
