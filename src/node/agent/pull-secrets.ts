// A pod's registry credentials: its imagePullSecrets, read from the pod's own namespace only
// (ARCHITECTURE.md, security stance), parsed into the image engine's Keyring. A secret that is
// missing or unreadable is reported and skipped, as the kubelet's getPullSecretsForPod does.
// https://github.com/kubernetes/kubernetes/blob/v1.32.4/pkg/kubelet/kubelet_pods.go (getPullSecretsForPod)
// https://github.com/kubernetes/kubernetes/blob/v1.32.4/pkg/credentialprovider/secrets/secrets.go
import { Keyring } from '../../image/index.ts';
import type { KeyringAddOptions } from '../../image/index.ts';
import type { KubeObject } from '../../api/object.ts';
import type { KubeClient } from '../../client/index.ts';
import type { Pod } from './pod-types.ts';
import { SECRETS } from './refs.ts';

export interface PodKeyring {
  keyring: Keyring;
  /** Secrets named by the pod that could not be read (missing, or not parseable). */
  missing: string[];
}

const DOCKER_KEYS = ['.dockerconfigjson', '.dockercfg'];

export async function podKeyring(client: KubeClient, pod: Pod): Promise<PodKeyring> {
  const namespace = pod.metadata.namespace ?? 'default';
  const secrets = client.resource(SECRETS, namespace);
  const keyring = new Keyring();
  const missing: string[] = [];
  for (const ref of pod.spec.imagePullSecrets ?? []) {
    const name = ref.name;
    if (name === undefined || name === '') continue;
    let secret: KubeObject;
    try {
      secret = await secrets.get(name);
    } catch {
      missing.push(name);
      continue;
    }
    if (!addSecret(keyring, secret, `secret ${namespace}/${name}`)) missing.push(name);
  }
  return { keyring, missing };
}

/** Adds a docker-config Secret's credentials; false when one of its configs does not parse. */
export function addSecret(keyring: Keyring, secret: KubeObject, source: string): boolean {
  const data = (secret['data'] ?? {}) as Record<string, string>;
  const options: KeyringAddOptions = { source };
  let ok = true;
  for (const key of DOCKER_KEYS) {
    const value = data[key];
    if (value === undefined) continue;
    try {
      keyring.add(JSON.parse(Buffer.from(value, 'base64').toString('utf8')), options);
    } catch {
      ok = false;
    }
  }
  return ok;
}
