// A list kept current by a watch, as an informer keeps its cache: list once, then watch from the
// list's resourceVersion; reconnect from the last version seen when the stream ends, and list
// again only when the server says that version is gone (410). No polling.
import type { ApiClient, KubeObject } from './client.ts';
import { isAbort } from './client.ts';
import { messageOf } from './errors.ts';
import { withQuery } from './paths.ts';

export interface LiveListState<T extends KubeObject> {
  items: T[];
  loaded: boolean;
  error: string | undefined;
}

interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: KubeObject;
}

class Gone extends Error {}

export interface LiveListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  /** How long to wait before reconnecting after an error (tests shorten it). */
  retryMs?: number;
}

const keyOf = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;

/** Starts listing and watching `path`; `onChange` gets every new state. Returns the stop function. */
export function startLiveList<T extends KubeObject>(client: ApiClient, path: string, onChange: (state: LiveListState<T>) => void, options: LiveListOptions = {}): () => void {
  const controller = new AbortController();
  const { signal } = controller;
  const items = new Map<string, T>();
  let loaded = false;
  let error: string | undefined;
  const emit = (): void => {
    if (!signal.aborted) onChange({ items: [...items.values()], loaded, error });
  };
  const selectors = { labelSelector: options.labelSelector, fieldSelector: options.fieldSelector };

  async function list(): Promise<string> {
    const result = await client.list<T>(withQuery(path, selectors), signal);
    items.clear();
    for (const item of result.items) items.set(keyOf(item), item);
    loaded = true;
    error = undefined;
    emit();
    return result.metadata.resourceVersion ?? '';
  }

  async function watch(from: string): Promise<string> {
    let version = from;
    const url = withQuery(path, { ...selectors, watch: 'true', resourceVersion: from, allowWatchBookmarks: 'true' });
    await client.streamLines(
      url,
      (value) => {
        const event = value as WatchEvent;
        if (event.type === 'ERROR') {
          const code = (event.object as { code?: number }).code;
          if (code === 410) throw new Gone();
          throw new Error(String((event.object as { message?: string }).message ?? 'watch error'));
        }
        version = event.object.metadata.resourceVersion ?? version;
        if (event.type === 'BOOKMARK') return;
        if (event.type === 'DELETED') items.delete(keyOf(event.object));
        else items.set(keyOf(event.object), event.object as T);
        error = undefined;
        emit();
      },
      signal,
    );
    return version;
  }

  async function run(): Promise<void> {
    let version: string | undefined;
    while (!signal.aborted) {
      try {
        if (version === undefined) version = await list();
        version = await watch(version);
      } catch (err) {
        if (signal.aborted || isAbort(err)) return;
        if (err instanceof Gone || (err as { status?: number }).status === 410) {
          version = undefined;
          continue;
        }
        error = messageOf(err);
        emit();
        // A pause before reconnecting, so a server that is down is not hammered.
        await new Promise((resolve) => setTimeout(resolve, options.retryMs ?? 2000));
        version = undefined;
      }
    }
  }
  void run();
  return () => controller.abort();
}
