// The container's argv and environment, with Kubernetes' rules:
// https://kubernetes.io/docs/tasks/inject-data-application/define-command-argument-container/#notes
//   - no command, no args: the image's Entrypoint and Cmd;
//   - command, no args: only command (Entrypoint and Cmd are both ignored);
//   - args, no command: the image's Entrypoint with args (Cmd ignored);
//   - command and args: command with args.
// `$(VAR)` references in env values, command and args are expanded like the kubelet's
// third_party/forked/golang/expansion: `$$` is an escaped `$`, an unknown `$(NAME)` stays as
// written, and only the container's own env (earlier entries) and service env vars are visible,
// never the image's ENV (https://kubernetes.io/docs/tasks/inject-data-application/define-interdependent-environment-variables/).

import { RuntimeError, RuntimeErrorCode } from './errors.ts';
import type { ContainerSpec, ImageRuntimeConfig } from './spec-inputs.ts';

/** containerd's default when neither the image nor the pod sets PATH. */
export const DEFAULT_PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** expansion.Expand: `$(NAME)` -> lookup(NAME), `$$` -> `$`, anything else verbatim. */
export function expandKubeVars(input: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== '$' || cursor + 1 >= input.length) continue;
    out += input.slice(checkpoint, cursor);
    const rest = input.slice(cursor + 1);
    let advance = 1;
    if (rest[0] === '$') out += '$';
    else if (rest[0] === '(') {
      const close = rest.indexOf(')', 1);
      if (close === -1) out += '$(';
      else {
        const name = rest.slice(1, close);
        out += lookup(name) ?? `$(${name})`;
        advance = close + 1;
      }
    } else out += `$${rest[0]}`;
    cursor += advance;
    checkpoint = cursor + 1;
  }
  return out + input.slice(checkpoint);
}

/**
 * The Kubernetes-provided env as NAME=VALUE, in spec order with later duplicates winning, each
 * value expanded against earlier entries and the service env; service vars not overridden follow.
 */
export function kubeEnv(container: Pick<ContainerSpec, 'env'>, serviceEnv: Record<string, string> = {}): Map<string, string> {
  const env = new Map<string, string>();
  const lookup = (name: string) => env.get(name) ?? (Object.hasOwn(serviceEnv, name) ? serviceEnv[name] : undefined);
  for (const v of container.env ?? []) env.set(v.name, expandKubeVars(v.value ?? '', lookup));
  for (const [k, v] of Object.entries(serviceEnv)) if (!env.has(k)) env.set(k, v);
  return env;
}

/** argv per the four rules above, `$(VAR)` expanded with the Kubernetes env. */
export function containerArgs(image: ImageRuntimeConfig, container: Pick<ContainerSpec, 'name' | 'command' | 'args'>, env: Map<string, string>): string[] {
  const lookup = (name: string) => env.get(name);
  const command = container.command ?? [];
  const args = container.args ?? [];
  const expand = (list: string[]) => list.map((s) => expandKubeVars(s, lookup));
  let argv: string[];
  if (command.length > 0) argv = [...expand(command), ...expand(args)];
  else if (args.length > 0) argv = [...(image.Entrypoint ?? []), ...expand(args)];
  else argv = [...(image.Entrypoint ?? []), ...(image.Cmd ?? [])];
  if (argv.length === 0) {
    throw new RuntimeError(RuntimeErrorCode.InvalidSpec, `container ${container.name}: no command specified: the image has ` +
      'no Entrypoint or Cmd and the container sets no command or args');
  }
  return argv;
}

/**
 * Final process env, as containerd's CRI plugin builds it: default PATH, HOSTNAME, then the
 * image's Env, then the Kubernetes env, each replacing an earlier entry of the same name in place.
 */
export function processEnv(image: ImageRuntimeConfig, hostname: string, env: Map<string, string>): string[] {
  let out = [DEFAULT_PATH_ENV, `HOSTNAME=${hostname}`];
  out = mergeEnv(out, image.Env ?? []);
  return mergeEnv(out, [...env].map(([k, v]) => `${k}=${v}`));
}

/** containerd's replaceOrAppendEnvValues: same key replaced where it stands, new keys appended. */
export function mergeEnv(base: string[], overrides: string[]): string[] {
  const out = [...base];
  const index = new Map<string, number>();
  out.forEach((e, i) => index.set(envKey(e), i));
  for (const e of overrides) {
    const i = index.get(envKey(e));
    if (i === undefined) {
      index.set(envKey(e), out.length);
      out.push(e);
    } else out[i] = e;
  }
  return out;
}

function envKey(entry: string): string {
  const eq = entry.indexOf('=');
  return eq === -1 ? entry : entry.slice(0, eq);
}
