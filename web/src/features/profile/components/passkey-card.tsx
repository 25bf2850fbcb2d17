import { useId, useState } from 'react';
import { useDescope } from '@descope/react-sdk';
import { Alert, Button, Card } from '@/components/ui';
import { describeAccountError, NETWORK_MESSAGE } from '../api/account';

function passkeyException(error: unknown): string {
  if (error instanceof DOMException) {
    if (error.name === 'NotAllowedError' || error.name === 'AbortError') {
      return 'The passkey prompt was closed or timed out. Try again.';
    }
    if (error.name === 'InvalidStateError') {
      return 'This device already holds a passkey for your account.';
    }
    return `This browser could not make a passkey (${error.name}).`;
  }
  return NETWORK_MESSAGE;
}

/**
 * Whether the account has a passkey, and "Add a passkey" (`webauthn.update`
 * with the stored refresh token; the SDK runs the browser's prompt). Removing
 * passkeys is an administrator's action.
 */
export function PasskeyCard({
  loginId,
  hasPasskey,
  onAdded,
}: {
  loginId: string;
  hasPasskey: boolean;
  onAdded: () => void;
}) {
  const { webauthn } = useDescope();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [added, setAdded] = useState(false);
  const headingId = useId();
  const supported = typeof window !== 'undefined' && 'PublicKeyCredential' in window;

  const add = async () => {
    setPending(true);
    setError(null);
    try {
      const response = await webauthn.update(loginId);
      if (response.ok) {
        setAdded(true);
        onAdded();
      } else {
        setError(describeAccountError(response));
      }
    } catch (thrown) {
      setError(passkeyException(thrown));
    } finally {
      setPending(false);
    }
  };

  return (
    <Card className="profile__panel" aria-labelledby={headingId}>
      <h2 id={headingId}>Passkeys</h2>
      <p className="account__status">
        {hasPasskey || added
          ? 'You have a passkey: you can sign in with it on the sign-in page.'
          : 'No passkey yet.'}
      </p>
      {added && <Alert tone="success">Your passkey is added.</Alert>}
      {error && (
        <Alert tone="error">
          <p>{error}</p>
        </Alert>
      )}
      {supported ? (
        <Button variant="secondary" loading={pending} onClick={add}>
          Add a passkey
        </Button>
      ) : (
        <p className="account__muted">This browser does not support passkeys.</p>
      )}
      <p className="account__muted">To remove passkeys, ask an administrator.</p>
    </Card>
  );
}
