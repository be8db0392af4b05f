// Image Access Credential: one or more image pull secrets of the namespace, as checkboxes.
import type { KubeObject } from '../api/client.ts';
import { RESOURCES, resourcePath } from '../api/paths.ts';
import { useLiveList } from '../hooks/use-live-list.ts';

const PULL_TYPES = new Set(['kubernetes.io/dockerconfigjson', 'kubernetes.io/dockercfg']);

interface Props {
  namespace: string;
  value: string[];
  onChange(value: string[]): void;
  error?: string | undefined;
}

export function PullSecretPicker({ namespace, value, onChange, error }: Props) {
  const { items, loaded } = useLiveList(resourcePath(RESOURCES.secrets, namespace));
  const secrets = items.filter((s: KubeObject) => PULL_TYPES.has(String(s['type']))).map((s) => s.metadata.name ?? '').sort();
  const toggle = (name: string, on: boolean): void => onChange(on ? [...value, name] : value.filter((n) => n !== name));
  return (
    <fieldset className={error !== undefined ? 'field-invalid' : undefined} aria-describedby="pull-secrets-hint">
      <legend>Image Access Credential</legend>
      <p className="field-hint" id="pull-secrets-hint">
        Image pull secrets of {namespace} to pull the image with (imagePullSecrets).
      </p>
      {loaded && secrets.length === 0 && <p className="muted">No image pull secrets in {namespace}: create one on the Secrets page.</p>}
      <div className="checks">
        {secrets.map((name) => (
          <div className="check" key={name}>
            <input id={`pull-secret-${name}`} type="checkbox" checked={value.includes(name)} onChange={(e) => toggle(name, e.target.checked)} />
            <label htmlFor={`pull-secret-${name}`}>{name}</label>
          </div>
        ))}
      </div>
      {error !== undefined && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}
