// React binding of startLiveList: the list at `path`, current through a watch, for as long as the
// component is mounted (and restarted when the path or selectors change).
import { useEffect, useState } from 'react';
import type { KubeObject } from '../api/client.ts';
import { startLiveList } from '../api/live-list.ts';
import type { LiveListOptions, LiveListState } from '../api/live-list.ts';
import { useSession } from './session.ts';

export function useLiveList<T extends KubeObject = KubeObject>(path: string | undefined, options: LiveListOptions = {}): LiveListState<T> {
  const { client } = useSession();
  const [state, setState] = useState<LiveListState<T>>({ items: [], loaded: false, error: undefined });
  const { labelSelector, fieldSelector } = options;
  useEffect(() => {
    setState({ items: [], loaded: false, error: undefined });
    if (path === undefined) return undefined;
    return startLiveList<T>(client, path, setState, { ...(labelSelector === undefined ? {} : { labelSelector }), ...(fieldSelector === undefined ? {} : { fieldSelector }) });
  }, [client, path, labelSelector, fieldSelector]);
  return state;
}
