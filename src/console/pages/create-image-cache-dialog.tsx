// Create an ImageCache: images to pull onto the nodes ahead of pods, with pull secrets of any
// namespace (`namespace:name`).
import type { FormEvent } from 'react';
import { ConsoleApiError } from '../api/client.ts';
import { messageOf } from '../api/errors.ts';
import { RESOURCES, resourcePath } from '../api/paths.ts';
import { Dialog, DialogActions } from '../components/dialog.tsx';
import { FormError, TextField } from '../components/fields.tsx';
import { GENERAL, hasErrors } from '../forms/field-errors.ts';
import { buildImageCache, emptyImageCacheForm, imageCacheErrorsFromCauses, validateImageCacheForm } from '../forms/image-cache-form.ts';
import type { ImageCacheFormValues } from '../forms/image-cache-form.ts';
import { useLiveList } from '../hooks/use-live-list.ts';
import { useSession } from '../hooks/session.ts';
import { useForm } from '../hooks/use-form.ts';

export function CreateImageCacheDialog({ onClose }: { onClose(): void }) {
  const { client } = useSession();
  const { values, errors, show, set, serverErrors, setServerErrors, setSubmitted, busy, setBusy } = useForm<ImageCacheFormValues>(emptyImageCacheForm, validateImageCacheForm);
  // Only image pull secrets, listed by type with the server's field selector.
  const secrets = useLiveList(resourcePath(RESOURCES.secrets), { fieldSelector: 'type=kubernetes.io/dockerconfigjson' });
  const choices = secrets.items.map((s) => `${s.metadata.namespace ?? ''}:${s.metadata.name ?? ''}`).sort();

  async function submit(e: FormEvent): Promise<void> {
    e.preventDefault();
    setSubmitted(true);
    if (hasErrors(errors)) return;
    setBusy(true);
    try {
      await client.create(resourcePath(RESOURCES.imagecaches), buildImageCache(values));
      onClose();
    } catch (err) {
      setServerErrors(err instanceof ConsoleApiError && err.causes.length > 0 ? imageCacheErrorsFromCauses(err.causes) : { [GENERAL]: messageOf(err) });
      setBusy(false);
    }
  }

  return (
    <Dialog title="Create image cache" onClose={onClose} wide>
      <form className="dialog-body form" onSubmit={(e) => void submit(e)} noValidate>
        <TextField id="ic-name" label="Name" value={values.name} onChange={(name) => set({ name })} error={show('name')} required />
        <TextField id="ic-images" label="Images" multiline value={values.images} onChange={(images) => set({ images })} error={show('images')} placeholder="registry.example.com:5000/team/app:v1" hint="One image per line." required />
        <fieldset>
          <legend>Image pull secrets</legend>
          {secrets.loaded && choices.length === 0 && <p className="muted">No image pull secrets in the cluster.</p>}
          <div className="checks">
            {choices.map((c) => (
              <div className="check" key={c}>
                <input id={`ic-secret-${c}`} type="checkbox" checked={values.pullSecrets.includes(c)} onChange={(e) => set({ pullSecrets: e.target.checked ? [...values.pullSecrets, c] : values.pullSecrets.filter((x) => x !== c) })} />
                <label htmlFor={`ic-secret-${c}`}>{c}</label>
              </div>
            ))}
          </div>
          {show('pullSecrets') !== undefined && <p className="field-error">{show('pullSecrets')}</p>}
        </fieldset>
        <div className="grid-2">
          <TextField id="ic-size" label="Cache size (GiB)" value={values.imageCacheSize} inputMode="numeric" onChange={(imageCacheSize) => set({ imageCacheSize })} error={show('imageCacheSize')} placeholder="20" />
          <TextField id="ic-retention" label="Retention (days)" value={values.retentionDays} inputMode="numeric" onChange={(retentionDays) => set({ retentionDays })} error={show('retentionDays')} placeholder="7" />
        </div>
        <FormError message={serverErrors[GENERAL]} />
        <DialogActions onCancel={onClose} label={busy ? 'Creating…' : 'Create'} busy={busy} />
      </form>
    </Dialog>
  );
}
