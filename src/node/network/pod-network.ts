// The pod sandbox's network, as a CRI runtime makes it for the kubelet's RunPodSandbox: a network
// namespace per pod (its containers share it, and so share loopback and ports), an IP from the
// node's pod subnet on a bridge through the CNI bridge and host-local plugins, with masquerade for
// egress, and the pod's /etc/hosts and /etc/resolv.conf. Records live in `stateDir`, so a
// restarted agent finds the sandboxes of the pods it adopts and tears down the rest; IP
// allocations are host-wide (host-local's directory), as every agent on the host shares the bridge.
// https://github.com/containerd/containerd/blob/v1.7.24/pkg/cri/server/sandbox_run.go
// https://github.com/kubernetes/kubernetes/blob/v1.32.4/pkg/kubelet/kubelet_pods.go (hosts file)
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cniAdd, cniDel, CNI_INSTALL_HINT, findCniBinDir } from './cni.ts';
import { run, tool } from './command.ts';
import type { CniNetworkList } from './cni.ts';
import { attachEip, detachEip } from './eip.ts';
import type { EipAttachment } from './eip.ts';
import { NetworkError, NetworkErrorCode } from './errors.ts';

export const DEFAULT_POD_SUBNET = '10.86.0.0/16';
export const DEFAULT_BRIDGE = 'ferry0';
export const DEFAULT_IPAM_DIR = '/var/lib/cni/networks';
const PLUGINS = ['bridge', 'host-local'];

export interface PodNetworkOptions {
  /** Sandbox records, hosts files and host-local's allocations. */
  stateDir: string;
  subnet?: string | undefined;
  bridge?: string | undefined;
  /** Default: the first of CNI_BIN_DIRS holding the plugins. */
  binDir?: string | undefined;
  /**
   * host-local's allocations. Every agent on a host that shares the bridge must share this too,
   * or two agents hand out the same IP: default host-local's own /var/lib/cni/networks.
   */
  ipamDir?: string | undefined;
}

export interface PodRef {
  uid: string;
  name: string;
  namespace: string;
  /** The pod's hostname (spec.hostname, else its name). */
  hostname: string;
}

export interface PodSandbox {
  podUid: string;
  /** Path of the network namespace, for the OCI spec's linux.namespaces. */
  netns: string;
  ip: string;
  gateway?: string | undefined;
  hostsFile: string;
  resolvConf: string;
  /** The host side of the pod's veth pair (tc shapes the pod's ingress there). */
  hostVeth?: string | undefined;
  /** The EIP routed to the pod, once attached. */
  eip?: EipAttachment | undefined;
}

export type NetworkAvailability = { available: true } | { available: false; message: string };

export class PodNetwork {
  readonly #o: Required<Omit<PodNetworkOptions, 'binDir' | 'ipamDir'>> & { binDir: string | undefined; ipamDir: string };
  readonly #ip: string | undefined;

