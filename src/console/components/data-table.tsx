// The console's list table: a scrolling wrapper, a header row of column names and, with
// `actions`, a last column for row buttons whose header only screen readers read.
import type { ReactNode } from 'react';

interface Props {
  columns: readonly string[];
  actions?: boolean;
  className?: string;
  /** Set on tables that update live (events). */
  live?: boolean;
  children: ReactNode;
}

export function DataTable({ columns, actions = false, className, live = false, children }: Props) {
  return (
    <div className="table-wrap">
      <table className={className} aria-live={live ? 'polite' : undefined}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
            {actions && (
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
