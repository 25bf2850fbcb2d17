import { useId, type ReactNode } from 'react';
import { Button, Card, Skeleton } from '@/components/ui';
import { plural } from '../api/format';
import { dailyCounts, listLockouts, searchAudit } from '../api/mgmt';
import type { AuditEvent } from '../api/types';
import { useMgmtQuery, type MgmtQuery } from '../hooks/use-mgmt';
import { SigninsChart } from './signins-chart';
import { LoadError } from './load-error';
import { LockoutsCard } from './lockouts-card';
import { When } from './when';

const LIST_LENGTH = 10;

const LOCKOUT_ACTIONS = [
  'user.locked',
  'address.locked',
  'user.unlocked',
  'address.unlocked',
];

/**
 * Sign-ins per day, who is locked out now (with Unlock), and recent sign-ins,
 * failures, lockouts and role changes from the audit log.
 */
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
  const lockouts = useMgmtQuery('lockouts', listLockouts);
  const lockEvents = useMgmtQuery('lockout-events', (call, signal) =>
    searchAudit(call, { actions: LOCKOUT_ACTIONS, limit: LIST_LENGTH }, signal),
  );
  const refreshing =
    daily.isFetching ||
    signins.isFetching ||
    failures.isFetching ||
    roleChanges.isFetching ||
    lockouts.isFetching ||
    lockEvents.isFetching;
  const refresh = () => {
    daily.reload();
    signins.reload();
    failures.reload();
    roleChanges.reload();
    lockouts.reload();
    lockEvents.reload();
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

      <div className="admin-activity__lockouts">
        <LockoutsCard
          query={lockouts}
          onUnlocked={() => {
            lockouts.reload();
            lockEvents.reload();
          }}
        />
        <EventList
          title="Recent lockouts"
          query={lockEvents}
          events={lockEvents.data}
          empty="No lockouts yet."
          who={lockSubject}
          render={(e) => (
            <span
              className={
                e.action.endsWith('.locked') ? 'admin-event__locked' : 'admin-muted'
              }
            >
              {describeLock(e)}
            </span>
          )}
        />
      </div>

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
  who = (e) => e.externalIds?.[0] || 'unknown account',
  render,
}: {
  title: string;
  query: MgmtQuery<AuditEvent[]>;
  events: AuditEvent[] | undefined;
  empty: string;
  tone?: 'failure';
  /** The event's subject, shown first; by default its login id. */
  who?: (event: AuditEvent) => string;
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
              <span className="admin-event__who">{who(e)}</span>
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

/** The login id or address of a lock event, from its detail ("address 10.0.0.7 locked …"). */
function lockSubject(event: AuditEvent): string {
  const named = /^(?:login(?: id)?|address) (\S+)/.exec(event.data?.detail?.trim() ?? '');
  if (event.action.startsWith('address.')) {
    return named?.[1] || event.remoteAddress || 'unknown address';
  }
  return event.externalIds?.[0] || named?.[1] || 'unknown account';
}

function describeLock(event: AuditEvent): string {
  const what = event.action.startsWith('address.') ? 'Address' : 'Account';
  switch (event.action.split('.')[1]) {
    case 'locked':
      return `${what} locked after too many attempts`;
    case 'unlocked':
      return `${what} unlocked by an admin`;
    default:
      return capitalize(event.data?.detail?.trim() ?? '') || event.action;
  }
}

function describeRoles(event: AuditEvent): string {
  const detail = event.data?.detail?.trim() ?? '';
  const match = /^(?:(tenant \S+) )?roles: (.*)$/.exec(detail);
  if (!match) return capitalize(detail) || 'Roles changed';
  const roles = match[2] === '(none)' ? 'no roles' : match[2]!.split(',').join(', ');
  return match[1] ? `${capitalize(match[1])}: ${roles}` : `Now: ${roles}`;
}
