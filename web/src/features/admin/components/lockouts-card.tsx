import { useId, useRef, useState } from 'react';
import { Alert, Button, Card, Skeleton } from '@/components/ui';
import { clockTime, fullDate, isoDate, plural, timeAgo } from '../api/format';
import { unlock } from '../api/mgmt';
import type { Lockout } from '../api/types';
import { useMgmtAction, type MgmtQuery } from '../hooks/use-mgmt';
import { LoadError } from './load-error';

const KIND_LABELS: Record<Lockout['kind'], string> = {
  login: 'Account',
  address: 'Address',
};

const keyOf = (lockout: Lockout) => `${lockout.kind}:${lockout.value}`;

/**
 * Login ids and client addresses that may not sign in now (too many failed
 * attempts), each with an Unlock button that lifts the lockout at once.
 */
export function LockoutsCard({
  query,
  onUnlocked,
}: {
  query: MgmtQuery<Lockout[]>;
  /** After an unlock: reload what shows it (the list itself, the audit events). */
  onUnlocked: () => void;
}) {
  const action = useMgmtAction();
  const [notice, setNotice] = useState<string | null>(null);
  const [tried, setTried] = useState<string | null>(null);
  const headingId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const lockouts = query.data;

  const lift = async (lockout: Lockout) => {
    setNotice(null);
    setTried(lockout.value);
    const key = keyOf(lockout);
    const result = await action.run(key, (call) =>
      unlock(call, lockout.kind, lockout.value),
    );
    if (!result.ok) return;
    query.setData((list) => list.filter((l) => keyOf(l) !== key));
    setNotice(
      lockout.kind === 'login'
        ? `${lockout.value} can sign in again.`
        : `Sign-ins from ${lockout.value} are allowed again.`,
    );
    // The button that was pressed is gone; keep focus in the card.
    heading.current?.focus();
    onUnlocked();
  };

  return (
    <Card className="admin-lockouts" aria-labelledby={headingId}>
      <h2 id={headingId} ref={heading} tabIndex={-1}>
        Locked out
      </h2>
      <p className="admin-muted admin-lockouts__lead">
        Too many failed sign-ins lock an account or a client address for a while. A
        lockout ends by itself at the time shown; Unlock ends it now.
      </p>
      {notice && <Alert tone="success">{notice}</Alert>}
      {action.error && (
        <Alert tone="error" title={`Couldn’t unlock ${tried ?? ''}`.trim()}>
          <p>{action.error}</p>
        </Alert>
      )}
      {query.status === 'error' ? (
        <LoadError what="lockouts" error={query.error} onRetry={query.reload} />
      ) : lockouts === undefined ? (
        <div className="admin-skeleton" aria-busy="true" aria-label="Loading lockouts">
          {Array.from({ length: 2 }, (_, i) => (
            <div key={i} className="admin-skeleton__row">
              <Skeleton width="short" />
              <Skeleton width="medium" />
            </div>
          ))}
        </div>
      ) : lockouts.length === 0 ? (
        <p className="admin-muted">No one is locked out.</p>
      ) : (
        <ul
          className="admin-lockout-list"
          aria-label="Locked out"
          aria-busy={query.isFetching || undefined}
        >
          {lockouts.map((lockout) => {
            const key = keyOf(lockout);
            const until = Math.floor(lockout.lockedUntil / 1000);
            return (
              <li key={key} className="admin-lockout">
                <div className="admin-lockout__main">
                  <span className="admin-lockout__who">
                    <span className="admin-chip">
                      {KIND_LABELS[lockout.kind] ?? lockout.kind}
                    </span>{' '}
                    <span
                      className={`admin-lockout__value admin-lockout__value--${lockout.kind}`}
                    >
                      {lockout.value}
                    </span>
                  </span>
                  <span className="admin-lockout__detail">
                    {plural(lockout.attempts, 'failed attempt')} · until{' '}
                    <time dateTime={isoDate(until)} title={fullDate(until)}>
                      {clockTime(until)}
                    </time>{' '}
                    ({timeAgo(until)})
                  </span>
                </div>
                <Button
                  variant="secondary"
                  size="sm"
                  aria-label={`Unlock ${lockout.value}`}
                  loading={action.pending === key}
                  onClick={() => lift(lockout)}
                >
                  Unlock
                </Button>
              </li>
            );
          })}
        </ul>
      )}
    </Card>
  );
}
