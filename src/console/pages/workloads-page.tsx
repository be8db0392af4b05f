// Deployments and StatefulSets of the namespace, live through watches.
import { RESOURCES, resourcePath } from '../api/paths.ts';
import { ListStatus } from '../components/list-status.tsx';
import { NavLink } from '../components/nav-link.tsx';
import { age } from '../format.ts';
import { useLiveList } from '../hooks/use-live-list.ts';
import { useNow } from '../hooks/use-now.ts';
import { useSession } from '../hooks/session.ts';
import { workloadRow } from '../workloads.ts';
import { WorkloadActions } from './workload-actions.tsx';
import { DataTable } from '../components/data-table.tsx';

export function WorkloadsPage() {
  const { namespace } = useSession();
  const deployments = useLiveList(resourcePath(RESOURCES.deployments, namespace));
  const statefulSets = useLiveList(resourcePath(RESOURCES.statefulsets, namespace));
  const now = useNow();
  const rows = [...deployments.items.map((d) => workloadRow('Deployment', d)), ...statefulSets.items.map((s) => workloadRow('StatefulSet', s))].sort((a, b) => a.name.localeCompare(b.name) || a.kind.localeCompare(b.kind));
  const loaded = deployments.loaded && statefulSets.loaded;
  return (
    <section aria-labelledby="workloads-title">
      <div className="page-head">
        <h1 id="workloads-title">Workloads</h1>
        <NavLink to={{ page: 'workload-new' }} className="button primary">
          Create Workload
        </NavLink>
      </div>
      <ListStatus loaded={loaded} error={deployments.error ?? statefulSets.error} count={rows.length} empty={`No Deployments or StatefulSets in ${namespace}.`} />
      {rows.length > 0 && (
        <DataTable columns={['Name', 'Type', 'Ready', 'Up-to-date', 'Available', 'Age', 'Images']} actions className="workloads">
          {rows.map((r) => (
            <tr key={`${r.kind}/${r.name}`} data-testid={`workload-${r.name}`}>
              <th scope="row">
                <NavLink to={{ page: 'workload', kind: r.kind, name: r.name }}>{r.name}</NavLink>
              </th>
              <td>{r.kind}</td>
              <td className={r.ready === r.desired ? 'ok' : 'pending'} data-testid="ready">
                {r.ready}/{r.desired}
              </td>
              <td>{r.upToDate}</td>
              <td>{r.available}</td>
              <td>{age(r.created, now)}</td>
              <td className="mono wrap">{r.images.join(', ')}</td>
              <td className="actions">
                <WorkloadActions row={r} />
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}
