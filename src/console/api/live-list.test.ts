import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiClient, KubeObject } from './client.ts';
import { ConsoleApiError } from './errors.ts';
import { startLiveList } from './live-list.ts';
import type { LiveListState } from './live-list.ts';

const obj = (name: string, rv: string): KubeObject => ({ metadata: { name, namespace: 'default', resourceVersion: rv } });

/** A client whose list and watch answers are scripted, recording the URLs asked for. */
function scripted(lists: KubeObject[][], watches: ((emit: (v: unknown) => void) => Promise<void>)[]) {
  const urls: string[] = [];
  let l = 0;
  let w = 0;
  const client = {
    list(path: string) {
      urls.push(path);
      const items = lists[l++] ?? [];
      return Promise.resolve({ items, metadata: { resourceVersion: String(10 * l) } });
    },
    async streamLines(path: string, onValue: (v: unknown) => void, signal: AbortSignal) {
      urls.push(path);
      const step = watches[w++];
      if (step === undefined) return new Promise<void>((_, reject) => signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
      return step(onValue);
    },
  };
  return { client: client as unknown as ApiClient, urls };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 1));
}

test('list, then watch from the list version; events update the items; a closed watch resumes from the last version', async () => {
  const { client, urls } = scripted(
    [[obj('a', '5')]],
    [
      async (emit) => {
        emit({ type: 'ADDED', object: obj('b', '11') });
        emit({ type: 'MODIFIED', object: { ...obj('a', '12'), spec: 1 } });
        emit({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '15' } } });
      },
      async (emit) => emit({ type: 'DELETED', object: obj('b', '16') }),
    ],
  );
  const states: LiveListState<KubeObject>[] = [];
  const stop = startLiveList(client, '/api/v1/namespaces/default/secrets', (s) => states.push(s), { labelSelector: 'app=x' });
  await settle();
  stop();
  assert.deepEqual(urls, [
    '/api/v1/namespaces/default/secrets?labelSelector=app%3Dx',
    '/api/v1/namespaces/default/secrets?labelSelector=app%3Dx&watch=true&resourceVersion=10&allowWatchBookmarks=true',
    '/api/v1/namespaces/default/secrets?labelSelector=app%3Dx&watch=true&resourceVersion=15&allowWatchBookmarks=true',
    '/api/v1/namespaces/default/secrets?labelSelector=app%3Dx&watch=true&resourceVersion=16&allowWatchBookmarks=true',
  ]);
  const last = states[states.length - 1];
  assert.deepEqual(last?.items.map((o) => o.metadata.name), ['a']);
  assert.equal(last?.items[0]?.['spec'], 1);
  assert.equal(last?.loaded, true);
});

test('410 Gone lists again; other errors are reported and retried', async () => {
  const { client, urls } = scripted(
    [[obj('a', '1')], [obj('c', '30')], [obj('d', '40')]],
    [
      async (emit) => emit({ type: 'ERROR', object: { kind: 'Status', code: 410, message: 'too old resource version' } }),
      () => Promise.reject(new ConsoleApiError(0, 'NetworkError', 'Cannot reach the Ferry API server')),
    ],
  );
  const states: LiveListState<KubeObject>[] = [];
  const stop = startLiveList(client, '/api/v1/pods', (s) => states.push(s), { retryMs: 1 });
  await settle();
  stop();
  assert.equal(urls.filter((u) => !u.includes('watch=')).length, 3, urls.join('\n'));
  assert.ok(states.some((s) => s.error === 'Cannot reach the Ferry API server'));
  assert.deepEqual(states[states.length - 1]?.items.map((o) => o.metadata.name), ['d']);
  assert.equal(states[states.length - 1]?.error, undefined);
});
