// The Kubernetes REST surface over HTTPS: authentication, non-resource paths, then resources.
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KindDefinition } from '../api/kind.ts';
import type { Authenticator } from './auth.ts';
import { isPublicPath } from './auth.ts';
import { handleConsole } from './console-assets.ts';
import { createKindRegistry } from './context.ts';
import type { LogSource, RequestContext, ServerState, WriteHooks } from './context.ts';
import { sendError } from './http-io.ts';
import { NamespaceCache } from './namespace-cache.ts';
import { handleSelfReview } from './self-review.ts';
import { tlsFront } from './tls-front.ts';
import { handleNonResource } from './non-resource.ts';
import type { ObjectStore } from './object-store.ts';
import { parseResourceRequest } from './request-info.ts';
import { dispatchResource } from './resource-dispatch.ts';
import { ApiError, errors } from './status.ts';

export interface ApiServerOptions {
  objects: ObjectStore;
  kinds: KindDefinition[];
  authenticator: Authenticator;
  tls: { cert: string; key: string };
  hooks?: WriteHooks;
  logs?: LogSource;
  now?: () => Date;
  /** The built web console's directory, served at /console/ without authentication (its files hold no secrets). */
  consoleDir?: string;
  /** Called for every request after it ends, for access logs (never with headers or bodies). */
  onRequest?: (entry: { method: string; path: string; status: number; ms: number; user: string | undefined }) => void;
}

export interface ApiServer {
  server: Server;
  state: ServerState;
  listen(host: string, port: number): Promise<AddressInfo>;
  close(): Promise<void>;
}

export function createApiServer(options: ApiServerOptions): ApiServer {
  const kinds = createKindRegistry(options.kinds);
  const namespaces = new NamespaceCache();
  const state: ServerState = {
    objects: options.objects,
    namespaces,
    kinds,
    hooks: options.hooks ?? {},
    logs: options.logs,
    now: options.now ?? (() => new Date()),
  };
  let serverAddress = '127.0.0.1:6443';

  async function handle(req: IncomingMessage, res: ServerResponse, user: string | undefined): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://localhost');
    if (options.consoleDir !== undefined && (await handleConsole(req, res, url, options.consoleDir))) return;
    if (user === undefined && !isPublicPath(url.pathname)) throw errors.unauthorized();
    if (handleNonResource(req, res, url, { kinds, serverAddress, ready: () => true })) return;
    if (user !== undefined && (await handleSelfReview(req, res, url.pathname, user))) return;
    const info = parseResourceRequest(req.method ?? 'GET', url.pathname, url.searchParams);
    if (info === undefined) throw errors.pathNotFound();
    const kind = kinds.byResource(info.group, info.version, info.resource);
    if (kind === undefined) throw errors.pathNotFound();
    const ctx: RequestContext = { req, res, url, info, kind, state };
    await dispatchResource(ctx);
  }

  const server = createServer({ cert: options.tls.cert, key: options.tls.key, minVersion: 'TLSv1.2' }, (req, res) => {
    const started = performance.now();
    const user = options.authenticator.authenticate(req);
    res.on('finish', () => {
      options.onRequest?.({
        method: req.method ?? '',
        path: (req.url ?? '').split('?')[0] ?? '',
        status: res.statusCode,
        ms: performance.now() - started,
        user,
      });
    });
    handle(req, res, user).catch((error: unknown) => {
      // Drain an unread body so the connection can be reused.
      req.resume();
      sendError(res, error instanceof ApiError ? error : errors.internal(error instanceof Error ? error.message : String(error)));
    });
  });
  server.keepAliveTimeout = 65_000;
  const front = tlsFront(server);

  return {
    server,
    state,
    async listen(host, port) {
      const nsKind = kinds.byResource('', 'v1', 'namespaces');
      if (nsKind !== undefined) await namespaces.start(options.objects, nsKind);
      return new Promise((resolve, reject) => {
        front.once('error', reject);
        front.listen(port, host, () => {
          front.off('error', reject);
          const address = front.address() as AddressInfo;
          serverAddress = `${host.includes(':') ? `[${host}]` : host}:${address.port}`;
          resolve(address);
        });
      });
    },
    close() {
      namespaces.stop();
      return new Promise((resolve) => {
        front.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
