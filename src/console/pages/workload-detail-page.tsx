// One Deployment or StatefulSet: its state and actions, its pods, live events and logs.
import { useEffect, useState } from 'react';
import type { KubeObject } from '../api/client.ts';
import { messageOf } from '../api/errors.ts';
import { RESOURCES, resourcePath, workloadResource } from '../api/paths.ts';
import type { WorkloadKind } from '../api/paths.ts';
import { NavLink } from '../components/nav-link.tsx';
import { age, shortDigest } from '../format.ts';
import { useLiveList } from '../hooks/use-live-list.ts';
import { useNow } from '../hooks/use-now.ts';
import { useSession } from '../hooks/session.ts';
import { podRow } from '../pods.ts';
import { navigate } from '../router.ts';
import { workloadRow } from '../workloads.ts';
import { EventsList } from './events-list.tsx';
import { LogViewer } from './log-viewer.tsx';
import { WorkloadActions } from './workload-actions.tsx';
import { DataTable } from '../components/data-table.tsx';

function selectorOf(o: KubeObject | undefined): string | undefined {
  const labels = (o?.['spec'] as { selector?: { matchLabels?: Record<string, string> } } | undefined)?.selector?.matchLabels;
  if (labels === undefined) return undefined;
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

export function WorkloadDetailPage({ kind, name }: { kind: WorkloadKind; name: string }) {
  const { namespace } = useSession();
  const now = useNow();
  const [gone, setGone] = useState<string | undefined>();
  const self = useLiveList(resourcePath(workloadResource(kind), namespace), { fieldSelector: `metadata.name=${name}` });
  const object = self.items[0];
  const selector = selectorOf(object);
  const pods = useLiveList(selector === undefined ? undefined : resourcePath(RESOURCES.pods, namespace), selector === undefined ? {} : { labelSelector: selector });
  const podRows = pods.items.map(podRow).sort((a, b) => a.name.localeCompare(b.name));
  useEffect(() => setGone(self.loaded && object === undefined ? `No ${kind} named ${name} in ${namespace}.` : undefined), [self.loaded, object, kind, name, namespace]);
  const row = object === undefined ? undefined : workloadRow(kind, object);

  return (
    <section aria-labelledby="workload-title">
      <div className="page-head">
        <h1 id="workload-title">
          {name} <span className="muted kind-tag">{kind}</span>
        </h1>
        <NavLink to={{ page: 'workloads' }}>Back to workloads</NavLink>
      </div>
      {self.error !== undefined && <p className="banner banner-error">{messageOf(self.error)}</p>}
      {gone !== undefined && <p className="banner">{gone}</p>}
      {row !== undefined && (
        <div className="card summary">
          <dl>
            <div>
              <dt>Ready</dt>
              <dd data-testid="detail-ready">
                {row.ready}/{row.desired}
              </dd>
            </div>
            <div>
              <dt>Up-to-date</dt>
              <dd>{row.upToDate}</dd>
            </div>
            <div>
              <dt>Available</dt>
              <dd>{row.available}</dd>
            </div>
            <div>
              <dt>Age</dt>
              <dd>{age(row.created, now)}</dd>
            </div>
            <div className="wide">
              <dt>Images</dt>
              <dd className="mono wrap">{row.images.join(', ')}</dd>
            </div>
          </dl>
          <WorkloadActions row={row} onDeleted={() => navigate({ page: 'workloads' })} />
        </div>
      )}
      <section aria-labelledby="pods-title">
        <h2 id="pods-title">Pods</h2>
        {pods.loaded && podRows.length === 0 && <p className="muted">No pods.</p>}
        {podRows.length > 0 && (
          <DataTable columns={['Name', 'Ready', 'Status', 'Restarts', 'Node', 'Image digest', 'Age']}>
            {podRows.map((p) => (
              <tr key={p.name} data-testid={`pod-${p.name}`}>
                <th scope="row" className="mono">
                  {p.name}
                </th>
                <td>{p.ready}</td>
                <td className={p.status === 'Running' ? 'ok' : p.status === 'Pending' || p.status === 'ContainerCreating' ? 'pending' : 'bad'} data-testid="pod-status">
                  {p.status}
                </td>
                <td>{p.restarts}</td>
                <td>{p.node || '—'}</td>
                <td className="mono">
                  {p.containers.map((c) => (
                    <span key={c.name} title={c.imageID} className="digest">
                      {c.imageID === '' ? '—' : shortDigest(c.imageID)}
                    </span>
                  ))}
                </td>
                <td>{age(p.created, now)}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
      <EventsList kind={kind} name={name} podNames={podRows.map((p) => p.name)} />
      <LogViewer pods={podRows} />
    </section>
  );
}
