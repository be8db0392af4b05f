// The verbs on one collection, in the REST shapes every Kubernetes API server speaks (JSON only).
// https://kubernetes.io/docs/reference/using-api/api-concepts/
import type { KubeObject, ObjectMeta } from '../api/object.ts';
import type { ApiStatus } from './errors.ts';
import { ClientError, ClientErrorCode, isGone } from './errors.ts';
import { apiVersionOf, resourcePath } from './resource-ref.ts';
import type { ResourceRef } from './resource-ref.ts';
import type { QueryValue, Transport } from './transport.ts';
import { openWatch } from './watch.ts';
import type { Watch } from './watch.ts';

/** A label selector as the API takes it (`app=web,tier!=db`) or as matchLabels. */
export type Selector = string | Record<string, string>;

export interface CallOptions {
  signal?: AbortSignal;
}

export interface ListOptions extends CallOptions {
  labelSelector?: Selector;
  fieldSelector?: Selector;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
  /** Follow `continue` tokens and return every page's items in one list (client-go's ListPager). */
  all?: boolean;
}

export interface WatchOptions extends CallOptions {
  resourceVersion?: string;
  labelSelector?: Selector;
  fieldSelector?: Selector;
  allowBookmarks?: boolean;
  timeoutSeconds?: number;
}

export interface WriteOptions extends CallOptions {
  dryRun?: boolean;
  fieldManager?: string;
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
}

export type PatchType = 'merge' | 'strategic' | 'json' | 'apply';

export interface PatchOptions extends WriteOptions {
  /** Server-side apply only: take ownership of conflicting fields. */
  force?: boolean;
  /** `status` to patch the status subresource. */
  subresource?: string;
}

export interface DeleteOptions extends CallOptions {
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export interface ObjectList<T extends KubeObject = KubeObject> {
  apiVersion: string;
  kind: string;
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  items: T[];
}

/** An object to write: apiVersion and kind may be left out, the ref's are filled in. */
export interface ObjectInput {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

/** autoscaling/v1 Scale, the shape of the scale subresource. */
export interface Scale {
  apiVersion: string;
  kind: 'Scale';
  metadata: ObjectMeta;
  spec: { replicas?: number };
  status: { replicas: number; selector?: string };
}

const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
};

function selector(value: Selector | undefined): string | undefined {
  if (value === undefined || typeof value === 'string') return value === '' ? undefined : value;
  const text = Object.entries(value).map(([k, v]) => `${k}=${v}`).join(',');
  return text === '' ? undefined : text;
}

function writeQuery(options: WriteOptions): Record<string, QueryValue> {
  return {
    dryRun: options.dryRun === true ? 'All' : undefined,
    fieldManager: options.fieldManager,
    fieldValidation: options.fieldValidation,
  };
}

export class ResourceClient<T extends KubeObject = KubeObject> {
  readonly ref: ResourceRef;
  /** Undefined on a namespaced resource: all namespaces for list and watch, the object's own for writes. */
  readonly namespace: string | undefined;
  readonly #transport: Transport;

  constructor(transport: Transport, ref: ResourceRef, namespace?: string) {
    this.#transport = transport;
    this.ref = ref;
    this.namespace = ref.namespaced ? namespace : undefined;
  }

  inNamespace(namespace: string): ResourceClient<T> {
    return new ResourceClient<T>(this.#transport, this.ref, namespace);
  }

  #namespaceFor(object?: ObjectInput): string | undefined {
    if (!this.ref.namespaced) return undefined;
    const namespace = this.namespace ?? object?.metadata?.namespace;
    if (namespace === undefined || namespace === '') {
      throw new ClientError(ClientErrorCode.NamespaceRequired, `${this.ref.resource} is namespaced: give the handle or the object a namespace`);
    }
    return namespace;
  }

  #path(name?: string, subresource?: string, object?: ObjectInput): string {
    return resourcePath(this.ref, this.#namespaceFor(object), name, subresource);
  }

  #nameOf(object: ObjectInput): string {
    const name = object.metadata?.name;
    if (name === undefined || name === '') throw new ClientError(ClientErrorCode.NameRequired, `${this.ref.resource}: the object has no metadata.name`);
    return name;
  }

