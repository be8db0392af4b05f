// `ferry server`: the all-in-one control plane. Prints where the kubeconfig is and runs until
// SIGINT/SIGTERM.
import { resolve } from 'node:path';
import { detectRunc } from '../node/runtime/index.ts';
import { clientHost } from './server-files.ts';
import { startControlPlane } from './control-plane.ts';
import { defaultDataDir } from './data-dir.ts';
import { eipPolicyFrom } from '../api/eip-policy.ts';
import type { EipPolicy } from '../api/validation/eip-annotations.ts';
import { hostsFlag } from './host-flags.ts';
import { parse, UsageError } from './usage.ts';

export const SERVER_HELP = `Usage: ferry server [--data-dir DIR] [--listen HOST:PORT] [--node-name NAME] [--no-node-agent] [--no-controllers]
                    [--no-pod-network] [--no-image-replacement] [--allow-insecure-registries HOSTS]
                    [--eip-network-types LIST] [--eip-bandwidth-range MODE=MIN-MAX ...] [--verbose]

Runs the Kubernetes-compatible API server with its embedded store. On first start it creates a
CA, a serving certificate and an admin token, and writes DIR/admin.kubeconfig.
  --listen HOST:PORT   address to serve HTTPS on (default 127.0.0.1:6443; port 0 picks one)
  --node-name NAME     name of the embedded node agent's Node (default: this host's name)
  --no-node-agent      serve the API without running pods on this machine
  --no-controllers     do not run the controllers and the scheduler (another server runs them)
  --no-pod-network     run pods in the host's network (default: a network namespace and IP per pod)
  --no-image-replacement  the embedded node ignores pods' image-replacement rules (see ferry node --help)
  --allow-insecure-registries HOSTS
                       only these registries (host list) may be named plain-HTTP or insecure by pods
  --eip-network-types LIST
                       allowed yangtse.io/eip-network-type values (default 5_bgp,5_sbgp)
  --eip-bandwidth-range MODE=MIN-MAX
                       allowed yangtse.io/eip-bandwidth-size in Mbit/s per charge mode (repeatable;
                       default bandwidth=1-2000 and traffic=1-300)
  --verbose            log one line per request (method, path, status, time; never bodies)
`;

export function parseListen(value: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(value);
  const port = Number(m?.[3]);
  if (m === null || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--listen ${JSON.stringify(value)}: expected HOST:PORT, e.g. 127.0.0.1:6443`);
  }
  return { host: m[1] ?? m[2] ?? '127.0.0.1', port };
}

function eipPolicyFlags(types: string | undefined, ranges: string[]): EipPolicy {
  try {
    return eipPolicyFrom(types?.split(',').map((t) => t.trim()), ranges);
  } catch (err) {
    throw new UsageError(`--eip-network-types / --eip-bandwidth-range: ${(err as Error).message}`);
  }
}

export async function serverCommand(args: string[]): Promise<number> {
  const { values } = parse(args, {
    'data-dir': { type: 'string' },
    listen: { type: 'string', default: '127.0.0.1:6443' },
    verbose: { type: 'boolean', default: false },
    'node-name': { type: 'string' },
    'node-agent': { type: 'boolean', default: true },
    'pod-network': { type: 'boolean', default: true },
    'image-replacement': { type: 'boolean', default: true },
    'allow-insecure-registries': { type: 'string' },
    'eip-network-types': { type: 'string' },
    'eip-bandwidth-range': { type: 'string', multiple: true, default: [] },
    controllers: { type: 'boolean', default: true },
    help: { type: 'boolean', short: 'h' },
  }, false);
  if (values.help === true) {
    process.stdout.write(SERVER_HELP);
    return 0;
  }
  // Absolute, so the printed KUBECONFIG line works from any directory.
  const dataDir = resolve(values['data-dir'] ?? defaultDataDir());
  const { host, port } = parseListen(values.listen);
  const plane = await startControlPlane({
    dataDir,
    host,
    port,
    ...(values['node-agent'] === false ? { node: false } : {
      node: {
        ...(values['node-name'] === undefined ? {} : { nodeName: values['node-name'] }),
        podNetwork: values['pod-network'],
        imageReplacement: values['image-replacement'],
        ...(values['allow-insecure-registries'] === undefined ? {} : { allowedInsecureRegistries: hostsFlag(values['allow-insecure-registries']) }),
      },
    }),
    controllers: values.controllers,
    ...(values['eip-network-types'] === undefined && values['eip-bandwidth-range'].length === 0 ? {} : { eipPolicy: eipPolicyFlags(values['eip-network-types'], values['eip-bandwidth-range']) }),
    ...(values.verbose === true ? { log: (line: string) => process.stderr.write(`${line}\n`) } : {}),
  }).catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UsageError(`${values.listen} is already in use (another ferry server?); choose another address with --listen HOST:PORT`);
    if (code === 'EADDRNOTAVAIL') throw new UsageError(`${values.listen} is not an address of this machine; choose another with --listen HOST:PORT`);
    if (code === 'EACCES') throw new UsageError(`no permission to listen on ${values.listen}; ports below 1024 need root`);
    throw error;
  });
  // Handlers first: a supervisor may signal as soon as it reads the lines below.
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  const h = clientHost(host);
  process.stdout.write(
    `ferry: API server listening on https://${h.includes(':') ? `[${h}]` : h}:${plane.port}\n` +
      `ferry: to use kubectl:\n  export KUBECONFIG=${plane.files.kubeconfigPath}\n`,
  );
  if (plane.node !== undefined) {
    // Said once here too, not only in the Node's condition: pods cannot run without runc.
    const runc = await detectRunc();
    if (!runc.available) process.stderr.write(`ferry: node agent: ${runc.message}; pods stay Pending until it is installed\n`);
  }
  await stopped;
  await plane.close();
  return 0;
}

export async function kubeconfigCommand(args: string[]): Promise<number> {
  const { values } = parse(args, { 'data-dir': { type: 'string' } }, false);
  const dataDir = values['data-dir'] ?? defaultDataDir();
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  try {
    process.stdout.write(readFileSync(join(dataDir, 'admin.kubeconfig'), 'utf8'));
  } catch {
    throw new UsageError(`no kubeconfig in ${dataDir}: start the server first with: ferry server --data-dir ${dataDir}`);
  }
  return 0;
}
