// Helpers for the product annotations: EIP (defaults and ranges from seed 000), plain-HTTP and
// insecure registries (seed 003), image replacement rules and burst to the elastic pool (seed 002).
import { SelectField, TextField } from '../components/fields.tsx';
import { BURST_LABEL, BURST_MODES, EIP_DEFAULTS, EIP_NETWORK_TYPES, EIP_RANGES } from '../forms/annotations.ts';
import type { AnnotationHelpers, BurstMode, EipValues } from '../forms/annotations.ts';
import type { FormErrors } from '../forms/field-errors.ts';

interface Props {
  value: AnnotationHelpers;
  onChange(value: AnnotationHelpers): void;
  errors: FormErrors;
}

export function AnnotationHelperFields({ value, onChange, errors }: Props) {
  const eip = (patch: Partial<EipValues>): void => onChange({ ...value, eip: { ...value.eip, ...patch } });
  const range = value.eip.chargeMode === '' ? `${EIP_RANGES.bandwidth.min}-${EIP_RANGES.bandwidth.max} (billed by bandwidth) or ${EIP_RANGES.traffic.min}-${EIP_RANGES.traffic.max} (by traffic)` : `${EIP_RANGES[value.eip.chargeMode].min}-${EIP_RANGES[value.eip.chargeMode].max}`;
  return (
    <>
      <fieldset>
        <legend>Elastic IP</legend>
        <div className="check">
          <input id="eip-enabled" type="checkbox" checked={value.eip.enabled} onChange={(e) => eip({ enabled: e.target.checked })} aria-describedby="eip-enabled-hint" />
          <label htmlFor="eip-enabled">Bind an EIP to each pod</label>
        </div>
        <p className="field-hint" id="eip-enabled-hint">
          Writes <code>yangtse.io/pod-with-eip: &quot;true&quot;</code> and the fields below as pod annotations.
        </p>
        {errors['helpers.eip.enabled'] !== undefined && <p className="field-error">{errors['helpers.eip.enabled']}</p>}
        {value.eip.enabled && (
          <div className="grid-2">
            <SelectField
              id="eip-charge-mode"
              label="Charge mode"
              value={value.eip.chargeMode}
              options={[
                { value: '', label: 'Region default' },
                { value: 'bandwidth', label: 'bandwidth' },
                { value: 'traffic', label: 'traffic' },
              ]}
              onChange={(chargeMode) => eip({ chargeMode })}
              error={errors['helpers.eip.chargeMode']}
            />
            <TextField id="eip-bandwidth-size" label="Bandwidth (Mbit/s)" value={value.eip.bandwidthSize} inputMode="numeric" onChange={(bandwidthSize) => eip({ bandwidthSize })} error={errors['helpers.eip.bandwidthSize']} hint={`Default ${EIP_DEFAULTS.bandwidthSize}; ${range}.`} />
            <SelectField id="eip-network-type" label="Network type" value={value.eip.networkType} options={EIP_NETWORK_TYPES.map((t) => ({ value: t, label: t }))} onChange={(networkType) => eip({ networkType })} error={errors['helpers.eip.networkType']} hint={`Default ${EIP_DEFAULTS.networkType}.`} />
            <TextField id="eip-bandwidth-name" label="Bandwidth name" value={value.eip.bandwidthName} onChange={(bandwidthName) => eip({ bandwidthName })} error={errors['helpers.eip.bandwidthName']} hint="Default: the pod's name. 1-64 letters, digits, “-”, “_”, “.”." />
          </div>
        )}
      </fieldset>
      <fieldset>
        <legend>Registries</legend>
        <TextField id="plain-http-registries" label="Plain-HTTP registries" value={value.plainHttpRegistries} onChange={(plainHttpRegistries) => onChange({ ...value, plainHttpRegistries })} error={errors['helpers.plainHttpRegistries']} placeholder="192.168.1.10:5000, registry.local" hint="k8s.aliyun.com/plain-http-registry: host or host:port, comma-separated; give the port when the address has one." />
        <TextField id="insecure-registries" label="Insecure registries (TLS not verified)" value={value.insecureRegistries} onChange={(insecureRegistries) => onChange({ ...value, insecureRegistries })} error={errors['helpers.insecureRegistries']} placeholder="registry.example.com:8443" hint="k8s.aliyun.com/insecure-registry, same form." />
      </fieldset>
      <fieldset>
        <legend>Image replacement</legend>
        <p className="field-hint">coordinator.cci.io/image-replacement: images whose name starts with a prefix are pulled from its replacement.</p>
        {value.replacements.map((rule, i) => (
          <div className="kv-row" key={i}>
            <input aria-label={`Rule ${i + 1} repository prefix`} placeholder="docker.io/library" value={rule.repositoryPrefix} onChange={(e) => onChange({ ...value, replacements: value.replacements.map((r, j) => (j === i ? { ...r, repositoryPrefix: e.target.value } : r)) })} />
            <input aria-label={`Rule ${i + 1} replace with`} placeholder="mirror.example.com/library" value={rule.replaceWith} onChange={(e) => onChange({ ...value, replacements: value.replacements.map((r, j) => (j === i ? { ...r, replaceWith: e.target.value } : r)) })} />
            <button type="button" className="icon-button" aria-label={`Remove rule ${i + 1}`} onClick={() => onChange({ ...value, replacements: value.replacements.filter((_, j) => j !== i) })}>
              ×
            </button>
          </div>
        ))}
        <button type="button" className="link-button" onClick={() => onChange({ ...value, replacements: [...value.replacements, { repositoryPrefix: '', replaceWith: '' }] })}>
          + Add rule
        </button>
        {errors['helpers.replacements'] !== undefined && (
          <p className="field-error" role="alert">
            {errors['helpers.replacements']}
          </p>
        )}
      </fieldset>
      <SelectField<BurstMode>
        id="burst"
        label="Burst to the elastic pool"
        value={value.burst}
        options={[{ value: '', label: 'Off (no label)' }, ...BURST_MODES.map((m) => ({ value: m, label: m }))]}
        onChange={(burst) => onChange({ ...value, burst })}
        error={errors['helpers.burst']}
        hint={`The ${BURST_LABEL} pod label: auto bursts when nodes are full, enforce always.`}
      />
    </>
  );
}
