// The informer against a real control plane: initial sync, handlers in event order, selectors,
// indexes, resync, bookmarks, re-watching after the server ends a watch, and relisting (with a
// diff, not a flood of adds) after the store is compacted under a watch that fell behind.
import assert from 'node:assert/strict';
import { connect, createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { configMapKind, namespaceKind } from '../src/api/kinds/index.ts';
import type { KubeObject } from '../src/api/object.ts';
import { ApiStatusError, ClientError, ClientErrorCode, clientFromKubeconfig, Informer, refFor } from '../src/client/index.ts';
import type { EventHandler, InformerOptions, KubeClient, ResourceClient } from '../src/client/index.ts';
import { startTestControlPlane } from './fixtures/control-plane.ts';
import type { TestControlPlane } from './fixtures/control-plane.ts';

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

let cp: TestControlPlane;
let client: KubeClient;
const informers: Informer<ConfigMap>[] = [];

before(async () => {
  // Read by the watch handler as each watch starts: bookmarks every 200 ms, not every minute.
  process.env['FERRY_WATCH_BOOKMARK_INTERVAL_MS'] = '200';
  cp = await startTestControlPlane();
  client = clientFromKubeconfig(cp.kubeconfig);
});
after(async () => {
  for (const i of informers) i.stop();
  client.close();
  await cp.close();
});

async function namespace(name: string): Promise<ResourceClient<ConfigMap>> {
  await client.resource(refFor(namespaceKind)).create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  return client.resource<ConfigMap>(refFor(configMapKind), name);
}

function informer(options: InformerOptions, via: KubeClient = client): Informer<ConfigMap> {
  const inf = new Informer<ConfigMap>(via, refFor(configMapKind), { backoff: { initialMs: 50, maxMs: 200 }, ...options });
  informers.push(inf);
  return inf;
}

/** Every handler call as `type name[ detail]`. */
function recorder(): { log: string[]; handler: EventHandler<ConfigMap> } {
  const log: string[] = [];
  return {
    log,
    handler: {
      add: (o) => log.push(`add ${o.metadata.name}`),
      update: (a, b) => log.push(`update ${b.metadata.name} ${a.data?.['v'] ?? '-'}->${b.data?.['v'] ?? '-'}`),
      delete: (o, unknown) => log.push(`delete ${o.metadata.name}${unknown ? ' (final state unknown)' : ''}`),
    },
  };
}

async function until(what: string, check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** A TCP proxy whose open connections can be frozen (nothing forwarded) and then dropped. */
async function startTcpProxy(port: number): Promise<{ port: number; freeze(): void; drop(): void; close(): Promise<void> }> {
  const pairs = new Set<[Socket, Socket]>();
  const server = createServer((down) => {
    const up = connect(port, '127.0.0.1');
    const pair: [Socket, Socket] = [down, up];
    pairs.add(pair);
    down.pipe(up);
    up.pipe(down);
    const close = (): void => {
      down.destroy();
      up.destroy();
      pairs.delete(pair);
    };
    for (const s of pair) s.on('error', close).on('close', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const drop = (): void => {
    for (const [down, up] of pairs) {
      down.destroy();
      up.destroy();
    }
    pairs.clear();
  };
  return {
    port: (server.address() as AddressInfo).port,
    freeze() {
      for (const [down, up] of pairs) {
        down.unpipe(up);
        up.unpipe(down);
        down.pause();
        up.pause();
      }
    },
    drop,
    async close() {
      drop();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('informer', () => {
  test('syncs, then delivers add, update and delete in order; the cache is frozen and readable', async () => {
    const cms = await namespace('inf-basic');
    await cms.create({ metadata: { name: 'a' }, data: { v: '1' } });
    await cms.create({ metadata: { name: 'b' }, data: { v: '1' } });
    const inf = informer({ namespace: 'inf-basic' });
    const { log, handler } = recorder();
    inf.addHandler(handler);
    assert.equal(inf.hasSynced(), false);
    inf.start();
    await inf.waitForSync(AbortSignal.timeout(5000));
    assert.equal(inf.hasSynced(), true);
    assert.deepEqual([...log].sort(), ['add a', 'add b']);
    assert.deepEqual(inf.list().map((o) => o.metadata.name).sort(), ['a', 'b']);
    const a = inf.get('inf-basic', 'a');
    assert.equal(a?.data?.['v'], '1');
    assert.equal(a?.kind, 'ConfigMap');
    assert.ok(a !== undefined && Object.isFrozen(a) && Object.isFrozen(a.metadata) && Object.isFrozen(a.data));
    assert.match(inf.lastSyncResourceVersion(), /^\d+$/);

    log.length = 0;
    await cms.create({ metadata: { name: 'c' }, data: { v: '1' } });
    await cms.patch('a', { data: { v: '2' } });
    await cms.delete('b');
    await until('three events', () => log.length >= 3);
    assert.deepEqual(log, ['add c', 'update a 1->2', 'delete b']);
    assert.equal(inf.get('inf-basic', 'a')?.data?.['v'], '2');
    assert.equal(inf.get('inf-basic', 'b'), undefined);
    assert.equal(inf.getByKey('inf-basic/c')?.metadata.name, 'c');

    // A handler added late is told about what is already cached.
    const late = recorder();
    const unsubscribe = inf.addHandler(late.handler);
    assert.deepEqual([...late.log].sort(), ['add a', 'add c']);
    unsubscribe();
    await cms.create({ metadata: { name: 'd' } });
    await until('add d', () => log.includes('add d'));
    assert.ok(!late.log.includes('add d'), 'an unsubscribed handler hears nothing more');
    assert.equal(inf.stats.lists, 1);
  });

  test('a label selector: an object that stops matching is deleted from the cache; indexes follow changes', async () => {
    const cms = await namespace('inf-selector');
    await cms.create({ metadata: { name: 'in', labels: { team: 'x', tier: 'web' } } });
    await cms.create({ metadata: { name: 'out', labels: { team: 'y' } } });
    const inf = informer({ namespace: 'inf-selector', labelSelector: { team: 'x' } });
    inf.addIndex('tier', (o) => (o.metadata.labels?.['tier'] === undefined ? [] : [o.metadata.labels['tier']]));
    const { log, handler } = recorder();
    inf.addHandler(handler);
    inf.start();
    await inf.waitForSync();
    assert.deepEqual(inf.list().map((o) => o.metadata.name), ['in']);
    assert.deepEqual(inf.byIndex('tier', 'web').map((o) => o.metadata.name), ['in']);
    await cms.patch('in', { metadata: { labels: { tier: 'db' } } });
    await until('update', () => log.length === 2);
    assert.deepEqual(inf.byIndex('tier', 'web'), []);
    assert.deepEqual(inf.byIndex('tier', 'db').map((o) => o.metadata.name), ['in']);
    await cms.patch('in', { metadata: { labels: { team: 'z' } } });
    await until('delete', () => log.length === 3);
    assert.equal(log[2], 'delete in');
    assert.deepEqual(inf.list(), []);
    assert.deepEqual(inf.byIndex('tier', 'db'), []);
  });

  test('resync re-delivers cached objects as update(o, o)', async () => {
    const cms = await namespace('inf-resync');
    await cms.create({ metadata: { name: 'r' } });
    const inf = informer({ namespace: 'inf-resync', resyncMs: 100 });
    const same: boolean[] = [];
    inf.onUpdate((a, b) => same.push(a === b));
    inf.start();
    await inf.waitForSync();
    await until('two resyncs', () => same.length >= 2, 3000);
    assert.ok(same.every((s) => s));
  });

  test('bookmarks advance the resourceVersion when no event matches', async () => {
    const cms = await namespace('inf-bookmark');
    const inf = informer({ namespace: 'inf-bookmark', labelSelector: 'never=matches' });
    inf.start();
    await inf.waitForSync();
    const created = await cms.create({ metadata: { name: 'unseen' } });
    const target = Number(created.metadata.resourceVersion);
    await until('a bookmark past the write', () => Number(inf.lastSyncResourceVersion()) >= target, 3000);
    assert.deepEqual(inf.list(), []);
  });

  test('a watch the server ends (timeoutSeconds) is re-opened from the last resourceVersion, without a relist', async () => {
    const cms = await namespace('inf-timeout');
    const inf = informer({ namespace: 'inf-timeout', watchTimeoutSeconds: 1 });
    const { log, handler } = recorder();
    inf.addHandler(handler);
    inf.start();
    await inf.waitForSync();
    await until('the first watch to time out', () => inf.stats.watches >= 2, 5000);
    await cms.create({ metadata: { name: 'after-timeout' } });
    await until('the add', () => log.includes('add after-timeout'));
    assert.equal(inf.stats.lists, 1);
    assert.deepEqual(log, ['add after-timeout']);
  });

  test('after a compaction the stale watch gets 410 Gone, and the relist emits only the differences', async () => {
    const cms = await namespace('inf-compact');
    for (const name of ['keep', 'change', 'remove']) await cms.create({ metadata: { name }, data: { v: '1' } });
    const proxy = await startTcpProxy(cp.plane.port);
    const via = clientFromKubeconfig(cp.kubeconfig, undefined, { server: `https://127.0.0.1:${proxy.port}` });
    const errors: unknown[] = [];
    try {
      const inf = informer({ namespace: 'inf-compact', onError: (e) => errors.push(e) }, via);
      const { log, handler } = recorder();
      inf.addHandler(handler);
      inf.start();
      await inf.waitForSync();
      await until('the watch', () => inf.stats.watches === 1);
      await sleep(1100); // past client-go's "very short watch" threshold, so the drop reads as a plain end
      log.length = 0;
      const rvBefore = inf.lastSyncResourceVersion();

      proxy.freeze();
      await cms.patch('change', { data: { v: '2' } });
      await cms.delete('remove');
      await cms.create({ metadata: { name: 'new' }, data: { v: '1' } });
      const kv = cp.plane.api.state.objects.kv;
      await kv.compact(await kv.currentRevision());
      assert.equal(log.length, 0, 'the frozen watch delivered nothing');
      proxy.drop();

      await until('the relist', () => inf.stats.lists === 2 && log.length >= 3);
      assert.deepEqual([...log].sort(), ['add new', 'delete remove (final state unknown)', 'update change 1->2']);
      assert.ok(inf.stats.watches >= 3, 'a re-watch (answered 410) came before the relist');
      assert.deepEqual(errors, [], 'a 410 is routine, not an error');
      assert.ok(Number(inf.lastSyncResourceVersion()) > Number(rvBefore));
      assert.deepEqual(inf.list().map((o) => o.metadata.name).sort(), ['change', 'keep', 'new']);

      // And the informer keeps watching after the relist.
      await cms.patch('keep', { data: { v: '3' } });
      await until('the update after relist', () => log.includes('update keep 1->3'));
      inf.stop();
    } finally {
      via.close();
      await proxy.close();
    }
  });

  test('a list that keeps failing is retried with backoff, reported, and waitForSync gives up on its signal', async () => {
    const bad = clientFromKubeconfig(cp.kubeconfig, undefined, { token: 'wrong' });
    const errors: unknown[] = [];
    try {
      const inf = informer({ namespace: 'default', onError: (e) => errors.push(e) }, bad);
      inf.start();
      await assert.rejects(inf.waitForSync(AbortSignal.timeout(500)), (e: unknown) => e instanceof ClientError && e.code === ClientErrorCode.Aborted);
      assert.equal(inf.hasSynced(), false);
      assert.ok(errors.length >= 2, `retried: ${errors.length} failures`);
      assert.ok(errors.every((e) => e instanceof ApiStatusError && e.code === 401));
      const pending = inf.waitForSync();
      inf.stop();
      await assert.rejects(pending, (e: unknown) => e instanceof ClientError && e.code === ClientErrorCode.Aborted);
      const count = errors.length;
      await sleep(400);
      assert.equal(errors.length, count, 'a stopped informer makes no more requests');
      assert.throws(() => inf.start(), (e: unknown) => e instanceof ClientError && e.code === ClientErrorCode.InvalidState);
    } finally {
      bad.close();
    }
  });

  test('a throwing handler is reported and does not stop the others', async () => {
    const cms = await namespace('inf-throw');
    const errors: unknown[] = [];
    const inf = informer({ namespace: 'inf-throw', onError: (e) => errors.push(e) });
    const seen: string[] = [];
    inf.onAdd(() => {
      throw new Error('handler bug');
    });
    inf.onAdd((o) => seen.push(o.metadata.name ?? ''));
    inf.start();
    await inf.waitForSync();
    await cms.create({ metadata: { name: 'one' } });
    await cms.create({ metadata: { name: 'two' } });
    await until('both adds', () => seen.length === 2);
    assert.deepEqual(seen, ['one', 'two']);
    assert.equal(errors.length, 2);
    assert.equal((errors[0] as Error).message, 'handler bug');
  });
});
