// The state line of a live table: loading, the watch's last error (it keeps retrying), or empty.
interface Props {
  loaded: boolean;
  error: string | undefined;
  count: number;
  empty: string;
}

export function ListStatus({ loaded, error, count, empty }: Props) {
  if (error !== undefined) {
    return (
      <p className="banner banner-error" role="alert">
        {error} Retrying…
      </p>
    );
  }
  if (!loaded) return <p className="muted" role="status">Loading…</p>;
  if (count === 0) return <p className="muted empty">{empty}</p>;
  return null;
}
