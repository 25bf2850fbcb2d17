import { fullDate, isoDate, timeAgo } from '../api/format';

/** A relative time ("3 minutes ago") with the full date on hover; `never` for 0. */
export function When({ at, never = 'Never' }: { at: number; never?: string }) {
  if (!at) return <span className="admin-muted">{never}</span>;
  return (
    <time dateTime={isoDate(at)} title={fullDate(at)}>
      {timeAgo(at)}
    </time>
  );
}
