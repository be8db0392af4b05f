// A container's environment as the kubelet's makeEnvironmentVariables builds it: envFrom
// (ConfigMaps and Secrets, with a prefix, optional), then env in order: `value` with $(VAR)
// expansion, `valueFrom` (secretKeyRef, configMapKeyRef, fieldRef, resourceFieldRef) verbatim.
// Secrets and ConfigMaps are read from the pod's own namespace only, through the API. A missing
// object or key fails with CreateContainerConfig and the kubelet's message.
// https://github.com/kubernetes/kubernetes/blob/v1.32.4/pkg/kubelet/kubelet_pods.go (makeEnvironmentVariables)
import type { KubeObject } from '../../api/object.ts';
import { isNotFound } from '../../client/index.ts';
import type { KubeClient } from '../../client/index.ts';
import type { ResolvedEnvVar } from '../runtime/index.ts';
import { AgentError, AgentErrorCode } from './errors.ts';
import { fieldRefValue, resourceFieldRefValue } from './field-refs.ts';
import type { NodeAllocatable, PodAddresses } from './field-refs.ts';
import type { Pod, PodContainer } from './pod-types.ts';
import { CONFIGMAPS, SECRETS } from './refs.ts';

/** validation.IsEnvVarName: keys of envFrom that fail it are skipped with an event. */
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

export interface EnvLookup {
  /** The object's data (Secret values decoded), or undefined when it does not exist. */
  secret(name: string): Promise<Record<string, string> | undefined>;
  configMap(name: string): Promise<Record<string, string> | undefined>;
}

export interface ResolvedEnv {
  env: ResolvedEnvVar[];
  /** InvalidEnvironmentVariableNames warnings for the pod. */
  warnings: string[];
}

/** Reads through the API client, in the pod's namespace only. */
export function apiEnvLookup(client: KubeClient, namespace: string): EnvLookup {
  const read = async (ref: typeof SECRETS, name: string): Promise<Record<string, string> | undefined> => {
    let obj: KubeObject;
    try {
      obj = await client.resource(ref, namespace).get(name);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw new AgentError(AgentErrorCode.CreateContainerConfig, (err as Error).message, { cause: err });
    }
    return (obj['data'] ?? {}) as Record<string, string>;
  };
  return {
    secret: async (name) => {
      const data = await read(SECRETS, name);
      return data === undefined ? undefined : Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
    },
    configMap: (name) => read(CONFIGMAPS, name),
  };
}

/** `$` doubled, so the runtime's $(VAR) expansion leaves a value that must not be expanded as it is. */
function verbatim(value: string): string {
  return value.replaceAll('$', '$$');
}

function configError(message: string): AgentError {
  return new AgentError(AgentErrorCode.CreateContainerConfig, message);
}

export interface EnvContext {
  pod: Pod;
  container: PodContainer;
  addresses: PodAddresses;
  node: NodeAllocatable;
  lookup: EnvLookup;
}

/**
 * The env for the runtime, in order: envFrom's values and valueFrom's escaped so they stay as they
 * are, `value`s left for the runtime to expand against the earlier entries.
 */
export async function resolveEnv(ctx: EnvContext): Promise<ResolvedEnv> {
  const { pod, container, lookup } = ctx;
  const ns = pod.metadata.namespace ?? 'default';
  const secrets = new Map<string, Record<string, string> | undefined>();
  const configMaps = new Map<string, Record<string, string> | undefined>();
  const secret = async (name: string) => {
    if (!secrets.has(name)) secrets.set(name, await lookup.secret(name));
    return secrets.get(name);
  };
  const configMap = async (name: string) => {
    if (!configMaps.has(name)) configMaps.set(name, await lookup.configMap(name));
    return configMaps.get(name);
  };
  const env: ResolvedEnvVar[] = [];
  const warnings: string[] = [];
  for (const from of container.envFrom ?? []) {
    const ref = from.configMapRef ?? from.secretRef;
    if (ref === undefined) continue;
    const kind = from.configMapRef !== undefined ? 'configMap' : 'secret';
    const name = ref.name ?? '';
    const data = kind === 'configMap' ? await configMap(name) : await secret(name);
    if (data === undefined) {
      if (ref.optional === true) continue;
      throw configError(`${kind === 'configMap' ? 'configmap' : 'secret'} "${name}" not found`);
    }
    const invalid: string[] = [];
    for (const [key, value] of Object.entries(data)) {
      const k = `${from.prefix ?? ''}${key}`;
      if (!ENV_VAR_NAME.test(k)) invalid.push(k);
      else env.push({ name: k, value: verbatim(value) });
    }
    if (invalid.length > 0) {
      warnings.push(`Keys [${invalid.sort().join(', ')}] from the EnvFrom ${kind} ${ns}/${name} were skipped since they are considered invalid environment variable names.`);
    }
  }
  for (const v of container.env ?? []) {
    const value = await envValue(ctx, v, ns, secret, configMap);
    if (value !== undefined) env.push({ name: v.name, value });
  }
  return { env, warnings };
}

type Reader = (name: string) => Promise<Record<string, string> | undefined>;

/** The entry's value for the runtime, or undefined when an optional source is missing. */
async function envValue(ctx: EnvContext, v: NonNullable<PodContainer['env']>[number], ns: string, secret: Reader, configMap: Reader): Promise<string | undefined> {
  const from = v.valueFrom;
  if ((v.value ?? '') !== '' || from === undefined) return v.value ?? '';
  if (from.fieldRef !== undefined) return verbatim(fieldRefValue(from.fieldRef, ctx.pod, ctx.addresses));
  if (from.resourceFieldRef !== undefined) return verbatim(resourceFieldRefValue(from.resourceFieldRef, ctx.pod, ctx.container, ctx.node));
  const keyRef = from.configMapKeyRef ?? from.secretKeyRef;
  if (keyRef === undefined) return '';
  const isConfigMap = from.configMapKeyRef !== undefined;
  const name = keyRef.name ?? '';
  const optional = keyRef.optional === true;
  const data = isConfigMap ? await configMap(name) : await secret(name);
  if (data === undefined) {
    if (optional) return undefined;
    throw configError(`${isConfigMap ? 'configmap' : 'secret'} "${name}" not found`);
  }
  const value = data[keyRef.key];
  if (value === undefined) {
    if (optional) return undefined;
    throw configError(`couldn't find key ${keyRef.key} in ${isConfigMap ? 'ConfigMap' : 'Secret'} ${ns}/${name}`);
  }
  return verbatim(value);
}
