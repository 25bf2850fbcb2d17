import { useId, useState } from 'react';
import { useDescope } from '@descope/react-sdk';
import { Alert, Button, Card } from '@/components/ui';
import {
  accountPost,
  describeAccountError,
  NETWORK_MESSAGE,
  type RawHttpSdk,
} from '../api/account';

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
 * Whether the account has a passkey, "Add a passkey" (`webauthn.update` with
 * the stored refresh token; the SDK runs the browser's prompt) and "Remove
 * passkeys" after a confirmation (`POST /v1/auth/me/passkeys/delete`).
 */
export function PasskeyCard({
  loginId,
  hasPasskey,
  onChanged,
}: {
  loginId: string;
  hasPasskey: boolean;
  onChanged: () => void;
}) {
  const sdk = useDescope();
  const { webauthn } = sdk;
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [added, setAdded] = useState(false);
  const [removal, setRemoval] = useState<'idle' | 'confirm' | 'pending' | 'done'>('idle');
  const headingId = useId();
  const supported = typeof window !== 'undefined' && 'PublicKeyCredential' in window;

  const add = async () => {
    setPending(true);
    setError(null);
    try {
      const response = await webauthn.update(loginId);
      if (response.ok) {
        setAdded(true);
        setRemoval('idle');
        onChanged();
      } else {
        setError(describeAccountError(response));
      }
    } catch (thrown) {
      setError(passkeyException(thrown));
    } finally {
      setPending(false);
    }
  };

  const remove = async () => {
    setRemoval('pending');
    setError(null);
    try {
      const response = await accountPost(
        sdk as unknown as RawHttpSdk,
        '/v1/auth/me/passkeys/delete',
      );
      if (response.ok) {
        setAdded(false);
        setRemoval('done');
        onChanged();
      } else {
        setRemoval('confirm');
        setError(describeAccountError(response));
      }
    } catch {
      setRemoval('confirm');
      setError(NETWORK_MESSAGE);
    }
  };

  const has = (hasPasskey || added) && removal !== 'done';

  return (
    <Card className="profile__panel" aria-labelledby={headingId}>
      <h2 id={headingId}>Passkeys</h2>
      <p className="account__status">
        {has
          ? 'You have a passkey: you can sign in with it on the sign-in page.'
          : 'No passkey yet.'}
      </p>
      {added && <Alert tone="success">Your passkey is added.</Alert>}
      {removal === 'done' && (
        <Alert tone="success">
          Your passkeys are removed. Sign in with your password or an email code.
        </Alert>
      )}
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
      {has &&
        (removal === 'idle' ? (
          <Button variant="secondary" onClick={() => setRemoval('confirm')}>
            Remove passkeys
          </Button>
        ) : (
          <div role="group" aria-label="Confirm removing passkeys">
            <p>
              Remove every passkey of this account? Devices holding one stop signing in.
            </p>
            <Button
              variant="primary"
              loading={removal === 'pending'}
              onClick={() => void remove()}
            >
              Yes, remove them
            </Button>
            <Button variant="secondary" onClick={() => setRemoval('idle')}>
              Keep them
            </Button>
          </div>
        ))}
    </Card>
  );
}
