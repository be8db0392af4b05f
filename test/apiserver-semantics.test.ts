// Kubernetes API semantics over real HTTPS that are not about one verb: authentication, Tables,
// field selectors, encryption at rest and durability across kill -9.
// https://kubernetes.io/docs/reference/using-api/api-concepts/
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { apiClient } from './fixtures/api-client.ts';
import { makeTempDir, removeTempDir, spawnGuarded } from './fixtures/cleanup.ts';
import type { GuardedProcess } from './fixtures/cleanup.ts';
import { CMS, ok, useApiServer } from './fixtures/api-suite.ts';
import type { Obj } from './fixtures/api-suite.ts';
import type { ApiClient, ApiResponse } from './fixtures/api-client.ts';


const ROOT = join(import.meta.dirname, '..');
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

const suite = useApiServer();


describe('authentication', () => {
  for (const [what, token] of [['no token', null], ['a wrong token', 'not-the-token']] as const) {
    test(`${what} is 401 with an Unauthorized Status`, async () => {
      const r = await suite.api.request<Obj>('GET', '/api/v1/namespaces', { token });
      assert.equal(r.status, 401);
      assert.deepEqual(r.json, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
      assert.equal((await suite.api.request('POST', CMS, { token, body: { metadata: { name: 'sneaky' } } })).status, 401);
    });
  }

  test('/version and /healthz answer without a token', async () => {
    const version = await ok(suite.api.request('GET', '/version', { token: null }));
    assert.equal(version.major, '1');
    assert.match(version.gitVersion, /^v1\.\d+\.\d+/);
    const health = await suite.api.request('GET', '/healthz', { token: null });
    assert.equal(health.status, 200);
    assert.equal(health.text, 'ok');
    assert.equal((await suite.api.request('GET', CMS)).status, 200, 'the admin token works');
  });

  test('plain HTTP is not served: it gets the 400 kube-apiserver sends', async () => {
    const outcome = await new Promise<{ status?: number; body?: string; error?: string }>((resolve) => {
      const req = httpRequest({ host: '127.0.0.1', port: suite.cp.plane.port, path: '/version', headers: { Authorization: `Bearer ${suite.cp.plane.files.token}` } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', (e) => resolve({ error: e.message }));
      });
      req.setTimeout(5000, () => req.destroy(new Error('timeout')));
      req.on('error', (e) => resolve({ error: e.message }));
      req.end();
    });
    assert.equal(outcome.error, undefined);
    assert.equal(outcome.status, 400);
    assert.equal(outcome.body, 'Client sent an HTTP request to an HTTPS server.\n');
  });
});

describe('tables', () => {
  test('a list as a Table has column definitions and rows with PartialObjectMetadata; includeObject=Object the objects', async () => {
    await ok(suite.api.request('POST', CMS, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'tabled', labels: { t: '1' } }, data: { a: 'b' } } }), 201);
    const table = await ok(suite.api.request('GET', `${CMS}?labelSelector=t%3D1`, { accept: TABLE }));
    assert.equal(table.kind, 'Table');
    assert.equal(table.apiVersion, 'meta.k8s.io/v1');
    assert.match(table.metadata.resourceVersion, /^\d+$/);
    assert.ok(Array.isArray(table.columnDefinitions) && table.columnDefinitions.length >= 2);
    assert.equal(table.columnDefinitions[0].name, 'Name');
    assert.equal(table.columnDefinitions[0].type, 'string');
    assert.equal(table.rows.length, 1);
    const [row] = table.rows;
    assert.equal(row.cells.length, table.columnDefinitions.length);
    assert.equal(row.cells[0], 'tabled');
    assert.equal(row.object.kind, 'PartialObjectMetadata');
    assert.equal(row.object.apiVersion, 'meta.k8s.io/v1');
    assert.equal(row.object.metadata.name, 'tabled');
    assert.deepEqual(row.object.metadata.labels, { t: '1' });
    assert.equal(row.object.data, undefined);
    const full = await ok(suite.api.request('GET', `${CMS}?labelSelector=t%3D1&includeObject=Object`, { accept: TABLE }));
    assert.equal(full.rows[0].object.kind, 'ConfigMap');
    assert.deepEqual(full.rows[0].object.data, { a: 'b' });
  });
});