  #withTypeMeta(object: T | ObjectInput): ObjectInput {
    if (object.apiVersion !== undefined && object.kind !== undefined) return object;
    return { ...object, apiVersion: object.apiVersion ?? apiVersionOf(this.ref), kind: object.kind ?? this.ref.kind };
  }

  async get(name: string, options: CallOptions & { resourceVersion?: string } = {}): Promise<T> {
    return await this.#transport.json<T>({ method: 'GET', path: this.#path(name), query: { resourceVersion: options.resourceVersion }, signal: options.signal });
  }

  async #listPage(options: ListOptions): Promise<ObjectList<T>> {
    const path = resourcePath(this.ref, this.namespace);
    const list = await this.#transport.json<ObjectList<T>>({
      method: 'GET',
      path,
      query: {
        labelSelector: selector(options.labelSelector),
        fieldSelector: selector(options.fieldSelector),
        limit: options.limit,
        continue: options.continue,
        resourceVersion: options.resourceVersion,
        resourceVersionMatch: options.resourceVersionMatch,
      },
      signal: options.signal,
    });
    list.items ??= [];
    // JSON lists leave each item's apiVersion and kind out; fill them so every object a caller
    // holds (from a list or a watch) is self-describing.
    const kind = list.kind.endsWith('List') ? list.kind.slice(0, -4) : this.ref.kind;
    for (const item of list.items) {
      item.apiVersion ??= list.apiVersion;
      if (kind !== undefined) item.kind ??= kind;
    }
    return list;
  }

  /** One page, or with `all` every page. An expired continue token then restarts as one unpaged list, as client-go's pager does. */
  async list(options: ListOptions = {}): Promise<ObjectList<T>> {
    const first = await this.#listPage(options);
    if (options.all !== true) return first;
    let page = first;
    while (page.metadata.continue !== undefined && page.metadata.continue !== '') {
      try {
        page = await this.#listPage({ ...options, continue: page.metadata.continue, resourceVersion: undefined, resourceVersionMatch: undefined });
      } catch (error) {
        if (!isGone(error)) throw error;
        return this.#listPage({ ...options, limit: undefined, continue: undefined });
      }
      first.items.push(...page.items);
    }
    delete first.metadata.continue;
    return first;
  }

  async #put(method: 'POST' | 'PUT', object: T | ObjectInput, options: WriteOptions, subresource?: string): Promise<T> {
    const name = method === 'PUT' ? this.#nameOf(object) : undefined;
    const path = this.#path(name, subresource, object);
    return await this.#transport.json<T>({ method, path, query: writeQuery(options), body: this.#withTypeMeta(object), signal: options.signal });
  }

  async create(object: T | ObjectInput, options: WriteOptions = {}): Promise<T> {
    return await this.#put('POST', object, options);
  }

  /** PUT: fails with 409 Conflict when metadata.resourceVersion is not the stored one. */
  async update(object: T | ObjectInput, options: WriteOptions = {}): Promise<T> {
    return await this.#put('PUT', object, options);
  }

  async updateStatus(object: T | ObjectInput, options: WriteOptions = {}): Promise<T> {
    return await this.#put('PUT', object, options, 'status');
  }

  /** PUT to a subresource that takes the whole object (a namespace's `finalize`). */
  async updateSubresource(object: T | ObjectInput, subresource: string, options: WriteOptions = {}): Promise<T> {
    return await this.#put('PUT', object, options, subresource);
  }

  /** `apply` needs `fieldManager`; `json` takes an array of operations, the others an object. */
  async patch(name: string, body: unknown, type: PatchType = 'merge', options: PatchOptions = {}): Promise<T> {
    return await this.#transport.json<T>({
      method: 'PATCH',
      path: this.#path(name, options.subresource),
      query: { ...writeQuery(options), force: type === 'apply' && options.force === true ? true : undefined },
      body: JSON.stringify(body),
      contentType: PATCH_CONTENT_TYPES[type],
      signal: options.signal,
    });
  }

  /** The object as it stands while finalizers or graceful deletion hold it, or the server's Success Status. */
  async delete(name: string, options: DeleteOptions = {}): Promise<T | ApiStatus> {
    return await this.#transport.json<T | ApiStatus>({
      method: 'DELETE',
      path: this.#path(name),
      query: { dryRun: options.dryRun === true ? 'All' : undefined },
      body: {
        apiVersion: 'v1',
        kind: 'DeleteOptions',
        propagationPolicy: options.propagationPolicy,
        gracePeriodSeconds: options.gracePeriodSeconds,
        preconditions: options.preconditions,
      },
      signal: options.signal,
    });
  }

  async deleteCollection(options: DeleteOptions & Pick<ListOptions, 'labelSelector' | 'fieldSelector'> = {}): Promise<ObjectList<T> | ApiStatus> {
    return await this.#transport.json<ObjectList<T> | ApiStatus>({
      method: 'DELETE',
      path: this.#path(),
      query: { labelSelector: selector(options.labelSelector), fieldSelector: selector(options.fieldSelector), dryRun: options.dryRun === true ? 'All' : undefined },
      body: { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: options.propagationPolicy, gracePeriodSeconds: options.gracePeriodSeconds },
      signal: options.signal,
    });
  }

  /** Without resourceVersion the server first sends every current object as ADDED. */
  watch(options: WatchOptions = {}): Watch<T> {
    return openWatch<T>(
      this.#transport,
      {
        method: 'GET',
        path: resourcePath(this.ref, this.namespace),
        query: {
          watch: true,
          resourceVersion: options.resourceVersion,
          labelSelector: selector(options.labelSelector),
          fieldSelector: selector(options.fieldSelector),
          allowWatchBookmarks: options.allowBookmarks === true ? true : undefined,
          timeoutSeconds: options.timeoutSeconds,
        },
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      },
      options.timeoutSeconds,
    );
  }

  async getSubresource<R>(name: string, subresource: string, options: CallOptions = {}): Promise<R> {
    return await this.#transport.json<R>({ method: 'GET', path: this.#path(name, subresource), signal: options.signal });
  }

  async createSubresource<R>(name: string, subresource: string, body: unknown, options: WriteOptions = {}): Promise<R> {
    return await this.#transport.json<R>({ method: 'POST', path: this.#path(name, subresource), query: writeQuery(options), body, signal: options.signal });
  }

  /** The scheduler's write: POST pods/NAME/binding. Fails with 409 when the pod is already bound. */
  async bind(podName: string, nodeName: string, options: WriteOptions = {}): Promise<void> {
    const namespace = this.#namespaceFor();
    await this.createSubresource<unknown>(podName, 'binding', {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: podName, namespace },
      target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
    }, options);
  }

  async getScale(name: string, options: CallOptions = {}): Promise<Scale> {
    return await this.getSubresource<Scale>(name, 'scale', options);
  }

  async setScale(name: string, replicas: number, options: WriteOptions = {}): Promise<Scale> {
    return await this.#transport.json<Scale>({
      method: 'PATCH',
      path: this.#path(name, 'scale'),
      query: writeQuery(options),
      body: JSON.stringify({ spec: { replicas } }),
      contentType: PATCH_CONTENT_TYPES.merge,
      signal: options.signal,
    });
  }
}
