import { useCallback, useEffect, useId, useState } from 'react';
import { useDescope } from '@descope/react-sdk';
import { Alert, Button, Card, Skeleton } from '@/components/ui';
import { describeAccountError, NETWORK_MESSAGE, type SignInRecord } from '../api/account';

type HistoryState =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'unavailable' }
  | { status: 'success'; records: SignInRecord[] };

function place(record: SignInRecord) {
  return [record.city, record.country].filter(Boolean).join(', ');
}

/** The user's recent successful sign-ins (`GET /v1/auth/me/history`, refresh token). */
export function SignInHistoryCard() {
  const sdk = useDescope();
  const [state, setState] = useState<HistoryState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const headingId = useId();

  useEffect(() => {
    let live = true;
    sdk.history().then(
      (response) => {
        if (!live) return;
        if (response.ok) {
          const records = Array.isArray(response.data)
            ? (response.data as SignInRecord[])
            : [];
          setState({ status: 'success', records });
        } else if (response.code === 404) {
          setState({ status: 'unavailable' });
        } else {
          setState({ status: 'error', message: describeAccountError(response) });
        }
      },
      () => live && setState({ status: 'error', message: NETWORK_MESSAGE }),
    );
    return () => {
      live = false;
    };
  }, [sdk, attempt]);

  const retry = useCallback(() => {
    setState({ status: 'loading' });
    setAttempt((n) => n + 1);
  }, []);

  return (
    <Card className="profile__panel profile__panel--wide" aria-labelledby={headingId}>
      <h2 id={headingId}>Recent sign-ins</h2>
      {state.status === 'loading' ? (
        <div aria-busy="true" aria-label="Loading recent sign-ins">
          <Skeleton width="medium" />
        </div>
      ) : state.status === 'unavailable' ? (
        <p className="account__muted">This server does not keep a sign-in history yet.</p>
      ) : state.status === 'error' ? (
        <>
          <Alert tone="error" title="Couldn’t load your sign-ins">
            <p>{state.message}</p>
          </Alert>
          <Button variant="secondary" onClick={retry}>
            Try again
          </Button>
        </>
      ) : state.records.length === 0 ? (
        <p className="account__muted">No sign-ins yet.</p>
      ) : (
        <ul className="account__history" aria-label="Recent sign-ins">
          {state.records.map((r, i) => {
            const when = new Date(r.loginTime * 1000);
            return (
              <li key={`${r.loginTime}-${i}`}>
                <time dateTime={when.toISOString()}>
                  {when.toLocaleString(undefined, {
                    dateStyle: 'medium',
                    timeStyle: 'short',
                  })}
                </time>
                <span className="account__muted">
                  {' '}
                  · {r.ip || 'unknown address'}
                  {place(r) ? ` · ${place(r)}` : ''}
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </Card>
  );
}
