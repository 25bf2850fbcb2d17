import { useCallback } from 'react';
import { useDescope } from '@descope/react-sdk';
import { describePasswordlessError } from '../api/auth-errors';
import { describePasskeyException } from '../api/passkey-errors';
import { useSdkCall } from './use-sdk-call';

/**
 * Signs up or in with a passkey: `webauthn.signUpOrIn(loginId)` asks the server
 * whether the account exists, lets the browser create or use a passkey, and
 * finishes; the SDK stores the tokens and publishes the session. Without a
 * login id, `webauthn.signIn('')` lets the browser offer the passkeys it holds
 * for this site (discoverable credentials).
 */
export function usePasskeySignIn() {
  const { webauthn } = useDescope();
  const { run, pending, error } = useSdkCall();

  /** With an email: sign up or in; without one: a passkey this device already holds. */
  const signInWithPasskey = useCallback(
    (email: string) =>
      run(async () => {
        try {
          const loginId = email.trim();
          const response = loginId
            ? await webauthn.signUpOrIn(loginId)
            : await webauthn.signIn('');
          if (response.ok) return null;
          return describePasswordlessError('passkey', response);
        } catch (thrown) {
          const view = describePasskeyException(thrown);
          if (view) return view;
          throw thrown;
        }
      }),
    [webauthn, run],
  );

  return { signInWithPasskey, pending, error };
}
