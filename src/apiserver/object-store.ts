// Kubernetes objects on the revisioned key-value store. Keys follow kube-apiserver's layout
// (`/registry/<group>/<resource>/<namespace>/<name>`), and an object's resourceVersion is the
// revision of its last write, filled in on read rather than stored (as etcd3's store does).
import type { KindDefinition } from '../api/kind.ts';
import type { KubeObject } from '../api/object.ts';
import { StorageError, StorageErrorCode } from '../storage/types.ts';
import type { KeyValue, KeyValueStore, Watch, WatchEvent } from '../storage/types.ts';
import { RevisionMemo } from './revision-memo.ts';
import { ApiError, errors } from './status.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface ObjectEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
  /** The object before this change (MODIFIED and DELETED). */
  previous?: KubeObject;
  revision: number;
}

export interface ListPage {
  items: KubeObject[];
  revision: number;
  /** The last key returned when more remain: where the next page starts. */
  continueAfter?: string;
}

// What was written, as a read would return it, without parsing the stored bytes back.
function withRevision(object: KubeObject, kv: KeyValue): KubeObject {
  return { ...object, metadata: { ...object.metadata, resourceVersion: String(kv.modRevision) } };
}

function ref(kind: KindDefinition): { group: string; resource: string } {
  return { group: kind.group, resource: kind.resource };
}

export class ObjectStore {
  readonly kv: KeyValueStore;
  constructor(kv: KeyValueStore) {
    this.kv = kv;
  }

  prefix(kind: KindDefinition, namespace?: string): string {
    const base = `/registry/${kind.group === '' ? 'core' : kind.group}/${kind.resource}/`;
    return kind.namespaced && namespace !== undefined ? `${base}${namespace}/` : base;
  }

  key(kind: KindDefinition, namespace: string | undefined, name: string): string {
    return kind.namespaced ? `${this.prefix(kind, namespace ?? '')}${name}` : `${this.prefix(kind)}${name}`;
  }

  keyOf(kind: KindDefinition, object: KubeObject): string {
    return this.key(kind, object.metadata.namespace, object.metadata.name ?? '');
  }

  static decode(kv: KeyValue): KubeObject {
    const object = JSON.parse(decoder.decode(kv.value)) as KubeObject;
    object.metadata.resourceVersion = String(kv.modRevision);
    return object;
  }

  // apiVersion, kind and metadata lead, so rawJson can splice the resourceVersion in without parsing.
  static encode(object: KubeObject): Uint8Array {
    const { resourceVersion: _rv, ...metadata } = object.metadata;
    const { apiVersion, kind, metadata: _m, ...rest } = object;
    return encoder.encode(JSON.stringify({ apiVersion, kind, metadata, ...rest }));
  }

  /**
   * The stored JSON text with its resourceVersion, for answering a read without parsing and
   * re-serializing the object. Undefined when the text is not laid out as `encode` writes it.
   */
  static rawJson(kind: KindDefinition, kv: KeyValue): string | undefined {
    const text = decoder.decode(kv.value);
    const apiVersion = kind.group === '' ? kind.version : `${kind.group}/${kind.version}`;
    const prefix = `{"apiVersion":${JSON.stringify(apiVersion)},"kind":${JSON.stringify(kind.kind)},"metadata":{`;
    if (!text.startsWith(prefix) || text[prefix.length] !== '"') return undefined;
    return `${prefix}"resourceVersion":"${kv.modRevision}",${text.slice(prefix.length)}`;
  }

  async getRaw(kind: KindDefinition, namespace: string | undefined, name: string): Promise<string> {
    const kv = await this.kv.get(this.key(kind, namespace, name));
    if (kv === undefined) throw errors.notFound(ref(kind), name);
    return ObjectStore.rawJson(kind, kv) ?? JSON.stringify(ObjectStore.decode(kv));
  }

  async get(kind: KindDefinition, namespace: string | undefined, name: string): Promise<KubeObject | undefined> {
    const kv = await this.kv.get(this.key(kind, namespace, name));
    return kv === undefined ? undefined : ObjectStore.decode(kv);
  }

  async mustGet(kind: KindDefinition, namespace: string | undefined, name: string): Promise<KubeObject> {
    const object = await this.get(kind, namespace, name);
    if (object === undefined) throw errors.notFound(ref(kind), name);
    return object;
  }

