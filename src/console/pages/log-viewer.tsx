// A container's log, streamed from pods/NAME/log (with follow, the stream stays open and new
// lines arrive as the container writes them).
import { useEffect, useRef, useState } from 'react';
import { ConsoleApiError, isAbort } from '../api/client.ts';
import { messageOf } from '../api/errors.ts';
import { RESOURCES, resourcePath, withQuery } from '../api/paths.ts';
import { SelectField } from '../components/fields.tsx';
import { useSession } from '../hooks/session.ts';
import type { PodRow } from '../pods.ts';

// Enough for a screenful of history without letting a chatty container grow the page unbounded.
const MAX_CHARS = 256 * 1024;

export function LogViewer({ pods }: { pods: PodRow[] }) {
  const { client, namespace } = useSession();
  const [pod, setPod] = useState(pods[0]?.name ?? '');
  const current = pods.find((p) => p.name === pod) ?? pods[0];
  const [container, setContainer] = useState('');
  const containerName = current?.specContainers.includes(container) === true ? container : (current?.specContainers[0] ?? '');
  const [follow, setFollow] = useState(true);
  const [text, setText] = useState('');
  const [status, setStatus] = useState('');
  const [attempt, setAttempt] = useState(0);
  const pre = useRef<HTMLPreElement>(null);
  const podName = current?.name;
  // A container that restarted has a previous run's log even while it waits.
  const started = current !== undefined && current.containers.some((c) => c.name === containerName && (c.state !== 'waiting' || c.restartCount > 0));

  useEffect(() => {
    setText('');
    if (podName === undefined || containerName === '' || !started) {
      setStatus(podName === undefined ? '' : 'The container has not started yet.');
      return undefined;
    }
    const abort = new AbortController();
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    setStatus(follow ? 'Following…' : 'Loading…');
    const path = withQuery(resourcePath(RESOURCES.pods, namespace, podName, 'log'), { container: containerName, follow: follow ? 'true' : undefined, tailLines: '1000' });
    client
      .stream(path, (chunk) => setText((t) => (t + chunk).slice(-MAX_CHARS)), abort.signal, 'text/plain')
      .then(() => setStatus(follow ? 'The log stream ended (the container stopped).' : ''))
      .catch((err: unknown) => {
        if (isAbort(err)) return;
        setStatus(messageOf(err));
        // A dropped connection while following: reconnect, as kubectl logs -f would be rerun.
        if (follow && err instanceof ConsoleApiError && err.status === 0) retryTimer = setTimeout(() => setAttempt((n) => n + 1), 2000);
      });
    return () => {
      abort.abort();
      clearTimeout(retryTimer);
    };
  }, [client, namespace, podName, containerName, follow, started, attempt]);

  useEffect(() => {
    const el = pre.current;
    if (el !== null && follow) el.scrollTop = el.scrollHeight;
  }, [text, follow]);

  if (pods.length === 0) return null;
  return (
    <section aria-labelledby="logs-title">
      <h2 id="logs-title">Logs</h2>
      <div className="log-controls">
        <SelectField id="log-pod" label="Pod" value={current?.name ?? ''} options={pods.map((p) => ({ value: p.name, label: p.name }))} onChange={setPod} />
        <SelectField id="log-container" label="Container" value={containerName} options={(current?.specContainers ?? []).map((c) => ({ value: c, label: c }))} onChange={setContainer} />
        <div className="check">
          <input id="log-follow" type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} />
          <label htmlFor="log-follow">Follow</label>
        </div>
      </div>
      <p className="muted" role="status">
        {status}
      </p>
      <pre ref={pre} hidden={!started} className="log" tabIndex={0} aria-label={`Log of ${containerName} in ${current?.name ?? ''}`} data-testid="log">
        {text}
      </pre>
    </section>
  );
}
