// Runs CNI plugins (Debian `containernetworking-plugins`) the way a container runtime does: the
// plugin binary with CNI_* variables and the network configuration on stdin, chained by passing
// each plugin's result as the next one's prevResult, and deleted in reverse order.
// https://github.com/containernetworking/cni/blob/spec-v1.0.0/SPEC.md
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { execFile } from '../spawn/spawner.ts';
import { NetworkError, NetworkErrorCode } from './errors.ts';

export const CNI_BIN_DIRS = ['/usr/lib/cni', '/opt/cni/bin'];
export const CNI_INSTALL_HINT = 'apt-get install containernetworking-plugins iproute2 iptables';

export interface CniPluginConfig {
  type: string;
  [key: string]: unknown;
}

export interface CniNetworkList {
  cniVersion: string;
  name: string;
  plugins: CniPluginConfig[];
}

export interface CniRuntime {
  containerId: string;
  netns: string;
  ifName: string;
}

export interface CniResult {
  cniVersion?: string;
  interfaces?: { name: string; mac?: string; sandbox?: string }[];
  ips?: { address: string; gateway?: string; interface?: number }[];
  [key: string]: unknown;
}

/** The first directory holding every plugin named, or undefined. */
export function findCniBinDir(plugins: string[], dirs: string[] = CNI_BIN_DIRS): string | undefined {
  return dirs.find((dir) => plugins.every((p) => {
    try {
      accessSync(join(dir, p), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  }));
}

function invoke(binDir: string, command: 'ADD' | 'DEL' | 'CHECK', plugin: CniPluginConfig, list: CniNetworkList, rt: CniRuntime, prevResult?: CniResult): Promise<CniResult> {
  const config = { ...plugin, cniVersion: list.cniVersion, name: list.name, ...(prevResult === undefined ? {} : { prevResult }) };
  return new Promise((resolve, reject) => {
    execFile(join(binDir, plugin.type), [], {
      env: {
        CNI_COMMAND: command, CNI_CONTAINERID: rt.containerId, CNI_NETNS: rt.netns, CNI_IFNAME: rt.ifName, CNI_PATH: binDir,
        PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
      },
      timeout: 30_000,
      maxBuffer: 1 << 20,
      input: JSON.stringify(config),
    }, (err, stdout) => {
      if (err === null) {
        try {
          resolve(stdout.trim() === '' ? {} : (JSON.parse(stdout) as CniResult));
        } catch {
          reject(new NetworkError(NetworkErrorCode.CniFailed, `CNI plugin ${plugin.type} ${command} printed no JSON: ${stdout.slice(0, 200)}`));
        }
        return;
      }
      // Plugins report errors as {"code", "msg", "details"} on stdout.
      let why = err.message;
      try {
        const e = JSON.parse(stdout) as { msg?: string; details?: string };
        if (e.msg !== undefined) why = e.details ? `${e.msg}: ${e.details}` : e.msg;
      } catch { /* not JSON */ }
      reject(new NetworkError(NetworkErrorCode.CniFailed, `CNI plugin ${plugin.type} ${command} failed: ${why}`));
    });
  });
}

/** ADD through the chain; on a failure the plugins already added are deleted again. */
export async function cniAdd(binDir: string, list: CniNetworkList, rt: CniRuntime): Promise<CniResult> {
  let result: CniResult | undefined;
  const done: CniPluginConfig[] = [];
  try {
    for (const plugin of list.plugins) {
      result = await invoke(binDir, 'ADD', plugin, list, rt, result);
      done.push(plugin);
    }
  } catch (err) {
    for (const plugin of done.reverse()) await invoke(binDir, 'DEL', plugin, list, rt).catch(() => {});
    throw err;
  }
  return result ?? {};
}

/** DEL in reverse order; every plugin is asked even when one fails (the first error is thrown). */
export async function cniDel(binDir: string, list: CniNetworkList, rt: CniRuntime): Promise<void> {
  let first: unknown;
  for (const plugin of [...list.plugins].reverse()) {
    await invoke(binDir, 'DEL', plugin, list, rt).catch((err: unknown) => {
      first ??= err;
    });
  }
  if (first !== undefined) throw first;
}
