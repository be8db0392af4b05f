// core/v1 Events as client-go's legacy recorder writes them (what `kubectl describe` shows): one
// Event per distinct occurrence, and a repeat of the same one (same object, type, reason, message
// and source) patches its count and lastTimestamp instead of creating another, as the
// EventCorrelator's EventLogger does. Not ported: the aggregation of similar messages and the
// per-object spam filter.
// https://github.com/kubernetes/client-go/blob/master/tools/record/event.go
// https://github.com/kubernetes/client-go/blob/master/tools/record/events_cache.go
import type { KubeObject } from '../api/object.ts';
import { isNotFound } from './errors.ts';
import type { ResourceClient } from './resource-client.ts';
import type { KubeClient } from './rest-client.ts';
import { formatTime } from '../api/time.ts';

export type EventType = 'Normal' | 'Warning';

export interface ObjectReference {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

export interface EventRecorderOptions {
  /** The node name, for events a node agent reports. */
  host?: string;
  /** Writes that failed; `event()` itself never rejects. */
  onError?: (error: unknown) => void;
  now?: () => Date;
}

interface Seen {
  namespace: string;
  name: string;
  count: number;
}

const EVENTS_REF = { group: '', version: 'v1', resource: 'events', namespaced: true, kind: 'Event' };
// client-go's maxLruCacheEntries.
const MAX_CACHED = 4096;


export function referenceTo(object: KubeObject, fieldPath?: string): ObjectReference {
  const { namespace, name, uid, resourceVersion } = object.metadata;
  return { apiVersion: object.apiVersion, kind: object.kind, namespace, name, uid, resourceVersion, ...(fieldPath === undefined ? {} : { fieldPath }) };
}

export class EventRecorder {
  readonly #events: ResourceClient;
  readonly #component: string;
  readonly #options: EventRecorderOptions;
  /** Distinct occurrence -> the Event that records it (insertion order is the LRU order). */
  readonly #seen = new Map<string, Seen>();
  /** Writes for one key run one after another, so a burst of repeats creates once and patches. */
  readonly #chains = new Map<string, Promise<void>>();
  #sequence = 0n;

  constructor(client: KubeClient, component: string, options: EventRecorderOptions = {}) {
    this.#events = client.resource(EVENTS_REF);
    this.#component = component;
    this.#options = options;
  }

  /** Records an event about `object` (or a reference to one, e.g. with fieldPath `spec.containers{web}`). Resolves when written or given up. */
  event(object: KubeObject | ObjectReference, type: EventType, reason: string, message: string): Promise<void> {
    const ref = 'metadata' in object && typeof object.metadata === 'object' ? referenceTo(object as KubeObject) : (object as ObjectReference);
    const source = { component: this.#component, ...(this.#options.host === undefined ? {} : { host: this.#options.host }) };
    const key = JSON.stringify([source.component, source.host ?? '', ref.kind, ref.namespace, ref.name, ref.uid, ref.apiVersion, ref.fieldPath ?? '', type, reason, message]);
    const previous = this.#chains.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.#write(key, ref, source, type, reason, message)).catch((error: unknown) => this.#options.onError?.(error));
    this.#chains.set(key, next);
    void next.then(() => {
      if (this.#chains.get(key) === next) this.#chains.delete(key);
    });
    return next;
  }

  async #write(key: string, ref: ObjectReference, source: { component: string; host?: string }, type: EventType, reason: string, message: string): Promise<void> {
    const now = formatTime(this.#options.now?.() ?? new Date());
    const seen = this.#seen.get(key);
    if (seen !== undefined) {
      seen.count++;
      this.#seen.delete(key);
      this.#seen.set(key, seen);
      try {
        await this.#events.inNamespace(seen.namespace).patch(seen.name, { count: seen.count, lastTimestamp: now, message }, 'strategic');
        return;
      } catch (error) {
        // The Event expired (the API server's event TTL) or was deleted: record it anew.
        if (!isNotFound(error)) throw error;
      }
    }
    // Events about cluster-scoped objects go to `default`, as client-go's recorder puts them.
    const namespace = ref.namespace === undefined || ref.namespace === '' ? 'default' : ref.namespace;
    // client-go names an Event `<object>.<unix nanoseconds in hex>`; a counter keeps names unique within a millisecond.
    const nanos = BigInt(Date.now()) * 1_000_000n + (this.#sequence++ % 1_000_000n);
    const name = `${ref.name ?? 'unknown'}.${nanos.toString(16)}`;
    const count = seen?.count ?? 1;
    await this.#events.inNamespace(namespace).create({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: ref,
      reason,
      message,
      type,
      source,
      count,
      firstTimestamp: now,
      lastTimestamp: now,
      reportingComponent: source.component,
      reportingInstance: source.host ?? '',
    } as KubeObject);
    this.#seen.set(key, { namespace, name, count });
    if (this.#seen.size > MAX_CACHED) this.#seen.delete(this.#seen.keys().next().value as string);
  }
}
