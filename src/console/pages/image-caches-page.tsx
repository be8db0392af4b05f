// ImageCaches (cluster-scoped) with their phase and progress, live through a watch.
import { useState } from 'react';
import { messageOf } from '../api/errors.ts';
import { RESOURCES, resourcePath } from '../api/paths.ts';
import { ConfirmDialog } from '../components/dialog.tsx';
import { ListStatus } from '../components/list-status.tsx';
import { age } from '../format.ts';
import { useLiveList } from '../hooks/use-live-list.ts';
import { useNow } from '../hooks/use-now.ts';
import { useSession } from '../hooks/session.ts';
import { CreateImageCacheDialog } from './create-image-cache-dialog.tsx';
import { DataTable } from '../components/data-table.tsx';

export function ImageCachesPage() {
  const { client } = useSession();
  const list = useLiveList(resourcePath(RESOURCES.imagecaches));
  const now = useNow();
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const items = [...list.items].sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  return (
    <section aria-labelledby="ic-title">
      <div className="page-head">
        <h1 id="ic-title">Image caches</h1>
        <button type="button" className="primary" onClick={() => setCreating(true)}>
          Create image cache
        </button>
      </div>
      <p className="muted">Images pulled onto the nodes ahead of the pods that use them (eci.alibabacloud.com/v1 ImageCache, cluster-wide).</p>
      <ListStatus loaded={list.loaded} error={list.error} count={items.length} empty="No image caches." />
      {items.length > 0 && (
        <DataTable columns={['Name', 'Phase', 'Progress', 'Images', 'Age']} actions>
          {items.map((ic) => {
            const status = (ic['status'] ?? {}) as { phase?: string; progress?: string; reason?: string; message?: string };
            const images = ((ic['spec'] as { images?: string[] } | undefined)?.images ?? []).join(', ');
            return (
              <tr key={ic.metadata.uid ?? ic.metadata.name}>
                <th scope="row">{ic.metadata.name}</th>
                <td className={status.phase === 'Ready' ? 'ok' : status.phase?.includes('Failed') === true ? 'bad' : 'pending'} title={status.message ?? (status.phase === undefined ? 'No phase reported yet' : undefined)}>
                  {status.phase ?? '—'}
                </td>
                <td>{status.progress ?? '—'}</td>
                <td className="mono wrap">{images}</td>
                <td>{age(ic.metadata.creationTimestamp, now)}</td>
                <td className="actions">
                  <button type="button" className="danger-text" aria-label={`Delete image cache ${ic.metadata.name ?? ''}`} onClick={() => (setError(undefined), setDeleting(ic.metadata.name))}>
                    Delete
                  </button>
                </td>
              </tr>
            );
          })}
        </DataTable>
      )}
      {creating && <CreateImageCacheDialog onClose={() => setCreating(false)} />}
      {deleting !== undefined && (
        <ConfirmDialog
          title="Delete image cache"
          message={<p>Delete image cache {deleting}?</p>}
          confirmLabel="Delete"
          error={error}
          onConfirm={() =>
            void client
              .delete(resourcePath(RESOURCES.imagecaches, undefined, deleting))
              .then(() => setDeleting(undefined))
              .catch((err: unknown) => setError(messageOf(err)))
          }
          onClose={() => setDeleting(undefined)}
        />
      )}
    </section>
  );
}
