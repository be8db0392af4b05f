// The namespace the pages show, from the cluster's namespaces (kept current by a watch).
import { RESOURCES, resourcePath } from '../api/paths.ts';
import { useLiveList } from '../hooks/use-live-list.ts';
import { useSession } from '../hooks/session.ts';

export function NamespacePicker() {
  const { namespace, setNamespace } = useSession();
  const { items } = useLiveList(resourcePath(RESOURCES.namespaces));
  const names = items.map((n) => n.metadata.name ?? '').filter((n) => n !== '');
  if (!names.includes(namespace)) names.push(namespace);
  names.sort();
  return (
    <div className="namespace-picker">
      <label htmlFor="namespace">Namespace</label>
      <select id="namespace" value={namespace} onChange={(e) => setNamespace(e.target.value)}>
        {names.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
    </div>
  );
}
