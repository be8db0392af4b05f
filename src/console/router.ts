// Client-side routes under /console/: the History API, no hash; the server answers index.html
// for every such path, so a reload or a shared link opens the same page.
import { useEffect, useState } from 'react';

export const BASE = '/console';

export type Route =
  | { page: 'workloads' }
  | { page: 'workload-new' }
  | { page: 'workload'; kind: 'Deployment' | 'StatefulSet'; name: string }
  | { page: 'secrets' }
  | { page: 'images' }
  | { page: 'imagecaches' };

export function parseRoute(pathname: string): Route {
  const rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  const parts = rest.split('/').filter((p) => p !== '').map((p) => decodeURIComponent(p));
  const [first, second, third] = parts;
  if (first === 'secrets') return { page: 'secrets' };
  if (first === 'images') return { page: 'images' };
  if (first === 'imagecaches') return { page: 'imagecaches' };
  if (first === 'workloads' && second === 'new') return { page: 'workload-new' };
  if (first === 'workloads' && (second === 'deployments' || second === 'statefulsets') && third !== undefined) {
    return { page: 'workload', kind: second === 'deployments' ? 'Deployment' : 'StatefulSet', name: third };
  }
  return { page: 'workloads' };
}

export function routePath(route: Route): string {
  switch (route.page) {
    case 'workload':
      return `${BASE}/workloads/${route.kind === 'Deployment' ? 'deployments' : 'statefulsets'}/${encodeURIComponent(route.name)}`;
    case 'workload-new':
      return `${BASE}/workloads/new`;
    default:
      return `${BASE}/${route.page}`;
  }
}

const NAVIGATE = 'ferry:navigate';

export function navigate(route: Route): void {
  window.history.pushState(null, '', routePath(route));
  window.dispatchEvent(new Event(NAVIGATE));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.pathname));
  useEffect(() => {
    const update = (): void => setRoute(parseRoute(window.location.pathname));
    window.addEventListener('popstate', update);
    window.addEventListener(NAVIGATE, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(NAVIGATE, update);
    };
  }, []);
  return route;
}
