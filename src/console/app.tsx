// The console: sign-in until a token is accepted, then the pages, with the session in context.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiClient } from './api/client.ts';
import { Shell } from './components/shell.tsx';
import { SessionContext } from './hooks/session.ts';
import type { Session } from './hooks/session.ts';
import { CreateWorkloadPage } from './pages/create-workload-page.tsx';
import { ImageCachesPage } from './pages/image-caches-page.tsx';
import { ImagesPage } from './pages/images-page.tsx';
import { SecretsPage } from './pages/secrets-page.tsx';
import { SignInPage } from './pages/sign-in-page.tsx';
import { WorkloadDetailPage } from './pages/workload-detail-page.tsx';
import { WorkloadsPage } from './pages/workloads-page.tsx';
import { useRoute } from './router.ts';
import type { Route } from './router.ts';
import { clearToken, loadNamespace, loadToken, saveNamespace, saveToken } from './token-store.ts';

const TITLES: Record<Route['page'], string> = {
  workloads: 'Workloads',
  'workload-new': 'Create workload',
  workload: 'Workload',
  secrets: 'Secrets',
  images: 'Images',
  imagecaches: 'Image caches',
};

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'secrets':
      return <SecretsPage />;
    case 'workload-new':
      return <CreateWorkloadPage />;
    case 'workload':
      return <WorkloadDetailPage kind={route.kind} name={route.name} />;
    case 'images':
      return <ImagesPage />;
    case 'imagecaches':
      return <ImageCachesPage />;
    default:
      return <WorkloadsPage />;
  }
}

export function App() {
  const [token, setToken] = useState<string | undefined>(() => loadToken());
  const [notice, setNotice] = useState<string | undefined>();
  const [namespace, setNamespaceState] = useState(() => loadNamespace());
  const route = useRoute();

  const signOut = useCallback(() => {
    clearToken();
    setToken(undefined);
  }, []);
  const expired = useCallback(() => {
    clearToken();
    setNotice('The API server no longer accepts the token: sign in again.');
    setToken(undefined);
  }, []);
  const client = useMemo(() => (token === undefined ? undefined : new ApiClient(token, expired)), [token, expired]);
  const setNamespace = useCallback((ns: string) => {
    saveNamespace(ns);
    setNamespaceState(ns);
  }, []);
  const session = useMemo<Session | undefined>(() => (client === undefined ? undefined : { client, namespace, setNamespace, signOut }), [client, namespace, setNamespace, signOut]);

  const signedIn = session !== undefined;
  useEffect(() => {
    document.title = signedIn ? `${route.page === 'workload' ? route.name : TITLES[route.page]} · Ferry` : 'Sign in · Ferry';
    // On a new page, move focus to its content so keyboard and screen-reader users land on it.
    if (signedIn) document.getElementById('main')?.focus({ preventScroll: true });
  }, [route, signedIn]);

  if (session === undefined) {
    return (
      <SignInPage
        notice={notice}
        onSignedIn={(t) => {
          saveToken(t);
          setNotice(undefined);
          setToken(t);
        }}
      />
    );
  }
  return (
    <SessionContext.Provider value={session}>
      <Shell route={route}>
        <Page route={route} />
      </Shell>
    </SessionContext.Provider>
  );
}