describe('field selectors', () => {
  test('events select by involvedObject.name; an unknown field label is 400', async () => {
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    for (const [name, pod] of [['ev-1', 'web-1'], ['ev-2', 'web-2']]) {
      const body = {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace: 'default' },
        involvedObject: { apiVersion: 'v1', kind: 'Pod', name: pod, namespace: 'default' },
        reason: 'Started',
        message: `Started ${pod}`,
        type: 'Normal',
        source: { component: 'kubelet' },
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
      };
      await ok(suite.api.request('POST', '/api/v1/namespaces/default/events', { body }), 201);
    }
    const names = async (selector: string): Promise<string[]> =>
      (await ok(suite.api.request('GET', `/api/v1/namespaces/default/events?fieldSelector=${encodeURIComponent(selector)}`))).items.map((o: Obj) => o.metadata.name);
    assert.deepEqual(await names('involvedObject.name=web-1'), ['ev-1']);
    assert.deepEqual(await names('involvedObject.name!=web-1,involvedObject.kind=Pod'), ['ev-2']);
    const bad = await suite.api.request<Obj>('GET', '/api/v1/namespaces/default/events?fieldSelector=spec.nope%3Dx');
    assert.equal(bad.status, 400, bad.text);
    assert.equal(bad.json.reason, 'BadRequest');
    assert.equal(bad.json.message, 'field label not supported: spec.nope');
  });
});

describe('list paging', () => {
  const nsCms = (ns: string): string => `/api/v1/namespaces/${ns}/configmaps`;
  async function fill(ns: string, names: string[]): Promise<Obj> {
    await ok(suite.api.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } }), 201);
    let last: Obj;
    for (const name of names) last = await ok(suite.api.request('POST', nsCms(ns), { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } } }), 201);
    return last;
  }

  test('limit and continue return every object exactly once, from one snapshot', async () => {
    const names = Array.from({ length: 23 }, (_, i) => `item-${String(i).padStart(2, '0')}`);
    await fill('paging', names);
    const seen: string[] = [];
    let token: string | undefined;
    let snapshot: string | undefined;
    let pages = 0;
    do {
      const page = await ok(suite.api.request('GET', `${nsCms('paging')}?limit=5${token === undefined ? '' : `&continue=${encodeURIComponent(token)}`}`));
      assert.ok(page.items.length <= 5);
      seen.push(...page.items.map((o: Obj) => o.metadata.name));
      snapshot ??= page.metadata.resourceVersion;
      assert.equal(page.metadata.resourceVersion, snapshot, 'every page is read at the first page\'s revision');
      token = page.metadata.continue || undefined;
      // Written mid-way: not part of the snapshot being paged.
      if (pages++ === 1) await ok(suite.api.request('POST', nsCms('paging'), { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'item-99-late' } } }), 201);
      if (token !== undefined) {
        // kube-apiserver refuses a resourceVersion next to a continue token.
        const both = await suite.api.request<Obj>('GET', `${nsCms('paging')}?limit=5&resourceVersion=${snapshot}&continue=${encodeURIComponent(token)}`);
        assert.equal(both.status, 400, both.text);
        assert.equal(both.json.message, 'specifying resource version is not allowed when using continue');
      }
    } while (token !== undefined);
    assert.equal(pages, 5);
    assert.deepEqual(seen, names);
  });

  test('a continue token from a compacted revision is 410 Expired', async () => {
    await fill('paging-gone', ['c-0', 'c-1', 'c-2', 'c-3']);
    const first = await ok(suite.api.request('GET', `${nsCms('paging-gone')}?limit=2`));
    assert.ok(typeof first.metadata.continue === 'string' && first.metadata.continue !== '');
    const later = await ok(suite.api.request('POST', nsCms('paging-gone'), { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c-9' } } }), 201);
    await suite.cp.plane.api.state.objects.kv.compact(Number(later.metadata.resourceVersion));
    const r = await suite.api.request<Obj>('GET', `${nsCms('paging-gone')}?limit=2&continue=${encodeURIComponent(first.metadata.continue)}`);
    assert.equal(r.status, 410, r.text);
    assert.equal(r.json.reason, 'Expired');
    assert.match(r.json.message, /continue parameter is too old/);
  });
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('encryption at rest', () => {
  test('a secret\'s value is in no file of the data directory; a config map\'s is', async () => {
    const secret = 'ferry-distinctive-s3cret-7Qz9';
    const plain = 'ferry-distinctive-plain-4Kx2';
    const b64 = Buffer.from(secret).toString('base64');
    await ok(suite.api.request('POST', '/api/v1/namespaces/default/secrets', { body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'at-rest' }, data: { password: b64 } } }), 201);
    await ok(suite.api.request('POST', CMS, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'at-rest' }, data: { value: plain } } }), 201);
    assert.equal((await ok(suite.api.request('GET', '/api/v1/namespaces/default/secrets/at-rest'))).data.password, b64);
    const files = filesUnder(suite.cp.dataDir);
    assert.ok(files.some((f) => f.endsWith('state.db')));
    const contents = files.map((f) => readFileSync(f));
    assert.ok(contents.some((c) => c.includes(plain)), 'the check sees plain values where they are stored');
    for (const [i, c] of contents.entries()) {
      assert.ok(!c.includes(secret) && !c.includes(b64), `the secret is readable in ${files[i]}`);
    }
  });
});

