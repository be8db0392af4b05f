// List, watch and paging semantics over real HTTPS, each checked against what kube-apiserver does:
// https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { clientFor } from './fixtures/api-client.ts';
import type { ApiClient, WatchEvent, WatchStream } from './fixtures/api-client.ts';
import { startTestControlPlane } from './fixtures/control-plane.ts';
import type { TestControlPlane } from './fixtures/control-plane.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = any;

let cp: TestControlPlane;
let api: ApiClient;
const watches: WatchStream[] = [];

before(async () => {
  // Read by the watch handler when a watch starts: bookmarks every 200 ms instead of every minute.
  process.env['FERRY_WATCH_BOOKMARK_INTERVAL_MS'] = '200';
  cp = await startTestControlPlane();
  api = clientFor(cp.plane);
});
after(async () => {
  for (const w of watches) w.close();
  api.close();
  await cp.close();
});

function watch(path: string): WatchStream {
  const w = api.watch(path);
  watches.push(w);
  return w;
}

async function namespace(name: string): Promise<void> {
  const r = await api.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } });
  assert.equal(r.status, 201, r.text);
}

const cms = (ns: string): string => `/api/v1/namespaces/${ns}/configmaps`;

async function createCm(ns: string, name: string, data: Record<string, string> = {}, labels?: Record<string, string>): Promise<Obj> {
  const r = await api.request('POST', cms(ns), { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...(labels ? { labels } : {}) }, data } });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

