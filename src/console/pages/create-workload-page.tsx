// Create Workload: a Deployment or StatefulSet from a third-party image, checked as the server
// checks it while typing, with a YAML view of exactly what will be sent.
import type { FormEvent } from 'react';
import { stringify } from 'yaml';
import { ConsoleApiError } from '../api/client.ts';
import { messageOf } from '../api/errors.ts';
import { RESOURCES, resourcePath, workloadResource } from '../api/paths.ts';
import type { WorkloadKind } from '../api/paths.ts';
import { FormError, SelectField, TextField } from '../components/fields.tsx';
import { KeyValueEditor } from '../components/key-value-editor.tsx';
import { NavLink } from '../components/nav-link.tsx';
import { GENERAL, hasErrors } from '../forms/field-errors.ts';
import type { FormErrors } from '../forms/field-errors.ts';
import { buildWorkload, emptyWorkloadForm, PULL_POLICIES, validateWorkloadForm, workloadErrorsFromCauses } from '../forms/workload-form.ts';
import type { PullPolicy, WorkloadFormValues } from '../forms/workload-form.ts';
import { useLiveList } from '../hooks/use-live-list.ts';
import { useSession } from '../hooks/session.ts';
import { navigate } from '../router.ts';
import { AnnotationHelperFields } from './annotation-helper-fields.tsx';
import { PullSecretPicker } from './pull-secret-picker.tsx';
import { useForm } from '../hooks/use-form.ts';

const KINDS = [
  { value: 'Deployment', label: 'Deployment' },
  { value: 'StatefulSet', label: 'StatefulSet' },
] as const;

export function CreateWorkloadPage() {
  const { client, namespace } = useSession();
  const { values, errors, show, set, serverErrors, setServerErrors, submitted, setSubmitted, busy, setBusy } = useForm<WorkloadFormValues>(
    () => emptyWorkloadForm(namespace),
    validateWorkloadForm,
    // The annotation helpers are one touched group.
    (field) => (field.split('.')[0] === 'helpers' ? 'helpers' : field),
  );
  const namespaces = useLiveList(resourcePath(RESOURCES.namespaces));

  const visible: FormErrors = Object.fromEntries(Object.keys({ ...errors, ...serverErrors }).flatMap((k) => (show(k) === undefined ? [] : [[k, show(k) as string]])));

  async function submit(e: FormEvent): Promise<void> {
    e.preventDefault();
    setSubmitted(true);
    if (hasErrors(errors)) {
      document.querySelector<HTMLElement>('.create-workload [aria-invalid="true"], .create-workload .field-invalid input')?.focus();
      return;
    }
    setBusy(true);
    try {
      await client.create(resourcePath(workloadResource(values.kind), values.namespace), buildWorkload(values));
      navigate({ page: 'workload', kind: values.kind, name: values.name });
    } catch (err) {
      setServerErrors(err instanceof ConsoleApiError && err.causes.length > 0 ? workloadErrorsFromCauses(err.causes) : { [GENERAL]: messageOf(err) });
      setBusy(false);
    }
  }

  const nsOptions = [...new Set([values.namespace, ...namespaces.items.map((n) => n.metadata.name ?? '')])].filter((n) => n !== '').sort().map((n) => ({ value: n, label: n }));
  return (
    <section aria-labelledby="create-workload-title" className="create-workload">
      <div className="page-head">
        <h1 id="create-workload-title">Create Workload</h1>
        <NavLink to={{ page: 'workloads' }}>Back to workloads</NavLink>
      </div>
      <div className="split">
        <form onSubmit={(e) => void submit(e)} noValidate className="form card">
          <h2>Basic info</h2>
          <div className="grid-2">
            <TextField id="name" label="Name" value={values.name} onChange={(name) => set({ name })} error={show('name')} required hint="Lowercase letters, digits, “-” and “.”." />
            <SelectField id="workload-namespace" label="Namespace" value={values.namespace} options={nsOptions} onChange={(ns) => set({ namespace: ns, pullSecrets: [] })} error={show('namespace')} />
            <SelectField<WorkloadKind> id="kind" label="Type" value={values.kind} options={KINDS} onChange={(kind) => set({ kind })} />
            <TextField id="replicas" label="Replicas" value={values.replicas} inputMode="numeric" onChange={(replicas) => set({ replicas })} error={show('replicas')} />
          </div>
          <h2>Container</h2>
          <TextField id="image" label="Image" value={values.image} onChange={(image) => set({ image })} error={show('image')} placeholder="registry.example.com:5000/team/app:v1" required hint="The third-party image path, with its registry." />
          <PullSecretPicker namespace={values.namespace} value={values.pullSecrets} onChange={(pullSecrets) => set({ pullSecrets })} error={show('pullSecrets')} />
          <SelectField<PullPolicy>
            id="pull-policy"
            label="Image pull policy"
            value={values.imagePullPolicy}
            options={PULL_POLICIES.map((p) => ({ value: p, label: p === '' ? 'Default (Always for :latest, else IfNotPresent)' : p }))}
            onChange={(imagePullPolicy) => set({ imagePullPolicy })}
            error={show('imagePullPolicy')}
          />
          <div className="grid-2">
            <TextField id="cpu-request" label="CPU request" value={values.cpuRequest} onChange={(cpuRequest) => set({ cpuRequest })} error={show('cpuRequest')} placeholder="250m" />
            <TextField id="cpu-limit" label="CPU limit" value={values.cpuLimit} onChange={(cpuLimit) => set({ cpuLimit })} error={show('cpuLimit')} placeholder="1" />
            <TextField id="memory-request" label="Memory request" value={values.memoryRequest} onChange={(memoryRequest) => set({ memoryRequest })} error={show('memoryRequest')} placeholder="256Mi" />
            <TextField id="memory-limit" label="Memory limit" value={values.memoryLimit} onChange={(memoryLimit) => set({ memoryLimit })} error={show('memoryLimit')} placeholder="512Mi" />
          </div>
          <h2>Labels and annotations</h2>
          <KeyValueEditor id="labels" legend="Labels" rows={values.labels} onChange={(labels) => set({ labels })} error={show('labels')} keyPlaceholder="app" valuePlaceholder={values.name || 'value'} />
          <p className="field-hint">Without labels, the pods get app: {values.name || '<name>'}.</p>
          <KeyValueEditor id="annotations" legend="Pod annotations" rows={values.annotations} onChange={(annotations) => set({ annotations })} error={show('annotations')} />
          <AnnotationHelperFields value={values.helpers} onChange={(helpers) => set({ helpers })} errors={visible} />
          <FormError message={serverErrors[GENERAL]} />
          {submitted && hasErrors(errors) && (
            <p className="form-error" role="alert">
              Fix the fields marked above, then create.
            </p>
          )}
          <div className="form-actions">
            <NavLink to={{ page: 'workloads' }} className="button">
              Cancel
            </NavLink>
            <button type="submit" className="primary" disabled={busy}>
              {busy ? 'Creating…' : 'Create'}
            </button>
          </div>
        </form>
        <aside className="card yaml-view" aria-labelledby="yaml-title">
          <h2 id="yaml-title">YAML</h2>
          <pre tabIndex={0} aria-label="The manifest that will be created">{stringify(buildWorkload(values), { aliasDuplicateObjects: false })}</pre>
        </aside>
      </div>
    </section>
  );
}
