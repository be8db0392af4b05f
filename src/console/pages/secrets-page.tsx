// Secrets of the namespace (name, type, data count, age), live through a watch; create and delete.
import { useState } from 'react';
import type { KubeObject } from '../api/client.ts';
import { messageOf } from '../api/errors.ts';
import { RESOURCES, resourcePath } from '../api/paths.ts';
import { ConfirmDialog } from '../components/dialog.tsx';
import { ListStatus } from '../components/list-status.tsx';
import { age } from '../format.ts';
import { useLiveList } from '../hooks/use-live-list.ts';
import { useNow } from '../hooks/use-now.ts';
import { useSession } from '../hooks/session.ts';
import { CreateSecretDialog } from './create-secret-dialog.tsx';
import { DataTable } from '../components/data-table.tsx';

export function SecretsPage() {
  const { client, namespace } = useSession();
  const list = useLiveList(resourcePath(RESOURCES.secrets, namespace));
  const now = useNow();
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<string | undefined>();
  const [deleteError, setDeleteError] = useState<string | undefined>();
  const items = [...list.items].sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));

  async function remove(name: string): Promise<void> {
    try {
      await client.delete(resourcePath(RESOURCES.secrets, namespace, name));
      setDeleting(undefined);
    } catch (err) {
      setDeleteError(messageOf(err));
    }
  }

  return (
    <section aria-labelledby="secrets-title">
      <div className="page-head">
        <h1 id="secrets-title">Secrets</h1>
        <button type="button" className="primary" onClick={() => setCreating(true)}>
          Create Secret
        </button>
      </div>
      <ListStatus loaded={list.loaded} error={list.error} count={items.length} empty={`No secrets in ${namespace}.`} />
      {items.length > 0 && (
        <DataTable columns={['Name', 'Type', 'Data', 'Age']} actions>
          {items.map((s: KubeObject) => (
            <tr key={s.metadata.uid ?? s.metadata.name}>
              <th scope="row">{s.metadata.name}</th>
              <td className="mono">{String(s['type'] ?? 'Opaque')}</td>
              <td>{Object.keys((s['data'] as Record<string, unknown> | undefined) ?? {}).length}</td>
              <td>{age(s.metadata.creationTimestamp, now)}</td>
              <td className="actions">
                <button type="button" className="danger-text" onClick={() => (setDeleteError(undefined), setDeleting(s.metadata.name))} aria-label={`Delete secret ${s.metadata.name ?? ''}`}>
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {creating && <CreateSecretDialog onClose={() => setCreating(false)} />}
      {deleting !== undefined && (
        <ConfirmDialog
          title="Delete secret"
          message={
            <p>
              Delete secret <strong>{deleting}</strong> from {namespace}? Workloads that pull with it will fail their next pull.
            </p>
          }
          confirmLabel="Delete"
          error={deleteError}
          onConfirm={() => void remove(deleting)}
          onClose={() => setDeleting(undefined)}
        />
      )}
    </section>
  );
}
