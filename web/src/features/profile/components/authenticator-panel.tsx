import { useCallback, useState, type FormEvent } from 'react';
import { useDescope, useUser } from '@descope/react-sdk';
import { Alert, Button, Card, TextField } from '@/components/ui';
import {
  accountPost,
  describeAccountError,
  NETWORK_MESSAGE,
  type RawHttpSdk,
} from '../api/account';

type Enrolment = { image: string; key: string };
type PanelState =
  | { status: 'idle' }
  | { status: 'pending' }
  | { status: 'error'; message: string }
  | { status: 'enrolled'; enrolment: Enrolment; confirming?: boolean; error?: string }
  | { status: 'confirmed' };

/**
 * Sets up (or replaces) the signed-in user's authenticator app: `totp.update`
 * with the stored refresh token, then the QR code and the key to type in, then
 * a first code from the app (`totp.verify`, the SDK sends the refresh token as
 * proof of the password step). Only once a code was accepted does a password
 * sign-in also ask for one: an app set up but never scanned locks nobody out.
 * An account with an app turns it off with a current code of it
 * (`POST /v1/auth/me/totp/delete`).
 */
export function AuthenticatorPanel({
  hasTotp = false,
  onChanged = () => {},
}: {
  hasTotp?: boolean;
  onChanged?: () => void;
}) {
  const sdk = useDescope();
  const { totp } = sdk;
  const { user } = useUser();
  const loginId = user?.loginIds?.[0] ?? '';
  const [state, setState] = useState<PanelState>({ status: 'idle' });
  const [code, setCode] = useState('');

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

  const confirm = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (state.status !== 'enrolled') return;
    setState({ ...state, confirming: true, error: undefined });
    try {
      const response = await totp.verify(loginId, code.replace(/\s/g, ''));
      if (response.ok) {
        setState({ status: 'confirmed' });
      } else {
        setState({
          ...state,
          confirming: false,
          error: 'That code is not right or was already used. Try the next one.',
        });
      }
    } catch {
      setState({
        ...state,
        confirming: false,
        error: 'Could not reach the server. Try again.',
      });
    }
  };

  return (
    <Card className="profile__panel profile__panel--wide" aria-labelledby="totp-heading">
      <h2 id="totp-heading">Authenticator app</h2>
      {state.status === 'confirmed' ? (
        <Alert tone="success">
          Your authenticator app is set up: signing in with your password now also asks
          for its code.
        </Alert>
      ) : state.status === 'enrolled' ? (
        <>
          <p>
            Scan this code with your authenticator app (or type the key), then enter the
            6-digit code it shows to finish.
          </p>
          <img
            className="profile__qr"
            src={`data:image/png;base64,${state.enrolment.image}`}
            alt="QR code for your authenticator app"
          />
          <p className="profile__note">
            Key: <code aria-label="Authenticator key">{state.enrolment.key}</code>
          </p>
          <form
            onSubmit={(e) => void confirm(e)}
            aria-busy={state.confirming || undefined}
          >
            <TextField
              label="Code from the app"
              name="code"
              inputMode="numeric"
              autoComplete="one-time-code"
              required
              value={code}
              onChange={(e) => setCode(e.target.value)}
            />
            {state.error && <Alert tone="error">{state.error}</Alert>}
            <Button type="submit" loading={state.confirming}>
              Confirm
            </Button>
          </form>
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
          {hasTotp && (
            <TurnOffForm sdk={sdk as unknown as RawHttpSdk} onDone={onChanged} />
          )}
        </>
      )}
    </Card>
  );
}

type TurnOffState =
  { status: 'idle' | 'pending' | 'done' } | { status: 'error'; message: string };

/** A current code from the app turns it off; a session alone cannot. */
function TurnOffForm({ sdk, onDone }: { sdk: RawHttpSdk; onDone: () => void }) {
  const [code, setCode] = useState('');
  const [state, setState] = useState<TurnOffState>({ status: 'idle' });

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setState({ status: 'pending' });
    try {
      const response = await accountPost(sdk, '/v1/auth/me/totp/delete', {
        code: code.replace(/\s/g, ''),
      });
      if (response.ok) {
        setState({ status: 'done' });
        onDone();
      } else {
        setState({
          status: 'error',
          message: describeAccountError(
            response,
            'That code is not right or was already used. Try the next one.',
          ),
        });
      }
    } catch {
      setState({ status: 'error', message: NETWORK_MESSAGE });
    }
  };

  if (state.status === 'done') {
    return (
      <Alert tone="success">
        Your authenticator app is turned off: your password alone signs you in.
      </Alert>
    );
  }
  return (
    <form
      onSubmit={(e) => void submit(e)}
      aria-busy={state.status === 'pending' || undefined}
    >
      <TextField
        label="Code from the app, to turn it off"
        name="off-code"
        inputMode="numeric"
        autoComplete="one-time-code"
        required
        value={code}
        onChange={(e) => setCode(e.target.value)}
      />
      {state.status === 'error' && <Alert tone="error">{state.message}</Alert>}
      <Button type="submit" variant="secondary" loading={state.status === 'pending'}>
        Turn off authenticator app
      </Button>
    </form>
  );
}
