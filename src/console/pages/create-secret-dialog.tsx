// The seed's Create Secret dialog: Name (checked live with the server's rule), Secret Type,
// Image Repository Address, Username and Password (masked, never shown again once saved).
import type { FormEvent } from 'react';
import { ConsoleApiError } from '../api/client.ts';
import { messageOf } from '../api/errors.ts';
import { RESOURCES, resourcePath } from '../api/paths.ts';
import { Dialog, DialogActions } from '../components/dialog.tsx';
import { FormError, SelectField, TextField } from '../components/fields.tsx';
import { KeyValueEditor } from '../components/key-value-editor.tsx';
import { GENERAL, hasErrors } from '../forms/field-errors.ts';
import { buildSecret, DOCKER_CONFIG_JSON, emptySecretForm, OPAQUE, secretServerErrors, validateSecretForm } from '../forms/secret-form.ts';
import type { SecretFormValues, SecretType } from '../forms/secret-form.ts';
import { useSession } from '../hooks/session.ts';
import { useForm } from '../hooks/use-form.ts';

const TYPES = [
  { value: DOCKER_CONFIG_JSON, label: 'kubernetes.io/dockerconfigjson (image pull)' },
  { value: OPAQUE, label: 'Opaque' },
] as const;

export function CreateSecretDialog({ onClose }: { onClose(): void }) {
  const { client, namespace } = useSession();
  const { values, errors, show: shown, set, serverErrors, setServerErrors, setSubmitted, busy, setBusy } = useForm<SecretFormValues>(() => emptySecretForm(namespace), validateSecretForm);

  async function submit(e: FormEvent): Promise<void> {
    e.preventDefault();
    setSubmitted(true);
    if (hasErrors(errors)) {
      const first = Object.keys(errors)[0];
      if (first !== undefined) document.getElementById(`secret-${first}`)?.focus();
      return;
    }
    setBusy(true);
    try {
      await client.create(resourcePath(RESOURCES.secrets, namespace), buildSecret(values));
      onClose();
    } catch (err) {
      setServerErrors(err instanceof ConsoleApiError && err.causes.length > 0 ? secretServerErrors(err.causes) : { [GENERAL]: messageOf(err) });
      setBusy(false);
    }
  }

  const docker = values.type === DOCKER_CONFIG_JSON;
  return (
    <Dialog title="Create Secret" onClose={onClose}>
      <form onSubmit={(e) => void submit(e)} noValidate className="dialog-body form">
        <p className="muted">
          In namespace <strong>{namespace}</strong>.
        </p>
        <TextField
          id="secret-name"
          label="Name"
          value={values.name}
          onChange={(name) => set({ name })}
          error={shown('name')}
          hint="Up to 253 characters: lowercase letters, digits, “-” and “.”, starting and ending with a letter or digit."
          required
        />
        <SelectField<SecretType> id="secret-type" label="Secret Type" value={values.type} options={TYPES} onChange={(type) => set({ type })} error={shown('type')} />
        {docker ? (
          <fieldset>
            <legend>Data</legend>
            <TextField id="secret-server" label="Image Repository Address" value={values.server} onChange={(server) => set({ server })} error={shown('server')} placeholder="registry.example.com:5000" required />
            <TextField id="secret-username" label="Username" value={values.username} onChange={(username) => set({ username })} error={shown('username')} autoComplete="off" required />
            <TextField id="secret-password" label="Password" type="password" value={values.password} onChange={(password) => set({ password })} error={shown('password')} autoComplete="new-password" required hint="Not shown again after saving." />
            <TextField id="secret-email" label="Email (optional)" type="email" value={values.email} onChange={(email) => set({ email })} error={shown('email')} />
          </fieldset>
        ) : (
          <KeyValueEditor id="secret-entries" legend="Data" rows={values.entries} onChange={(entries) => set({ entries })} error={shown('entries')} secretValues />
        )}
        <FormError message={serverErrors[GENERAL]} />
        <DialogActions onCancel={onClose} label={busy ? 'Creating…' : 'Create'} busy={busy} />
      </form>
    </Dialog>
  );
}
