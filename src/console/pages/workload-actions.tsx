// Scale, edit image, restart and delete a Deployment or StatefulSet.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { messageOf } from '../api/errors.ts';
import { resourcePath, workloadResource } from '../api/paths.ts';
import { ConfirmDialog, Dialog, DialogActions } from '../components/dialog.tsx';
import { SelectField, TextField } from '../components/fields.tsx';
import { useSession } from '../hooks/session.ts';
import { restartPatch, setImagePatch } from '../workloads.ts';
import type { WorkloadRow } from '../workloads.ts';

type Action = 'scale' | 'image' | 'restart' | 'delete';

export function WorkloadActions({ row, onDeleted }: { row: WorkloadRow; onDeleted?: () => void }) {
  const { client, namespace } = useSession();
  const [action, setAction] = useState<Action | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [replicas, setReplicas] = useState(String(row.desired));
  const [container, setContainer] = useState(row.containers[0] ?? '');
  const [image, setImage] = useState(row.images[0] ?? '');
  const path = resourcePath(workloadResource(row.kind), namespace, row.name);

  const open = (a: Action): void => {
    setError(undefined);
    setBusy(false);
    setReplicas(String(row.desired));
    setContainer(row.containers[0] ?? '');
    setImage(row.images[0] ?? '');
    setAction(a);
  };
  async function run(work: () => Promise<unknown>, after?: () => void): Promise<void> {
    setBusy(true);
    setError(undefined);
    try {
      await work();
      setAction(undefined);
      after?.();
    } catch (err) {
      setError(messageOf(err));
      setBusy(false);
    }
  }
  const submitScale = (e: FormEvent): void => {
    e.preventDefault();
    if (!/^\d+$/.test(replicas.trim())) return setError('Enter a whole number of replicas (0 or more).');
    void run(() => client.patch(path, { spec: { replicas: Number(replicas.trim()) } }));
  };
  const submitImage = (e: FormEvent): void => {
    e.preventDefault();
    if (image.trim() === '') return setError('Enter the image, e.g. registry.example.com:5000/team/app:v2.');
    void run(() => client.patch(path, setImagePatch(container, image.trim()), 'strategic'));
  };
  const label = `${row.kind} ${row.name}`;

  return (
    <div className="row-actions">
      <button type="button" onClick={() => open('scale')} aria-label={`Scale ${label}`}>
        Scale
      </button>
      <button type="button" onClick={() => open('image')} aria-label={`Edit image of ${label}`}>
        Edit image
      </button>
      <button type="button" onClick={() => open('restart')} aria-label={`Restart ${label}`}>
        Restart
      </button>
      <button type="button" className="danger-text" onClick={() => open('delete')} aria-label={`Delete ${label}`}>
        Delete
      </button>
      {action === 'scale' && (
        <Dialog title={`Scale ${row.name}`} onClose={() => setAction(undefined)}>
          <form className="dialog-body form" onSubmit={submitScale} noValidate>
            <TextField id="scale-replicas" label="Replicas" value={replicas} onChange={setReplicas} inputMode="numeric" error={error} />
            <DialogActions onCancel={() => setAction(undefined)} label="Scale" busy={busy} />
          </form>
        </Dialog>
      )}
      {action === 'image' && (
        <Dialog title={`Edit image of ${row.name}`} onClose={() => setAction(undefined)}>
          <form className="dialog-body form" onSubmit={submitImage} noValidate>
            {row.containers.length > 1 && (
              <SelectField
                id="edit-container"
                label="Container"
                value={container}
                options={row.containers.map((c) => ({ value: c, label: c }))}
                onChange={(c) => {
                  setContainer(c);
                  setImage(row.images[row.containers.indexOf(c)] ?? '');
                }}
              />
            )}
            <TextField id="edit-image" label="Image" value={image} onChange={setImage} error={error} />
            <DialogActions onCancel={() => setAction(undefined)} label="Save" busy={busy} />
          </form>
        </Dialog>
      )}
      {action === 'restart' && (
        <ConfirmDialog
          title={`Restart ${row.name}`}
          message={<p>Replace every pod of {label}, as kubectl rollout restart does?</p>}
          confirmLabel="Restart"
          busy={busy}
          error={error}
          onConfirm={() => void run(() => client.patch(path, restartPatch(new Date()), 'strategic'))}
          onClose={() => setAction(undefined)}
        />
      )}
      {action === 'delete' && (
        <ConfirmDialog
          title={`Delete ${row.name}`}
          message={<p>Delete {label} and its pods from {namespace}?</p>}
          confirmLabel="Delete"
          busy={busy}
          error={error}
          onConfirm={() => void run(() => client.delete(path), onDeleted)}
          onClose={() => setAction(undefined)}
        />
      )}
    </div>
  );
}
