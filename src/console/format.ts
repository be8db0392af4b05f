// Display helpers shared by the tables.
import { formatAge } from '../api/kinds/age.ts';

export function age(timestamp: string | undefined, now: Date): string {
  return formatAge(timestamp, now);
}

export function bytes(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

/** `sha256:abcd…` shortened for a table cell; the full digest stays in the title. */
export function shortDigest(digest: string): string {
  const m = /sha256:([0-9a-f]{12})/.exec(digest);
  return m === null ? digest : `sha256:${m[1]}…`;
}
