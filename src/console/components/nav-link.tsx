// An in-app link: a real <a href> (so middle-click and copy work) that navigates without reloading.
import type { MouseEvent, ReactNode } from 'react';
import { navigate, routePath } from '../router.ts';
import type { Route } from '../router.ts';

interface Props {
  to: Route;
  children: ReactNode;
  current?: boolean;
  className?: string;
}

export function NavLink({ to, children, current, className }: Props) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>): void => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return (
    <a href={routePath(to)} onClick={onClick} aria-current={current === true ? 'page' : undefined} className={className}>
      {children}
    </a>
  );
}
