import { useId, type ReactNode } from 'react';
import { Button, Card, Skeleton } from '@/components/ui';
import { plural } from '../api/format';
import { dailyCounts, searchAudit } from '../api/mgmt';
import type { AuditEvent } from '../api/types';
import { useMgmtQuery, type MgmtQuery } from '../hooks/use-mgmt';
import { SigninsChart } from './signins-chart';
import { LoadError } from './load-error';
import { When } from './when';

const LIST_LENGTH = 10;

/** Sign-ins per day, recent and failed sign-ins, and role changes, from the audit log. */
export function ActivityPage() {
  const daily = useMgmtQuery('daily', (call, signal) =>
    dailyCounts(call, 'user.signin', signal),
  );
  const signins = useMgmtQuery('signins', (call, signal) =>
    searchAudit(
      call,
      { actions: ['user.signin'], results: ['success'], limit: LIST_LENGTH },
      signal,
    ),
  );
  const failures = useMgmtQuery('failed-signins', (call, signal) =>
    searchAudit(
      call,
      { actions: ['user.signin'], results: ['failure'], limit: LIST_LENGTH },
      signal,
    ),
  );
  const roleChanges = useMgmtQuery('role-changes', (call, signal) =>
    searchAudit(call, { actions: ['user.roles.changed'], limit: LIST_LENGTH }, signal),
  );
  const refreshing =
    daily.isFetching ||
    signins.isFetching ||
    failures.isFetching ||
    roleChanges.isFetching;
  const refresh = () => {
    daily.reload();
    signins.reload();
    failures.reload();
    roleChanges.reload();
  };
  const chartHeading = useId();

  const total = daily.data?.days.reduce((sum, d) => sum + d.count, 0) ?? 0;
  const today = daily.data?.days.at(-1)?.count ?? 0;

  return (
    <div className="admin-activity">
      <Card className="admin-activity__chart" aria-labelledby={chartHeading}>
        <div className="admin-card-head">
          <div>
            <h2 id={chartHeading}>Sign-ins per day</h2>
            <p className="admin-muted admin-activity__summary" aria-live="polite">
              {daily.status === 'success' ? (
                <>
                  <strong>{plural(today, 'sign-in')} today</strong> · {total} in the last{' '}
                  {daily.data?.days.length ?? 30} days (UTC)
                </>
              ) : (
                'Last 30 days (UTC)'
              )}
            </p>
          </div>
          <Button variant="secondary" onClick={refresh} loading={refreshing}>
            Refresh
          </Button>
        </div>
        {daily.status === 'error' ? (
          <LoadError
            what="the sign-in chart"
            error={daily.error}
            onRetry={daily.reload}
          />
        ) : daily.status === 'loading' || !daily.data ? (
          <div
            className="chart chart--loading"
            aria-busy="true"
            aria-label="Loading chart"
          />
        ) : (
          <SigninsChart days={daily.data.days} />
        )}
      </Card>

      <div className="admin-activity__lists">
        <EventList
          title="Recent sign-ins"
          query={signins}
          events={signins.data}
          empty="No one has signed in yet."
          render={(e) => <span className="admin-muted">{describeDetail(e)}</span>}
        />
        <EventList
          title="Failed sign-ins"
          query={failures}
          events={failures.data}
          empty="No failed sign-ins."
          tone="failure"
          render={(e) => <span className="admin-event__reason">{describeDetail(e)}</span>}
        />
        <EventList
          title="Role changes"
          query={roleChanges}
          events={roleChanges.data}
          empty="No role changes yet."
          render={(e) => <span className="admin-muted">{describeRoles(e)}</span>}
        />
      </div>
    </div>
  );
}

function EventList({
  title,
  query,
  events,
  empty,
  tone,
  render,
}: {
  title: string;
  query: MgmtQuery<AuditEvent[]>;
  events: AuditEvent[] | undefined;
  empty: string;
  tone?: 'failure';
  render: (event: AuditEvent) => ReactNode;
}) {
  const headingId = useId();
  const shown = events?.slice(0, LIST_LENGTH);
  return (
    <Card className="admin-events" aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      {query.status === 'error' ? (
        <LoadError
          what={title.toLowerCase()}
          error={query.error}
          onRetry={query.reload}
        />
      ) : !shown ? (
        <div className="admin-skeleton" aria-busy="true" aria-label={`Loading ${title}`}>
          {Array.from({ length: 3 }, (_, i) => (
            <div key={i} className="admin-skeleton__row">
              <Skeleton width="medium" />
            </div>
          ))}
        </div>
      ) : shown.length === 0 ? (
        <p className="admin-muted">{empty}</p>
      ) : (
        <ol className="admin-event-list" aria-label={title}>
          {shown.map((e) => (
            <li
              key={e.id}
              className={tone ? `admin-event admin-event--${tone}` : 'admin-event'}
            >
              <span className="admin-event__who">
                {e.externalIds?.[0] || 'unknown account'}
              </span>
              <span className="admin-event__when">
                <When at={Math.floor(e.occurred / 1000)} />
              </span>
              <span className="admin-event__what">
                {render(e)}
                {e.remoteAddress && (
                  <span className="admin-event__ip"> · {e.remoteAddress}</span>
                )}
              </span>
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}

function capitalize(text: string): string {
  return text ? text[0]!.toUpperCase() + text.slice(1) : text;
}

function describeDetail(event: AuditEvent): string {
  const detail = event.data?.detail?.trim();
  if (!detail) return event.result === 'success' ? 'Signed in' : 'Failed';
  if (detail === 'password') return 'With password';
  return capitalize(detail);
}

function describeRoles(event: AuditEvent): string {
  const detail = event.data?.detail?.trim() ?? '';
  const match = /^(?:(tenant \S+) )?roles: (.*)$/.exec(detail);
  if (!match) return capitalize(detail) || 'Roles changed';
  const roles = match[2] === '(none)' ? 'no roles' : match[2]!.split(',').join(', ');
  return match[1] ? `${capitalize(match[1])}: ${roles}` : `Now: ${roles}`;
}
