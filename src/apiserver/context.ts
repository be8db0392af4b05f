// What every resource handler gets: the parsed request, the kind it is about, and the server's
// shared state.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KindDefinition } from '../api/kind.ts';
import type { KubeObject } from '../api/object.ts';
import type { NamespaceCache } from './namespace-cache.ts';
import type { ObjectStore } from './object-store.ts';
import type { ResourceRequest } from './request-info.ts';

/** Hooks run inside writes, for behaviour that spans objects (default namespace secrets, garbage collection). */
export interface WriteHooks {
  /** After an object was created. */
  created?(kind: KindDefinition, object: KubeObject): Promise<void>;
  /** After an object left storage. */
  deleted?(kind: KindDefinition, object: KubeObject, propagation: PropagationPolicy): Promise<void>;
  /** After an object got a deletionTimestamp and stays for its finalizers or grace period. */
  terminating?(kind: KindDefinition, object: KubeObject): Promise<void>;
}

export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

/** Where pod logs come from: the node agent that runs the containers (issue 4). */
export interface LogSource {
  stream(pod: KubeObject, container: string, options: { follow: boolean; tailLines?: number; previous: boolean }, res: ServerResponse): Promise<void>;
}

export interface ServerState {
  objects: ObjectStore;
  namespaces: NamespaceCache;
  kinds: KindRegistry;
  hooks: WriteHooks;
  logs: LogSource | undefined;
  now(): Date;
}

export interface KindRegistry {
  all: KindDefinition[];
  byResource(group: string, version: string, resource: string): KindDefinition | undefined;
  byKind(group: string, kind: string): KindDefinition | undefined;
}

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  info: ResourceRequest;
  kind: KindDefinition;
  state: ServerState;
}

export function createKindRegistry(kinds: KindDefinition[]): KindRegistry {
  const byResource = new Map<string, KindDefinition>();
  const byKind = new Map<string, KindDefinition>();
  for (const k of kinds) {
    byResource.set(`${k.group}/${k.version}/${k.resource}`, k);
    byKind.set(`${k.group}/${k.kind}`, k);
  }
  return {
    all: kinds,
    byResource: (group, version, resource) => byResource.get(`${group}/${version}/${resource}`),
    byKind: (group, kind) => byKind.get(`${group}/${kind}`),
  };
}

export function apiVersionOf(ctx: { kind: KindDefinition }): string {
  return ctx.kind.group === '' ? ctx.kind.version : `${ctx.kind.group}/${ctx.kind.version}`;
}
