// The entry point: a client for one API server, from explicit options or a kubeconfig, handing out
// a ResourceClient per collection. Plain REST and JSON, so it works against any Kubernetes API
// server, not only Ferry's.
import type { KubeObject } from '../api/object.ts';
import { loadInClusterConfig, loadKubeconfig } from './kubeconfig.ts';
import { ResourceClient } from './resource-client.ts';
import type { ResourceRef } from './resource-ref.ts';
import { Transport } from './transport.ts';
import type { ClientOptions, HttpRequest } from './transport.ts';

export interface ServerVersion {
  major: string;
  minor: string;
  gitVersion: string;
  [key: string]: unknown;
}

export class KubeClient {
  /** The kubeconfig context's namespace, or `default`. Handles do not use it unless given it. */
  readonly namespace: string;
  readonly server: string;
  readonly #transport: Transport;

  constructor(options: ClientOptions) {
    this.#transport = new Transport(options);
    this.namespace = options.namespace ?? 'default';
    this.server = options.server;
  }

  /**
   * A handle on one collection. For a namespaced resource, `namespace` scopes every call; without it
   * list and watch span all namespaces and writes use the object's own namespace.
   */
  resource<T extends KubeObject = KubeObject>(ref: ResourceRef, namespace?: string): ResourceClient<T> {
    return new ResourceClient<T>(this.#transport, ref, namespace);
  }

  /** Any JSON call (`/version`, a kind this client has no ref for); non-2xx rejects with ApiStatusError. */
  request<T>(req: HttpRequest): Promise<T> {
    return this.#transport.json<T>(req);
  }

  version(): Promise<ServerVersion> {
    return this.#transport.json<ServerVersion>({ method: 'GET', path: '/version' });
  }

  /** Ends every connection, open watches included. */
  close(): void {
    this.#transport.close();
  }
}

export function createClient(options: ClientOptions): KubeClient {
  return new KubeClient(options);
}

/** `path` defaults to `$KUBECONFIG` or `~/.kube/config`; `context` to its current-context. */
export function clientFromKubeconfig(path?: string, context?: string, overrides: Partial<ClientOptions> = {}): KubeClient {
  return new KubeClient({ ...loadKubeconfig(path, context), ...overrides });
}

/** From inside a pod: the service-account token and the API server's service address. */
export function inClusterClient(overrides: Partial<ClientOptions> = {}): KubeClient {
  return new KubeClient({ ...loadInClusterConfig(), ...overrides });
}
