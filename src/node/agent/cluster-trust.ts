// Cluster-wide registry trust (issue 5 section 2): the ConfigMap kube-system/ferry-registry-cas
// holds CA certificates, one key per registry (`registry.example.com.crt`, and for a port
// `10.0.0.5_5000.crt`, since a ConfigMap key cannot hold ':'), and every node agent keeps them in
// its certs directory as `<certs-dir>/<host[:port]>/cluster-ca.crt`, where the image engine reads
// every *.crt at each pull. A key removed from the ConfigMap removes the file. A node's own
// ca.crt is never touched.
//   kubectl -n kube-system create configmap ferry-registry-cas --from-file=10.0.0.5_5000.crt=ca.crt
import { X509Certificate } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Informer } from '../../client/index.ts';
import type { KubeClient } from '../../client/index.ts';
import type { KubeObject } from '../../api/object.ts';
import { CONFIGMAPS } from './refs.ts';

export const TRUST_NAMESPACE = 'kube-system';
export const TRUST_CONFIGMAP = 'ferry-registry-cas';
export const CLUSTER_CA_FILE = 'cluster-ca.crt';
const KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?)(?:_(\d{1,5}))?\.crt$/i;

/** `10.0.0.5_5000.crt` -> `10.0.0.5:5000`; undefined for a key that names no registry. */
export function registryOfKey(key: string): string | undefined {
  const m = KEY.exec(key);
  if (m === null) return undefined;
  return m[3] === undefined ? (m[1] as string).toLowerCase() : `${(m[1] as string).toLowerCase()}:${m[3]}`;
}

/** Writes the ConfigMap's CAs into certsDir and removes the ones it no longer has; returns problems to report. */
export async function applyClusterTrust(certsDir: string, data: Record<string, string>): Promise<string[]> {
  const problems: string[] = [];
  const wanted = new Map<string, string>();
  for (const [key, pem] of Object.entries(data)) {
    const registry = registryOfKey(key);
    if (registry === undefined) {
      problems.push(`key ${JSON.stringify(key)} names no registry: use <host>.crt or <host>_<port>.crt`);
      continue;
    }
    try {
      new X509Certificate(pem);
    } catch {
      problems.push(`key ${JSON.stringify(key)} is not a PEM certificate`);
      continue;
    }
    wanted.set(registry, pem);
  }
  for (const [registry, pem] of wanted) {
    const dir = join(certsDir, registry);
    const file = join(dir, CLUSTER_CA_FILE);
    if ((await readFile(file, 'utf8').catch(() => undefined)) === pem) continue;
    await mkdir(dir, { recursive: true, mode: 0o755 });
    await writeFile(`${file}.tmp`, pem, { mode: 0o644 });
    await rename(`${file}.tmp`, file);
  }
  for (const name of await readdir(certsDir).catch(() => [] as string[])) {
    if (wanted.has(name)) continue;
    await rm(join(certsDir, name, CLUSTER_CA_FILE), { force: true });
  }
  return problems;
}

/** Watches the ConfigMap and keeps certsDir in step; `onProblem` hears about unusable keys. */
export class ClusterTrust {
  readonly #informer: Informer<KubeObject>;
  readonly #certsDir: string;
  #last = '';

  constructor(client: KubeClient, certsDir: string, callbacks: { onError: (e: unknown) => void; onProblem: (message: string) => void }) {
    this.#certsDir = certsDir;
    this.#informer = new Informer<KubeObject>(client, CONFIGMAPS, { namespace: TRUST_NAMESPACE, fieldSelector: `metadata.name=${TRUST_CONFIGMAP}`, onError: callbacks.onError });
    const sync = (cm: KubeObject | undefined) => {
      const data = ((cm?.['data'] ?? {}) as Record<string, string>);
      const key = JSON.stringify(data);
      if (key === this.#last) return;
      this.#last = key;
      void applyClusterTrust(certsDir, data).then((problems) => problems.forEach((p) => callbacks.onProblem(`${TRUST_NAMESPACE}/${TRUST_CONFIGMAP}: ${p}`)), callbacks.onError);
    };
    this.#informer.addHandler({ add: sync, update: (_o, cm) => sync(cm), delete: () => sync(undefined) });
  }

  async start(): Promise<void> {
    this.#informer.start();
    await this.#informer.waitForSync();
    // No ConfigMap (perhaps deleted while the agent was down): no cluster CAs either.
    if (this.#informer.list().length === 0) {
      this.#last = '{}';
      await applyClusterTrust(this.#certsDir, {});
    }
  }

  stop(): void {
    this.#informer.stop();
  }
}
