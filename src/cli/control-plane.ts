// Wires one all-in-one control plane: SQLite in the data directory (secrets encrypted at rest),
// the apiserver over HTTPS, the system namespaces, and a node agent (a client of the apiserver
// through the admin kubeconfig, as a separate `ferry node` would be). Controllers join here as
// their issues land.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALL_KINDS } from '../api/kinds/index.ts';
import { withEipPolicy } from '../api/eip-policy.ts';
import type { EipPolicy } from '../api/validation/eip-annotations.ts';
import { tokenAuthenticator } from '../apiserver/auth.ts';
import { ClusterHooks } from '../apiserver/cluster-hooks.ts';
import { createKindRegistry } from '../apiserver/context.ts';
import type { LogSource } from '../apiserver/context.ts';
import { ObjectStore } from '../apiserver/object-store.ts';
import { createApiServer } from '../apiserver/server.ts';
import type { ApiServer } from '../apiserver/server.ts';
import { clientFromKubeconfig } from '../client/index.ts';
import type { KubeClient } from '../client/index.ts';
import { startControllers } from '../controllers/runtime/index.ts';
import type { RunningControllers } from '../controllers/runtime/index.ts';
import { NodeAgent } from '../node/agent/index.ts';
import type { NodeAgentOptions } from '../node/agent/index.ts';
import { encryptValues, loadOrCreateKey, openSqliteStore, startCompactor } from '../storage/index.ts';
import { ensureServerFiles } from './server-files.ts';
import type { ServerFiles } from './server-files.ts';

export interface ControlPlane {
  api: ApiServer;
  files: ServerFiles;
  port: number;
  /** The embedded node agent, unless started with `node: false`. */
  node: NodeAgent | undefined;
  close(): Promise<void>;
}

export interface ControlPlaneOptions {
  dataDir: string;
  host: string;
  port: number;
  log?: (line: string) => void;
  /** Start the embedded node agent (default true); an object tunes it (tests: short backoffs). */
  node?: boolean | Partial<Omit<NodeAgentOptions, 'client' | 'dataDir'>>;
  /**
   * Run the controllers and the scheduler (default true), under leader election. 'system': only
   * the garbage collector and the namespace controller (API tests that run no workloads).
   */
  controllers?: boolean | 'system';
  /** The built web console served at /console/ (default: the checkout's dist/console). */
  consoleDir?: string;
  /** The admin's EIP annotation ranges (default: the seed region's). */
  eipPolicy?: EipPolicy | undefined;
}

/** Where `npm run build` writes the console, relative to this file in the checkout. */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../../dist/console', import.meta.url));

/** Pod logs come from the node agent, which starts after the apiserver listens. */
class LateLogSource implements LogSource {
  target: LogSource | undefined;

  async stream(...args: Parameters<LogSource['stream']>): Promise<void> {
    const [, container, , res] = args;
    if (this.target === undefined) {
      res.end(`no node agent serves logs for container "${container}"\n`);
      return;
    }
    await this.target.stream(...args);
  }
}

export async function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const files = ensureServerFiles(options.dataDir, options.host, options.port);
  const sqlite = await openSqliteStore(join(options.dataDir, 'state.db'));
  const key = loadOrCreateKey(join(options.dataDir, 'encryption.key'));
  const kv = encryptValues(sqlite, { key, keyName: 'key1', prefixes: ['/registry/core/secrets/'] });
  const compactor = startCompactor(sqlite);
  const objects = new ObjectStore(kv);
  const now = (): Date => new Date();
  const kinds = options.eipPolicy === undefined ? ALL_KINDS : withEipPolicy(ALL_KINDS, options.eipPolicy);
  const hooks = new ClusterHooks(objects, createKindRegistry(kinds), now);
  await hooks.bootstrap();
  const logs = new LateLogSource();
  const api = createApiServer({
    logs,
    objects,
    kinds,
    authenticator: tokenAuthenticator(new Map([[files.token, 'admin']])),
    tls: { cert: files.cert, key: files.key },
    hooks,
    now,
    consoleDir: options.consoleDir ?? DEFAULT_CONSOLE_DIR,
    ...(options.log === undefined
      ? {}
      : { onRequest: (e) => options.log?.(`${e.method} ${e.path} ${e.status} ${e.ms.toFixed(1)}ms${e.user === undefined ? ' (anonymous)' : ''}`) }),
  });
  const address = await api.listen(options.host, options.port);
  if (address.port !== options.port) {
    // Port 0 asked for any port: the kubeconfig must name the one we got.
    Object.assign(files, ensureServerFiles(options.dataDir, options.host, address.port));
  }
  let node: NodeAgent | undefined;
  let client: KubeClient | undefined;
  if (options.node !== false) {
    const tune = typeof options.node === 'object' ? options.node : {};
    client = clientFromKubeconfig(files.kubeconfigPath);
    node = new NodeAgent({
      nodeName: hostname().toLowerCase(),
      certsDir: join(options.dataDir, 'certs.d'),
      ...(options.log === undefined ? {} : { onError: (e: unknown) => options.log?.(`node agent: ${(e as Error).message}`) }),
      ...tune,
      client,
      dataDir: join(options.dataDir, 'node'),
    });
    try {
      await node.start();
    } catch (err) {
      await node.stop();
      client.close();
      compactor.stop();
      await api.close();
      await kv.close();
      throw err;
    }
    logs.target = node.logSource();
  }
  // Controllers and scheduler: clients of the API like any other, with their own connection.
  let controllers: RunningControllers | undefined;
  let controllersClient: KubeClient | undefined;
  if (options.controllers !== false) {
    controllersClient = clientFromKubeconfig(files.kubeconfigPath);
    controllers = startControllers({
      client: controllersClient,
      workloads: options.controllers !== 'system',
      identity: `${hostname().toLowerCase()}_${randomUUID()}`,
      ...(options.log === undefined ? {} : { onError: (e: unknown, c: { controller: string; key?: string }) => options.log?.(`${c.controller}${c.key === undefined ? '' : ` ${c.key}`}: ${(e as Error).message}`) }),
    });
  }
  return {
    api,
    files,
    port: address.port,
    node,
    async close() {
      await controllers?.stop();
      controllersClient?.close();
      await node?.stop();
      client?.close();
      compactor.stop();
      await api.close();
      await kv.close();
    },
  };
}
