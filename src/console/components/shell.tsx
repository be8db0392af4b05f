// The frame around every page: brand, navigation, namespace and sign-out.
import { Logo } from './logo.tsx';
import type { ReactNode } from 'react';
import { useSession } from '../hooks/session.ts';
import type { Route } from '../router.ts';
import { NamespacePicker } from './namespace-picker.tsx';
import { NavLink } from './nav-link.tsx';

const SECTIONS: { label: string; route: Route; pages: Route['page'][] }[] = [
  { label: 'Workloads', route: { page: 'workloads' }, pages: ['workloads', 'workload', 'workload-new'] },
  { label: 'Secrets', route: { page: 'secrets' }, pages: ['secrets'] },
  { label: 'Images', route: { page: 'images' }, pages: ['images'] },
  { label: 'Image caches', route: { page: 'imagecaches' }, pages: ['imagecaches'] },
];

export function Shell({ route, children }: { route: Route; children: ReactNode }) {
  const { signOut } = useSession();
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">
          <Logo />
          Ferry
        </span>
        <nav aria-label="Sections" className="sections">
          {SECTIONS.map((s) => (
            <NavLink key={s.label} to={s.route} current={s.pages.includes(route.page)}>
              {s.label}
            </NavLink>
          ))}
        </nav>
        <div className="topbar-end">
          <NamespacePicker />
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