  async list(
    kind: KindDefinition,
    namespace: string | undefined,
    options: { revision?: number; limit?: number; startAfter?: string } = {},
  ): Promise<ListPage> {
    const result = await this.kv.list(this.prefix(kind, namespace), options).catch(mapStorageError(kind, ''));
    const items = result.items.map(ObjectStore.decode);
    const last = result.items.at(-1);
    return result.more && last !== undefined
      ? { items, revision: result.revision, continueAfter: last.key }
      : { items, revision: result.revision };
  }

  async create(kind: KindDefinition, object: KubeObject): Promise<KubeObject> {
    const kv = await this.kv.create(this.keyOf(kind, object), ObjectStore.encode(object)).catch(mapStorageError(kind, object.metadata.name ?? ''));
    return withRevision(object, kv);
  }

  /** Writes `object` if the stored one is still at `expectedRevision`; 409 Conflict otherwise. */
  async update(kind: KindDefinition, object: KubeObject, expectedRevision: number): Promise<KubeObject> {
    const kv = await this.kv
      .update(this.keyOf(kind, object), ObjectStore.encode(object), expectedRevision)
      .catch(mapStorageError(kind, object.metadata.name ?? ''));
    return withRevision(object, kv);
  }

  async delete(kind: KindDefinition, object: KubeObject, expectedRevision?: number): Promise<KubeObject> {
    const kv = await this.kv.delete(this.keyOf(kind, object), expectedRevision).catch(mapStorageError(kind, object.metadata.name ?? ''));
    return ObjectStore.decode(kv);
  }

  watch(kind: KindDefinition, namespace: string | undefined, afterRevision: number, onEvent: (e: ObjectEvent) => void, onClose: (e?: ApiError) => void): Watch {
    try {
      return this.kv.watch(this.prefix(kind, namespace), {
        afterRevision,
        onEvent: (event: WatchEvent) => onEvent(toObjectEvent(event)),
        onClose: (error) => onClose(error === undefined ? undefined : (toApiError(kind, '', error) as ApiError)),
      });
    } catch (error) {
      throw toApiError(kind, '', error);
    }
  }
}

const decodedEvents = new RevisionMemo<ObjectEvent>();

// Watchers must not mutate the event they get: it is shared by every watcher of the revision.
function toObjectEvent(event: WatchEvent): ObjectEvent {
  return decodedEvents.get(`${event.kv.key}@${event.kv.modRevision}`, () => decodeEvent(event));
}

function decodeEvent(event: WatchEvent): ObjectEvent {
  if (event.type === 'delete') {
    const object = ObjectStore.decode(event.kv);
    return { type: 'DELETED', object, previous: ObjectStore.decode(event.prevKv), revision: event.kv.modRevision };
  }
  const object = ObjectStore.decode(event.kv);
  if (event.prevKv === undefined) return { type: 'ADDED', object, revision: event.kv.modRevision };
  return { type: 'MODIFIED', object, previous: ObjectStore.decode(event.prevKv), revision: event.kv.modRevision };
}

function toApiError(kind: KindDefinition, name: string, error: unknown): unknown {
  if (!(error instanceof StorageError)) return error;
  switch (error.code) {
    case StorageErrorCode.KeyExists:
      return errors.alreadyExists(ref(kind), name);
    case StorageErrorCode.NotFound:
      return errors.notFound(ref(kind), name);
    case StorageErrorCode.Conflict:
      return errors.conflict(ref(kind), name, 'the object has been modified; please apply your changes to the latest version and try again');
    case StorageErrorCode.FutureRevision:
      return new ApiError(504, 'Timeout', `Too large resource version: ${String(error.revision ?? '')}`.trim(), { retryAfterSeconds: 1 });
    case StorageErrorCode.Compacted:
      return errors.gone(`too old resource version: requested revision is older than the compacted revision ${error.revision ?? ''}`.trim());
    default:
      return errors.internal(error.message);
  }
}

function mapStorageError(kind: KindDefinition, name: string): (error: unknown) => never {
  return (error: unknown) => {
    throw toApiError(kind, name, error);
  };
}
