// Lease-based leader election against a real control plane, with durations short enough for a
// test: one of two candidates leads; the other takes over when the leader releases, when it
// vanishes without releasing (after the lease expires), and a leader whose lease is taken stops.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { leaseKind, namespaceKind } from '../src/api/kinds/index.ts';
import { ClientError, ClientErrorCode, clientFromKubeconfig, LeaderElector, refFor } from '../src/client/index.ts';
import type { KubeClient, Lease, LeaderElectionOptions } from '../src/client/index.ts';
import { startTestControlPlane } from './fixtures/control-plane.ts';
import type { TestControlPlane } from './fixtures/control-plane.ts';

let cp: TestControlPlane;
let client: KubeClient;
const NS = 'election';
const running: LeaderElector[] = [];

before(async () => {
  cp = await startTestControlPlane();
  client = clientFromKubeconfig(cp.kubeconfig);
  await client.resource(refFor(namespaceKind)).create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
});
after(async () => {
  await Promise.all(running.map((e) => e.stop()));
  client.close();
  await cp.close();
});

interface Candidate {
  elector: LeaderElector;
  log: string[];
  signal?: AbortSignal;
  done: Promise<void>;
}

function candidate(name: string, identity: string, options: Partial<LeaderElectionOptions> = {}): Candidate {
  const log: string[] = [];
  const c: Partial<Candidate> = { log };
  c.elector = new LeaderElector({
    client,
    namespace: NS,
    name,
    identity,
    leaseDurationMs: 1000,
    renewDeadlineMs: 600,
    retryPeriodMs: 100,
    onStartedLeading: (signal) => {
      c.signal = signal;
      log.push('started');
    },
    onStoppedLeading: () => log.push('stopped'),
    ...options,
  });
  running.push(c.elector);
  c.done = c.elector.run();
  return c as Candidate;
}

async function until(what: string, check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

const lease = (name: string): Promise<Lease> => client.resource<Lease>(refFor(leaseKind), NS).get(name);

describe('leader election', () => {
  test('one of two candidates leads; on release the other takes over at once', async () => {
    const a = candidate('release', 'a');
    await until('a leads', () => a.elector.isLeader());
    const b = candidate('release', 'b');
    await sleep(1500); // longer than the lease: a keeps renewing, so b must not take it
    assert.equal(b.elector.isLeader(), false);
    assert.deepEqual(b.log, []);
    assert.equal(b.elector.getLeader(), 'a');
    const held = await lease('release');
    assert.equal(held.spec?.holderIdentity, 'a');
    assert.equal(held.spec?.leaseDurationSeconds, 1);
    assert.equal(held.spec?.leaseTransitions, 0);
    assert.match(held.spec?.renewTime ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    assert.ok(Date.parse(held.spec?.renewTime ?? '') > Date.parse(held.spec?.acquireTime ?? ''), 'renewed since acquired');

    const released = Date.now();
    await a.elector.stop();
    await a.done;
    assert.deepEqual(a.log, ['started', 'stopped']);
    assert.equal(a.signal?.aborted, true);
    assert.equal(a.elector.isLeader(), false);
    await until('b leads', () => b.elector.isLeader());
    assert.ok(Date.now() - released < 900, 'b did not wait for the lease to expire');
    const taken = await lease('release');
    assert.equal(taken.spec?.holderIdentity, 'b');
    assert.equal(taken.spec?.leaseTransitions, 1);
    await b.elector.stop();
    assert.equal((await lease('release')).spec?.holderIdentity, '');
  });

  test('a leader that vanishes without releasing is replaced once the lease expires', async () => {
    const a = candidate('crash', 'a', { releaseOnCancel: false });
    await until('a leads', () => a.elector.isLeader());
    const b = candidate('crash', 'b');
    await sleep(300);
    const stoppedAt = Date.now();
    await a.elector.stop();
    assert.equal((await lease('crash')).spec?.holderIdentity, 'a', 'not released');
    await until('b leads', () => b.elector.isLeader());
    assert.ok(Date.now() - stoppedAt >= 700, 'b waited for the unreleased lease to expire');
    assert.equal((await lease('crash')).spec?.leaseTransitions, 1);
    await b.elector.stop();
  });

  test('a leader whose lease is taken over stops leading and its signal aborts', async () => {
    const a = candidate('stolen', 'a');
    await until('a leads', () => a.elector.isLeader());
    const leases = client.resource<Lease>(refFor(leaseKind), NS);
    const live = await leases.get('stolen');
    const now = new Date().toISOString().replace(/Z$/, '000Z');
    await leases.update({ ...live, spec: { ...live.spec, holderIdentity: 'intruder', leaseDurationSeconds: 30, renewTime: now } });
    await a.done;
    assert.deepEqual(a.log, ['started', 'stopped']);
    assert.equal(a.signal?.aborted, true);
    assert.equal(a.elector.isLeader(), false);
    assert.equal((await leases.get('stolen')).spec?.holderIdentity, 'intruder', 'a lost leader does not release what it no longer holds');
  });

  test('options that cannot work are refused', () => {
    const base = { client, namespace: NS, name: 'x', identity: 'i', onStartedLeading: () => {} };
    assert.throws(() => new LeaderElector({ ...base, leaseDurationMs: 1000, renewDeadlineMs: 1000 }), (e: unknown) => e instanceof ClientError && e.code === ClientErrorCode.InvalidOptions);
    assert.throws(() => new LeaderElector({ ...base, renewDeadlineMs: 1000, retryPeriodMs: 900 }), (e: unknown) => e instanceof ClientError && e.code === ClientErrorCode.InvalidOptions);
  });
});
