// `ferry node`: the node agent alone, joining any cluster whose API it can reach with a
// kubeconfig (issue 4: "ferry node; embedded in ferry server by default"). It registers a Node
// and runs the pods bound to it; `--pool` puts it in a node pool (issue 5, bursting).
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { ELASTIC_POOL, POOL_LABEL } from '../api/bursting.ts';
import { clientFromKubeconfig } from '../client/index.ts';
import { NodeAgent } from '../node/agent/index.ts';
import { detectRunc } from '../node/runtime/index.ts';
import { defaultDataDir } from './data-dir.ts';
import { hostsFlag } from './host-flags.ts';
import { parse, UsageError } from './usage.ts';


export const NODE_HELP = `Usage: ferry node [--kubeconfig FILE] [--data-dir DIR] [--node-name NAME] [--certs-dir DIR]
                  [--pool NAME] [--label KEY=VALUE ...] [--taint KEY[=VALUE]:EFFECT ...]
                  [--no-pod-network] [--no-image-replacement] [--allow-insecure-registries HOSTS]

Runs a node agent that joins the cluster of the kubeconfig: registers a Node (capacity of this
machine, heartbeats on a Lease) and runs the pods the scheduler binds to it with runc.
  --kubeconfig FILE     how to reach the API server (default $KUBECONFIG)
  --data-dir DIR        images, containers and logs (default $FERRY_DATA_DIR or ~/.local/share/ferry)
  --node-name NAME      the Node's name (default: this host's name)
  --certs-dir DIR       registry settings in containerd's certs.d layout (default DIR/certs.d), read live
  --pool NAME           label the Node ${POOL_LABEL}=NAME; the "${ELASTIC_POOL}" pool is also tainted
                        ${POOL_LABEL}=${ELASTIC_POOL}:NoSchedule so only pods that burst land there
  --label KEY=VALUE     another Node label (repeatable)
  --taint KEY[=VALUE]:EFFECT   a Node taint, EFFECT NoSchedule, PreferNoSchedule or NoExecute (repeatable)
  --no-pod-network      run pods in the host's network (default: a network namespace and IP per pod)
  --no-image-replacement   ignore pods' coordinator.cci.io/image-replacement rules on this node (for
                        pools that should pull the original images while the elastic pool uses a mirror)
  --allow-insecure-registries HOSTS   only these registries may be named plain-HTTP or insecure by pods
`;

export interface NodeTaint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

export function parseTaint(text: string): NodeTaint {
  const m = /^([^=:]+)(?:=([^:]*))?:(NoSchedule|PreferNoSchedule|NoExecute)$/.exec(text);
  if (m === null) throw new UsageError(`--taint ${JSON.stringify(text)}: expected KEY[=VALUE]:EFFECT with EFFECT NoSchedule, PreferNoSchedule or NoExecute`);
  return { key: m[1] as string, ...(m[2] === undefined || m[2] === '' ? {} : { value: m[2] }), effect: m[3] as NodeTaint['effect'] };
}

export function parseLabel(text: string): [string, string] {
  const i = text.indexOf('=');
  if (i <= 0) throw new UsageError(`--label ${JSON.stringify(text)}: expected KEY=VALUE`);
  return [text.slice(0, i), text.slice(i + 1)];
}

/** Labels and taints of a node from the flags; the elastic pool is tainted. */
export function nodeIdentity(pool: string | undefined, labels: string[], taints: string[]): { labels: Record<string, string>; taints: NodeTaint[] } {
  const out: Record<string, string> = Object.fromEntries(labels.map(parseLabel));
  const ts = taints.map(parseTaint);
  if (pool !== undefined) {
    if (!/^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$/.test(pool)) throw new UsageError(`--pool ${JSON.stringify(pool)}: a pool name is a label value of lowercase letters, digits, '-' and '.'`);
    out[POOL_LABEL] = pool;
    if (pool === ELASTIC_POOL && !ts.some((t) => t.key === POOL_LABEL)) ts.push({ key: POOL_LABEL, value: ELASTIC_POOL, effect: 'NoSchedule' });
  }
  return { labels: out, taints: ts };
}

export async function nodeCommand(args: string[]): Promise<number> {
  const { values } = parse(args, {
    kubeconfig: { type: 'string' },
    'data-dir': { type: 'string' },
    'node-name': { type: 'string' },
    'certs-dir': { type: 'string' },
    pool: { type: 'string' },
    label: { type: 'string', multiple: true, default: [] },
    taint: { type: 'string', multiple: true, default: [] },
    'pod-network': { type: 'boolean', default: true },
    'image-replacement': { type: 'boolean', default: true },
    'allow-insecure-registries': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  }, false);
  if (values.help === true) {
    process.stdout.write(NODE_HELP);
    return 0;
  }
  const kubeconfig = values.kubeconfig ?? process.env['KUBECONFIG'];
  if (kubeconfig === undefined || kubeconfig === '') throw new UsageError('no kubeconfig: pass --kubeconfig FILE or set KUBECONFIG (ferry kubeconfig --data-dir DIR prints a server\'s)');
  const dataDir = resolve(values['data-dir'] ?? defaultDataDir());
  const identity = nodeIdentity(values.pool, values.label, values.taint);
  const client = clientFromKubeconfig(kubeconfig);
  const nodeName = (values['node-name'] ?? hostname()).toLowerCase();
  const agent = new NodeAgent({
    client,
    nodeName,
    dataDir: join(dataDir, 'node'),
    certsDir: resolve(values['certs-dir'] ?? join(dataDir, 'certs.d')),
    labels: identity.labels,
    taints: identity.taints,
    podNetwork: values['pod-network'],
    imageReplacement: values['image-replacement'],
    ...(values['allow-insecure-registries'] === undefined ? {} : { allowedInsecureRegistries: hostsFlag(values['allow-insecure-registries']) }),
    onError: (e: unknown) => process.stderr.write(`ferry node: ${(e as Error).message}\n`),
  });
  const stopped = new Promise<void>((done) => {
    process.once('SIGINT', () => done());
    process.once('SIGTERM', () => done());
  });
  try {
    await agent.start();
  } catch (err) {
    await agent.stop().catch(() => {});
    client.close();
    throw err;
  }
  process.stdout.write(`ferry: node ${nodeName} joined the cluster of ${kubeconfig}${values.pool === undefined ? '' : ` (pool ${values.pool})`}\n`);
  const runc = await detectRunc();
  if (!runc.available) process.stderr.write(`ferry: node agent: ${runc.message}; pods bound here stay Pending until it is installed\n`);
  await stopped;
  await agent.stop();
  client.close();
  return 0;
}