  constructor(options: PodNetworkOptions) {
    this.#o = {
      stateDir: options.stateDir,
      subnet: options.subnet ?? DEFAULT_POD_SUBNET,
      bridge: options.bridge ?? DEFAULT_BRIDGE,
      binDir: options.binDir ?? findCniBinDir(PLUGINS),
      ipamDir: options.ipamDir ?? DEFAULT_IPAM_DIR,
    };
    this.#ip = tool('ip');
  }

  /** Whether pods can get their own network here; the message says what to install. */
  availability(): NetworkAvailability {
    const missing: string[] = [];
    if (this.#o.binDir === undefined) missing.push('the CNI bridge and host-local plugins');
    if (this.#ip === undefined) missing.push('ip (iproute2)');
    if (tool('iptables') === undefined) missing.push('iptables');
    if (process.getuid?.() !== 0) return { available: false, message: 'pod networks need root; pods use the host network' };
    if (missing.length > 0) return { available: false, message: `${missing.join(', ')} missing; pods use the host network. Install with: ${CNI_INSTALL_HINT}` };
    return { available: true };
  }

  #list(): CniNetworkList {
    return {
      cniVersion: '1.0.0',
      name: 'ferry',
      plugins: [{
        // Masquerade is one rule for the whole subnet (#ensureMasquerade), not the plugin's chain per
        // pod: every iptables call rewrites the nat table, so per-pod chains make each pod slower.
        type: 'bridge', bridge: this.#o.bridge, isGateway: true, ipMasq: false, hairpinMode: true,
        ipam: { type: 'host-local', ranges: [[{ subnet: this.#o.subnet }]], routes: [{ dst: '0.0.0.0/0' }], dataDir: this.#o.ipamDir },
      }],
    };
  }

  #record(uid: string): string {
    return join(this.#o.stateDir, 'sandboxes', `${uid}.json`);
  }

  #nsName(uid: string): string {
    return `ferry-${uid}`;
  }

  async sandbox(uid: string): Promise<PodSandbox | undefined> {
    try {
      return JSON.parse(await readFile(this.#record(uid), 'utf8')) as PodSandbox;
    } catch {
      return undefined;
    }
  }

  async list(): Promise<PodSandbox[]> {
    const names = await readdir(join(this.#o.stateDir, 'sandboxes')).catch(() => [] as string[]);
    const out: PodSandbox[] = [];
    for (const n of names.filter((x) => x.endsWith('.json'))) {
      const s = await this.sandbox(n.slice(0, -5));
      if (s !== undefined) out.push(s);
    }
    return out;
  }

  /** Makes the pod's namespace, interface and files; returns the existing sandbox if there is one. */
  async setUp(pod: PodRef): Promise<PodSandbox> {
    const existing = await this.sandbox(pod.uid);
    if (existing !== undefined && existsSync(existing.netns)) return existing;
    const avail = this.availability();
    if (!avail.available) throw new NetworkError(NetworkErrorCode.Unavailable, avail.message);
    const ip = this.#ip as string;
    const name = this.#nsName(pod.uid);
    const netns = `/run/netns/${name}`;
    const rt = { containerId: pod.uid, netns, ifName: 'eth0' };
    await this.#ensureMasquerade();
    // What a crash mid-setup left; a new pod has nothing to tear down (and DEL costs a plugin run).
    if (existing !== undefined || existsSync(netns)) await this.tearDown(pod.uid);
    await run(ip, ['netns', 'add', name]);
    try {
      await run(ip, ['-n', name, 'link', 'set', 'lo', 'up']);
      const result = await cniAdd(this.#o.binDir as string, this.#list(), rt);
      const first = result.ips?.[0];
      if (first === undefined) throw new NetworkError(NetworkErrorCode.CniFailed, 'the CNI bridge plugin returned no IP');
      const podIp = first.address.split('/')[0] as string;
      const dir = join(this.#o.stateDir, 'sandboxes', pod.uid);
      await mkdir(dir, { recursive: true, mode: 0o755 });
      const hostsFile = join(dir, 'hosts');
      const resolvConf = join(dir, 'resolv.conf');
      await writeFile(hostsFile, hostsContent(podIp, pod.hostname), { mode: 0o644 });
      await writeFile(resolvConf, resolvContent(), { mode: 0o644 });
      const hostVeth = result.interfaces?.find((i) => (i.sandbox ?? '') === '' && i.name !== this.#o.bridge)?.name;
      const sandbox: PodSandbox = { podUid: pod.uid, netns, ip: podIp, gateway: first.gateway, hostsFile, resolvConf, hostVeth };
      await this.#save(sandbox);
      return sandbox;
    } catch (err) {
      await this.tearDown(pod.uid).catch(() => {});
      throw err;
    }
  }

  #masquerade: Promise<void> | undefined;

  /** Pods' traffic leaving the pod subnet goes out from the node's address: one rule, made once. */
  #ensureMasquerade(): Promise<void> {
    this.#masquerade ??= (async () => {
      const iptables = this.#tools().iptables;
      const rule = ['POSTROUTING', '-s', this.#o.subnet, '!', '-d', this.#o.subnet, '-m', 'comment', '--comment', `ferry-masquerade-${this.#o.bridge}`, '-j', 'MASQUERADE'];
      const present = await run(iptables, ['-w', '-t', 'nat', '-C', ...rule]).then(() => true, () => false);
      if (!present) await run(iptables, ['-w', '-t', 'nat', '-A', ...rule]);
    })().catch((err: unknown) => {
      this.#masquerade = undefined;
      throw err;
    });
    return this.#masquerade;
  }

  async #save(sandbox: PodSandbox): Promise<void> {
    const tmp = `${this.#record(sandbox.podUid)}.tmp`;
    await writeFile(tmp, `${JSON.stringify(sandbox)}\n`, { mode: 0o600 });
    await rename(tmp, this.#record(sandbox.podUid));
  }

  #tools(): { ip: string; iptables: string; tc: string } {
    return { ip: this.#ip as string, iptables: tool('iptables') ?? 'iptables', tc: tool('tc') ?? 'tc' };
  }

  /** Routes an EIP to the pod and limits its bandwidth (eip.ts); returns the updated sandbox. */
  async attachEip(sandbox: PodSandbox, attachment: EipAttachment): Promise<PodSandbox> {
    if (sandbox.eip?.eip === attachment.eip && sandbox.eip.bandwidthMbit === attachment.bandwidthMbit) return sandbox;
    const pod = { uid: sandbox.podUid, ip: sandbox.ip, netnsName: this.#nsName(sandbox.podUid), hostVeth: sandbox.hostVeth };
    await attachEip(this.#tools(), pod, this.#o.subnet, attachment);
    const next = { ...sandbox, eip: attachment };
    await this.#save(next);
    return next;
  }

  /** Releases the IP, removes the interface, namespace and files. A missing sandbox is not an error. */
  async tearDown(uid: string): Promise<void> {
    const record = await this.sandbox(uid);
    if (this.#ip !== undefined && record?.eip !== undefined) await detachEip(this.#tools(), uid, record.eip.eip).catch(() => {});
    const name = this.#nsName(uid);
    const netns = `/run/netns/${name}`;
    if (this.#o.binDir !== undefined) {
      // DEL must run even without the namespace: host-local's allocation and the masquerade rule live outside it.
      await cniDel(this.#o.binDir, this.#list(), { containerId: uid, netns: existsSync(netns) ? netns : '', ifName: 'eth0' }).catch(() => {});
    }
    if (existsSync(netns) && this.#ip !== undefined) await run(this.#ip, ['netns', 'delete', name]);
    await rm(join(this.#o.stateDir, 'sandboxes', uid), { recursive: true, force: true });
    await rm(this.#record(uid), { force: true });
  }
}

function hostsContent(ip: string, hostname: string): string {
  return [
    '# Kubernetes-managed hosts file.',
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'fe00::0\tip6-mcastprefix',
    'fe00::1\tip6-allnodes',
    'fe00::2\tip6-allrouters',
    `${ip}\t${hostname}`,
    '',
  ].join('\n');
}

/** The host's resolver config; a loopback stub resolver (systemd-resolved) is unreachable from a pod. */
function resolvContent(): string {
  const read = (p: string) => {
    try {
      return readFileSync(p, 'utf8');
    } catch {
      return undefined;
    }
  };
  const host = read('/etc/resolv.conf') ?? '';
  const servers = [...host.matchAll(/^nameserver\s+(\S+)/gm)].map((m) => m[1] as string);
  if (servers.length > 0 && servers.every((s) => s.startsWith('127.'))) return read('/run/systemd/resolve/resolv.conf') ?? host;
  return host;
}
