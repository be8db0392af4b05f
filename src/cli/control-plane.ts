// Wires one all-in-one control plane: SQLite in the data directory (secrets encrypted at rest),
// the apiserver over HTTPS, and the system namespaces. Controllers and the node agent join here
// as their issues land.
import { join } from 'node:path';
import { ALL_KINDS } from '../api/kinds/index.ts';
import { tokenAuthenticator } from '../apiserver/auth.ts';
import { ClusterHooks } from '../apiserver/cluster-hooks.ts';
import { createKindRegistry } from '../apiserver/context.ts';
import { ObjectStore } from '../apiserver/object-store.ts';
import { createApiServer } from '../apiserver/server.ts';
import type { ApiServer } from '../apiserver/server.ts';
import { encryptValues, loadOrCreateKey, openSqliteStore, startCompactor } from '../storage/index.ts';
import { ensureServerFiles } from './server-files.ts';
import type { ServerFiles } from './server-files.ts';

export interface ControlPlane {
  api: ApiServer;
  files: ServerFiles;
  port: number;
  close(): Promise<void>;
}

export async function startControlPlane(options: { dataDir: string; host: string; port: number; log?: (line: string) => void }): Promise<ControlPlane> {
  const files = ensureServerFiles(options.dataDir, options.host, options.port);
  const sqlite = await openSqliteStore(join(options.dataDir, 'state.db'));
  const key = loadOrCreateKey(join(options.dataDir, 'encryption.key'));
  const kv = encryptValues(sqlite, { key, keyName: 'key1', prefixes: ['/registry/core/secrets/'] });
  const compactor = startCompactor(sqlite);
  const objects = new ObjectStore(kv);
  const now = (): Date => new Date();
  const hooks = new ClusterHooks(objects, createKindRegistry(ALL_KINDS), now);
  await hooks.bootstrap();
  const api = createApiServer({
    objects,
    kinds: ALL_KINDS,
    authenticator: tokenAuthenticator(new Map([[files.token, 'admin']])),
    tls: { cert: files.cert, key: files.key },
    hooks,
    now,
    ...(options.log === undefined
      ? {}
      : { onRequest: (e) => options.log?.(`${e.method} ${e.path} ${e.status} ${e.ms.toFixed(1)}ms${e.user === undefined ? ' (anonymous)' : ''}`) }),
  });
  const address = await api.listen(options.host, options.port);
  if (address.port !== options.port) {
    // Port 0 asked for any port: the kubeconfig must name the one we got.
    Object.assign(files, ensureServerFiles(options.dataDir, options.host, address.port));
  }
  return {
    api,
    files,
    port: address.port,
    async close() {
      compactor.stop();
      await api.close();
      await kv.close();
    },
  };
}
