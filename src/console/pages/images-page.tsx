// Images present on each node, as the node agent reports them in Node status.images.
import { RESOURCES, resourcePath } from '../api/paths.ts';
import { ListStatus } from '../components/list-status.tsx';
import { bytes, shortDigest } from '../format.ts';
import { useLiveList } from '../hooks/use-live-list.ts';
import { cachesHolding } from '../images.ts';
import { DataTable } from '../components/data-table.tsx';

interface NodeImage {
  names?: string[];
  sizeBytes?: number;
}

export function ImagesPage() {
  const nodes = useLiveList(resourcePath(RESOURCES.nodes));
  const imageCaches = useLiveList(resourcePath(RESOURCES.imagecaches));
  const caches = imageCaches.items.map((c) => ({ name: c.metadata.name ?? '', images: ((c['spec'] as { images?: string[] } | undefined)?.images ?? []) }));
  const rows = nodes.items.flatMap((n) =>
    (((n['status'] as { images?: NodeImage[] } | undefined)?.images ?? []) as NodeImage[]).map((img, i) => {
      const names = img.names ?? [];
      return {
        key: `${n.metadata.name ?? ''}/${i}`,
        node: n.metadata.name ?? '',
        refs: names.filter((x) => !x.includes('@')),
        digest: names.find((x) => x.includes('@sha256:'))?.split('@')[1] ?? '',
        size: img.sizeBytes,
        caches: cachesHolding(names.filter((x) => !x.includes('@')), caches),
      };
    }),
  );
  return (
    <section aria-labelledby="images-title">
      <div className="page-head">
        <h1 id="images-title">Images</h1>
      </div>
      <p className="muted">Images stored on each node, as its node agent reports them.</p>
      <ListStatus loaded={nodes.loaded} error={nodes.error} count={rows.length} empty={nodes.items.length === 0 ? 'No nodes have joined yet.' : 'No node reports any image yet (Node status.images is empty).'} />
      {rows.length > 0 && (
        <DataTable columns={['Image', 'Digest', 'Size', 'Node', 'Image cache']}>
          {rows.map((r) => (
            <tr key={r.key}>
              <th scope="row" className="mono wrap">
                {r.refs.length > 0 ? r.refs.join(', ') : '<none>'}
              </th>
              <td className="mono" title={r.digest}>
                {r.digest === '' ? '—' : shortDigest(r.digest)}
              </td>
              <td>{bytes(r.size)}</td>
              <td>{r.node}</td>
              <td>{r.caches.length > 0 ? r.caches.join(', ') : '—'}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}
