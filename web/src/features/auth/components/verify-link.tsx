import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { useDescope } from '@descope/react-sdk';
import { Alert, Card, PageLoading } from '@/components/ui';
import { describePasswordlessError, NETWORK_ERROR } from '../api/auth-errors';

type VerifyLinkProps = {
  /** The `t` query parameter of the link; missing when the link was cut short. */
  token: string | null;
  /** Called once the server accepted the link (the SDK then holds the session). */
  onVerified: () => void;
};

/**
 * The page a sign-in link opens: `magicLink.verify(token)` once, then
 * `onVerified`. Needs nothing from the browser that asked for the link.
 */
export function VerifyLink({ token, onVerified }: VerifyLinkProps) {
  const { magicLink } = useDescope();
  const [error, setError] = useState<string | null>(
    token ? null : 'This link is incomplete. Copy the whole link from the email.',
  );
  const started = useRef(false);
  const done = useRef(onVerified);
  useEffect(() => {
    done.current = onVerified;
  });

  useEffect(() => {
    // A link works once: never send it twice (React's development double effects).
    if (!token || started.current) return;
    started.current = true;
    magicLink.verify(token).then(
      (response) => {
        if (response.ok) done.current();
        else setError(describePasswordlessError('link', response).message);
      },
      () => setError(NETWORK_ERROR.message),
    );
  }, [magicLink, token]);

  if (!error) return <PageLoading label="Signing you in…" />;
  return (
    <Card className="login" aria-labelledby="verify-heading">
      <h1 id="verify-heading">This link did not work</h1>
      <Alert tone="error">
        <p>{error}</p>
      </Alert>
      <p className="login__switch">
        <Link to="/login">Go to sign in</Link>
      </p>
    </Card>
  );
}