async function patchCm(ns: string, name: string, patch: unknown): Promise<Obj> {
  const r = await api.request('PATCH', `${cms(ns)}/${name}`, { body: patch, contentType: 'application/merge-patch+json' });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

async function list(path: string): Promise<Obj> {
  const r = await api.request('GET', path);
  assert.equal(r.status, 200, r.text);
  return r.json;
}

async function take(w: WatchStream, n: number): Promise<WatchEvent[]> {
  const out: WatchEvent[] = [];
  while (out.length < n) {
    const e = await w.next();
    assert.ok(e !== undefined, `the watch ended after ${out.length} of ${n} events`);
    out.push(e);
  }
  return out;
}

async function assertQuiet(w: WatchStream, ms = 300): Promise<void> {
  const e = await w.next(ms).catch(() => undefined);
  assert.equal(e, undefined, `unexpected event ${JSON.stringify(e)}`);
}

const brief = (e: WatchEvent): string => `${e.type} ${String(e.object?.metadata?.name)}`;

describe('list then watch', () => {
  test('a watch from the list resourceVersion sees every later change once, in order, with writes racing it', async () => {
    await namespace('race');
    type Write = { op: 'ADDED' | 'MODIFIED' | 'DELETED'; name: string; v: string };
    const writes: Write[] = [];
    for (let i = 0; i < 4; i++) {
      await createCm('race', `cm-${i}`, { v: '0' });
      writes.push({ op: 'ADDED', name: `cm-${i}`, v: '0' });
    }
    let started!: () => void;
    const someWritten = new Promise<void>((resolve) => (started = resolve));
    const writer = (async () => {
      for (let i = 1; i <= 60; i++) {
        if (i === 5) started();
        const name = `cm-${i % 4}`;
        if (i % 10 === 0) {
          const r = await api.request('DELETE', `${cms('race')}/${name}`);
          assert.equal(r.status, 200, r.text);
          writes.push({ op: 'DELETED', name, v: '' });
          await createCm('race', name, { v: String(i) });
          writes.push({ op: 'ADDED', name, v: String(i) });
        } else {
          await patchCm('race', name, { data: { v: String(i) } });
          writes.push({ op: 'MODIFIED', name, v: String(i) });
        }
      }
    })();
    await someWritten;
    const listed = await list(cms('race'));
    const w = watch(`${cms('race')}?watch=1&resourceVersion=${listed.metadata.resourceVersion}`);
    await writer;
    // The list is the state after some prefix of the writes; the watch must deliver exactly the rest.
    const state = new Map<string, string>();
    let seen = -1;
    for (let k = 0; k <= writes.length; k++) {
      const inList = new Map<string, string>(listed.items.map((o: Obj) => [o.metadata.name, o.data.v]));
      if (JSON.stringify([...state].sort()) === JSON.stringify([...inList].sort())) seen = k;
      const wr = writes[k];
      if (wr === undefined) break;
      if (wr.op === 'DELETED') state.delete(wr.name);
      else state.set(wr.name, wr.v);
    }
    assert.ok(seen >= 4, 'the list shows a state that some prefix of the writes produced');
    const expected = writes.slice(seen);
    const events = await take(w, expected.length);
    assert.deepEqual(
      events.map((e) => `${e.type} ${e.object.metadata.name} ${e.type === 'DELETED' ? '' : e.object.data.v}`),
      expected.map((x) => `${x.op} ${x.name} ${x.v}`),
    );
    const rvs = events.map((e) => Number(e.object.metadata.resourceVersion));
    assert.ok(rvs.every((rv, i) => rv > Number(listed.metadata.resourceVersion) && (i === 0 || rv > (rvs[i - 1] as number))), `increasing: ${rvs.join(',')}`);
    await assertQuiet(w);
  });

  for (const rv of ['0', undefined]) {
    test(`a watch with resourceVersion ${rv === undefined ? 'unset' : '0'} starts with the current objects as ADDED`, async () => {
      const ns = rv === undefined ? 'initial-unset' : 'initial-zero';
      await namespace(ns);
      await createCm(ns, 'a');
      await createCm(ns, 'b');
      const w = watch(`${cms(ns)}?watch=true${rv === undefined ? '' : `&resourceVersion=${rv}`}`);
      const initial = await take(w, 2);
      assert.deepEqual(initial.map(brief).sort(), ['ADDED a', 'ADDED b']);
      await createCm(ns, 'c');
      assert.deepEqual((await take(w, 1)).map(brief), ['ADDED c']);
      await assertQuiet(w);
    });
  }

  test('sendInitialEvents=true ends the initial ADDED events with an initial-events-end bookmark', async () => {
    await namespace('streamed');
    await createCm('streamed', 'a');
    const w = watch(`${cms('streamed')}?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan`);
    const [added, bookmark] = await take(w, 2);
    assert.equal(brief(added as WatchEvent), 'ADDED a');
    assert.equal(bookmark?.type, 'BOOKMARK');
    assert.equal(bookmark?.object.metadata.annotations['k8s.io/initial-events-end'], 'true');
    assert.ok(Number(bookmark?.object.metadata.resourceVersion) >= Number(added?.object.metadata.resourceVersion));
  });

  test('a watch without resourceVersion started while writes race it ends in the state a later list shows', async () => {
    await namespace('race-initial');
    for (let i = 0; i < 5; i++) await createCm('race-initial', `r-${i}`);
    const writer = (async () => {
      for (let i = 0; i < 40; i++) {
        const name = `r-${i % 5}`;
        if (i % 9 === 8) {
          await api.request('DELETE', `${cms('race-initial')}/${name}`);
          await createCm('race-initial', name);
        } else await patchCm('race-initial', name, { data: { v: String(i) } });
      }
    })();
    const w = watch(`${cms('race-initial')}?watch=1`);
    await writer;
    const final = await list(cms('race-initial'));
    const want = new Map<string, string>(final.items.map((o: Obj) => [o.metadata.name, o.metadata.resourceVersion]));
    const state = new Map<string, string>();
    const last = new Map<string, number>();
    while (JSON.stringify([...state].sort()) !== JSON.stringify([...want].sort())) {
      const e = await w.next();
      assert.ok(e !== undefined && e.type !== 'ERROR', `the watch ended: ${JSON.stringify(e)}`);
      const { name, resourceVersion } = e.object.metadata;
      assert.ok(Number(resourceVersion) > (last.get(name) ?? 0), `${brief(e)} ${resourceVersion} after ${String(last.get(name))}: a repeat`);
      last.set(name, Number(resourceVersion));
      assert.equal(e.type === 'ADDED', !state.has(name), `${brief(e)} with ${[...state.keys()].join(',')}`);
      if (e.type === 'DELETED') state.delete(name);
      else state.set(name, resourceVersion);
    }
    await assertQuiet(w);
  });

  test('a watch on one object by name sees only that object', async () => {
    await namespace('single');
    await createCm('single', 'target');
    const other = await createCm('single', 'other');
    const w = watch(`${cms('single')}/target?watch=1&resourceVersion=${other.metadata.resourceVersion}`);
    await patchCm('single', 'other', { data: { x: '1' } });
    await patchCm('single', 'target', { data: { x: '2' } });
    await api.request('DELETE', `${cms('single')}/other`);
    await api.request('DELETE', `${cms('single')}/target`);
    assert.deepEqual((await take(w, 2)).map(brief), ['MODIFIED target', 'DELETED target']);
    await assertQuiet(w);
  });

  test('a label-selector watch turns a relabel out of the selector into DELETED and into it into ADDED', async () => {
    await namespace('labels');
    await createCm('labels', 'in', {}, { app: 'x' });
    const out = await createCm('labels', 'out', {}, { app: 'y' });
    const w = watch(`${cms('labels')}?watch=1&labelSelector=app%3Dx&resourceVersion=${out.metadata.resourceVersion}`);
    await patchCm('labels', 'in', { metadata: { labels: { app: 'y' } } });
    await patchCm('labels', 'out', { metadata: { labels: { app: 'x' } } });
    await patchCm('labels', 'out', { data: { k: 'v' } });
    await patchCm('labels', 'in', { data: { k: 'v' } });
    const events = await take(w, 3);
    assert.deepEqual(events.map(brief), ['DELETED in', 'ADDED out', 'MODIFIED out']);
    assert.equal(events[1]?.object.metadata.labels.app, 'x');
    await assertQuiet(w);
  });

  test('timeoutSeconds=1 ends the stream', async () => {
    const started = Date.now();
    const w = watch(`${cms('default')}?watch=1&timeoutSeconds=1`);
    assert.equal(await w.status, 200);
    await w.ended;
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 900 && elapsed < 5000, `ended after ${elapsed} ms`);
  });

  test('allowWatchBookmarks=true sends BOOKMARK events carrying a resourceVersion to resume from', async () => {
    await namespace('bookmarks');
    const base = await createCm('bookmarks', 'first');
    const plain = watch(`${cms('bookmarks')}?watch=1&resourceVersion=${base.metadata.resourceVersion}`);
    const w = watch(`${cms('bookmarks')}?watch=1&allowWatchBookmarks=true&resourceVersion=${base.metadata.resourceVersion}`);
    const created = await createCm('bookmarks', 'second');
    // Bookmarks may come at any time; the first one after the ADDED event must cover it.
    let e = await w.next();
    while (e?.type === 'BOOKMARK') e = await w.next();
    assert.equal(e === undefined ? 'ended' : brief(e), 'ADDED second');
    const bookmark = await w.next(3000);
    assert.equal(bookmark?.type, 'BOOKMARK');
    assert.equal(bookmark.object.kind, 'ConfigMap');
    assert.equal(bookmark.object.apiVersion, 'v1');
    assert.ok(Number(bookmark.object.metadata.resourceVersion) >= Number(created.metadata.resourceVersion));
    // A watch from the bookmark's resourceVersion misses nothing after it.
    const resumed = watch(`${cms('bookmarks')}?watch=1&resourceVersion=${bookmark.object.metadata.resourceVersion}`);
    await createCm('bookmarks', 'third');
    assert.deepEqual((await take(resumed, 1)).map(brief), ['ADDED third']);
    // Without allowWatchBookmarks there are none.
    assert.deepEqual((await take(plain, 2)).map(brief), ['ADDED second', 'ADDED third']);
    await assertQuiet(plain, 600);
  });
});