describe('durability', () => {
  test('every acknowledged create survives kill -9 of the server', async () => {
    const dataDir = makeTempDir('ferry-durable-');
    const start = async (): Promise<{ proc: GuardedProcess; client: ApiClient }> => {
      const log = join(dataDir, `server-${Date.now()}.log`);
      const proc = spawnGuarded(join(ROOT, 'node_modules/.bin/node'), [join(ROOT, 'bin/ferry.js'), 'server', '--data-dir', join(dataDir, 'd'), '--listen', '127.0.0.1:0'], { logFile: log, cwd: ROOT });
      let port: number | undefined;
      for (let i = 0; i < 300 && port === undefined; i++) {
        const m = /listening on https:\/\/127\.0\.0\.1:(\d+)/.exec(readFileSync(log, 'utf8'));
        if (m !== null) port = Number(m[1]);
        else if (!proc.isRunning()) assert.fail(`the server exited: ${readFileSync(log, 'utf8')}`);
        else await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.ok(port !== undefined, 'the server printed its address');
      const kubeconfig = readFileSync(join(dataDir, 'd', 'admin.kubeconfig'), 'utf8');
      const token = /token: (\S+)/.exec(kubeconfig)?.[1] ?? '';
      const ca = Buffer.from(/certificate-authority-data: (\S+)/.exec(kubeconfig)?.[1] ?? '', 'base64').toString();
      return { proc, client: apiClient({ port, token, ca }) };
    };
    let first: { proc: GuardedProcess; client: ApiClient } | undefined;
    let second: { proc: GuardedProcess; client: ApiClient } | undefined;
    try {
      first = await start();
      const c1 = first.client;
      const acked = new Map<string, string>();
      const create = async (name: string, kind: 'configmaps' | 'secrets'): Promise<void> => {
        const data = { v: Buffer.from(name).toString('base64') };
        const r = await c1.request<Obj>('POST', `/api/v1/namespaces/default/${kind}`, { body: { apiVersion: 'v1', kind: kind === 'secrets' ? 'Secret' : 'ConfigMap', metadata: { name }, data } });
        if (r.status === 201) acked.set(`${kind}/${name}`, r.json.metadata.uid);
      };
      for (let i = 0; i < 10; i++) await create(`seq-${i}`, i % 2 === 0 ? 'configmaps' : 'secrets');
      // A burst in flight when the server dies: only the acknowledged ones must be there after.
      const burst = Array.from({ length: 80 }, (_, i) => create(`burst-${i}`, 'configmaps').catch(() => {}));
      const deadline = Date.now() + 20_000;
      while (acked.size < 40 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 1));
      process.kill(first.proc.pid, 'SIGKILL');
      assert.equal(await first.proc.exited, 'SIGKILL');
      await Promise.all(burst);
      c1.close();
      assert.ok(acked.size >= 40);

      const restarted = await start();
      second = restarted;
      for (const [key, uid] of acked) {
        const r: ApiResponse<Obj> = await restarted.client.request<Obj>('GET', `/api/v1/namespaces/default/${key}`);
        assert.equal(r.status, 200, `${key} was acknowledged but is gone: ${r.text}`);
        assert.equal(r.json.metadata.uid, uid);
        assert.equal(r.json.data.v, Buffer.from(key.split('/')[1] ?? '').toString('base64'));
      }
    } finally {
      second?.client.close();
      await first?.proc.stop();
      await second?.proc.stop();
      removeTempDir(dataDir);
    }
  });
});
