// Live events of a workload and its pods (Pulling, Pulled, Failed, BackOff, Started...), from two
// watches with the server's event field selectors.
import { RESOURCES, resourcePath } from '../api/paths.ts';
import type { WorkloadKind } from '../api/paths.ts';
import { ListStatus } from '../components/list-status.tsx';
import { age } from '../format.ts';
import { useLiveList } from '../hooks/use-live-list.ts';
import { useNow } from '../hooks/use-now.ts';
import { useSession } from '../hooks/session.ts';
import { byNewest, eventRow, isPodOf } from '../pods.ts';
import { DataTable } from '../components/data-table.tsx';

export function EventsList({ kind, name, podNames }: { kind: WorkloadKind; name: string; podNames: string[] }) {
  const { namespace } = useSession();
  const now = useNow();
  const path = resourcePath(RESOURCES.events, namespace);
  const own = useLiveList(path, { fieldSelector: `involvedObject.kind=${kind},involvedObject.name=${name}` });
  const pods = useLiveList(path, { fieldSelector: 'involvedObject.kind=Pod' });
  const podEvents = pods.items.filter((e) => {
    const pod = (e['involvedObject'] as { name?: string } | undefined)?.name ?? '';
    return podNames.includes(pod) || isPodOf(kind, name, pod);
  });
  const rows = [...own.items, ...podEvents].map(eventRow).sort(byNewest);
  return (
    <section aria-labelledby="events-title">
      <h2 id="events-title">Events</h2>
      <ListStatus loaded={own.loaded && pods.loaded} error={own.error ?? pods.error} count={rows.length} empty="No events yet." />
      {rows.length > 0 && (
        <DataTable columns={['Type', 'Reason', 'Object', 'Message', 'Count', 'Last seen']} className="events" live>
          {rows.map((r) => (
            <tr key={r.key} className={r.type === 'Warning' ? 'warning' : undefined}>
              <td>{r.type}</td>
              <td>{r.reason}</td>
              <td className="mono">{r.object}</td>
              <td className="wrap message">{r.message}</td>
              <td>{r.count}</td>
              <td>{age(r.last, now)}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}