describe('compaction: 410 Gone', () => {
  test('a watch from a compacted resourceVersion gets 200 and an ERROR event with a 410 Status', async () => {
    await namespace('gone');
    const old = await createCm('gone', 'a');
    const newer = await patchCm('gone', 'a', { data: { v: '1' } });
    await cp.plane.api.state.objects.kv.compact(Number(newer.metadata.resourceVersion));
    const w = watch(`${cms('gone')}?watch=1&resourceVersion=${old.metadata.resourceVersion}`);
    assert.equal(await w.status, 200);
    const [event] = await take(w, 1);
    assert.equal(event?.type, 'ERROR');
    assert.equal(event.object.kind, 'Status');
    assert.equal(event.object.status, 'Failure');
    assert.equal(event.object.code, 410);
    assert.equal(event.object.reason, 'Expired');
    await w.ended;
    // The compacted revision itself is still a valid place to start.
    const ok = watch(`${cms('gone')}?watch=1&resourceVersion=${newer.metadata.resourceVersion}`);
    await patchCm('gone', 'a', { data: { v: '2' } });
    assert.deepEqual((await take(ok, 1)).map(brief), ['MODIFIED a']);
  });

  test('a list at a compacted resourceVersion with resourceVersionMatch=Exact is 410', async () => {
    await namespace('gone-list');
    const old = await createCm('gone-list', 'a');
    const newer = await patchCm('gone-list', 'a', { data: { v: '1' } });
    const exact = await api.request('GET', `${cms('gone-list')}?resourceVersion=${old.metadata.resourceVersion}&resourceVersionMatch=Exact`);
    assert.equal(exact.status, 200, exact.text);
    assert.deepEqual((exact.json as Obj).items.map((o: Obj) => o.data ?? {}), [{}], 'an Exact list shows the state at that revision');
    await cp.plane.api.state.objects.kv.compact(Number(newer.metadata.resourceVersion));
    const r = await api.request('GET', `${cms('gone-list')}?resourceVersion=${old.metadata.resourceVersion}&resourceVersionMatch=Exact`);
    assert.equal(r.status, 410, r.text);
    assert.equal(r.json['kind'], 'Status');
    assert.equal(r.json['reason'], 'Expired');
    assert.equal(r.json['code'], 410);
  });
});
