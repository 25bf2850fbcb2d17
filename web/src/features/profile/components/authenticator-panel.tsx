import { useCallback, useState } from 'react';
import { useDescope, useUser } from '@descope/react-sdk';
import { Alert, Button, Card } from '@/components/ui';

type Enrolment = { image: string; key: string };
type PanelState =
  | { status: 'idle' }
  | { status: 'pending' }
  | { status: 'error'; message: string }
  | { status: 'enrolled'; enrolment: Enrolment };

/**
 * Sets up (or replaces) the signed-in user's authenticator app: `totp.update`
 * with the stored refresh token, then the QR code and the key to type in. From
 * then on a password sign-in also asks for the app's code.
 */
export function AuthenticatorPanel() {
  const { totp } = useDescope();
  const { user } = useUser();
  const loginId = user?.loginIds?.[0] ?? '';
  const [state, setState] = useState<PanelState>({ status: 'idle' });

  const enrol = useCallback(async () => {
    setState({ status: 'pending' });
    try {
      const response = await totp.update(loginId);
      if (response.ok && response.data) {
        const { image, key } = response.data as Enrolment;
        setState({ status: 'enrolled', enrolment: { image, key } });
      } else {
        setState({
          status: 'error',
          message:
            response.error?.errorMessage || 'The authenticator app could not be set up.',
        });
      }
    } catch {
      setState({ status: 'error', message: 'Could not reach the server. Try again.' });
    }
  }, [totp, loginId]);

  return (
    <Card className="profile__panel profile__panel--wide" aria-labelledby="totp-heading">
      <h2 id="totp-heading">Authenticator app</h2>
      {state.status === 'enrolled' ? (
        <>
          <p>
            Scan this code with your authenticator app (or type the key). Signing in with
            your password will ask for the app’s 6-digit code from now on.
          </p>
          <img
            className="profile__qr"
            src={`data:image/png;base64,${state.enrolment.image}`}
            alt="QR code for your authenticator app"
          />
          <p className="profile__note">
            Key: <code aria-label="Authenticator key">{state.enrolment.key}</code>
          </p>
        </>
      ) : (
        <>
          <p className="profile__note">
            Add a second step to signing in: a code from an app such as Google
            Authenticator or FreeOTP. Setting it up again replaces the previous app.
          </p>
          {state.status === 'error' && <Alert tone="error">{state.message}</Alert>}
          <Button
            variant="secondary"
            onClick={() => void enrol()}
            loading={state.status === 'pending'}
            disabled={!loginId}
          >
            Set up authenticator app
          </Button>
        </>
      )}
    </Card>
  );
}
